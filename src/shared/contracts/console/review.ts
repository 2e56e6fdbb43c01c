import { z } from 'zod';
import { FOUND_STATUSES } from '../../claim-rules.ts';

/** The statuses a person must act on: the review queue. */
export const QUEUE_STATUSES = ['needs_review', 'escalated', 'second_review'] as const;
export const REVIEW_ACTIONS = ['approve', 'reject', 'request_info', 'escalate'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

export const QueueQuerySchema = z.object({
  campaign: z.string().max(80).optional(),
  status: z.enum(QUEUE_STATUSES).optional(),
  check: z.string().max(40).optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .optional(),
  minAgeHours: z.coerce.number().min(0).max(100_000).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const QueueItemSchema = z.object({
  id: z.string(),
  code: z.string(),
  status: z.string(),
  campaign: z.string(),
  model: z.string(),
  serial: z.string().nullable(),
  remedy: z.string(),
  hasUnit: z.boolean(),
  claimantName: z.string(),
  country: z.string(),
  riskScore: z.number().nullable(),
  failedChecks: z.array(z.string()),
  waitingSince: z.string(),
  waitingHours: z.number(),
  submittedAt: z.string().nullable(),
  reviewer: z.string().nullable(),
});
export type QueueItem = z.infer<typeof QueueItemSchema>;

const Counts = z.record(z.string(), z.number());
export const QueueSchema = z.object({
  total: z.number(),
  counts: z.object({ status: Counts, campaign: Counts, country: Counts, check: Counts }),
  claims: z.array(QueueItemSchema),
});
export type Queue = z.infer<typeof QueueSchema>;

export const OcrWordSchema = z.object({
  text: z.string(),
  confidence: z.number(),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});
export type OcrWord = z.infer<typeof OcrWordSchema>;

export const ReviewEvidenceSchema = z.object({
  id: z.string(),
  kind: z.string(),
  state: z.string(),
  problem: z.string().nullable(),
  format: z.string(),
  bytes: z.number(),
  width: z.number(),
  height: z.number(),
  createdAt: z.string(),
  current: z.boolean(),
  exif: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe("The photo's EXIF summary (camera, time taken, GPS present)"),
  ocr: z.object({ lines: z.array(z.string()), words: z.array(OcrWordSchema), angle: z.number() }).nullable(),
  quality: z
    .object({
      width: z.number(),
      height: z.number(),
      sharpness: z.number(),
      brightness: z.number(),
      clipped: z.number(),
    })
    .nullable(),
});
export type ReviewEvidence = z.infer<typeof ReviewEvidenceSchema>;

export const ReviewCheckSchema = z.object({
  id: z.string(),
  outcome: z.enum(['pass', 'fail', 'unsure']),
  score: z.number(),
  detail: z.record(z.string(), z.unknown()),
  evidenceId: z.string().nullable(),
  checkedAt: z.string(),
});
export type ReviewCheck = z.infer<typeof ReviewCheckSchema>;

export const ClaimForReviewSchema = z.object({
  version: z.string(),
  reviewer: z
    .object({ id: z.string(), name: z.string(), until: z.string().nullable(), you: z.boolean() })
    .nullable(),
  people: z
    .record(z.string(), z.string())
    .describe('The names of the staff the decisions name (staff:<id> → name)'),
  allowedActions: z.array(z.enum(REVIEW_ACTIONS)),
  pendingDecision: z
    .object({
      action: z.string(),
      actor: z.string(),
      at: z.string(),
      reasons: z.array(z.string()),
      qualitySample: z.boolean(),
    })
    .nullable(),
  rejectReasons: z.array(z.object({ code: z.string(), label: z.string() })),
  infoReasons: z.array(z.string()),
  claim: z.object({
    id: z.string(),
    code: z.string(),
    status: z.string(),
    campaign: z.object({ slug: z.string(), title: z.string() }),
    model: z.string(),
    serial: z.string().nullable(),
    remedy: z.string(),
    hasUnit: z.boolean(),
    claimant: z.looseObject({
      name: z.string(),
      email: z.string(),
      phone: z.string().nullish(),
      country: z.string(),
      language: z.string(),
    }),
    address: z.record(z.string(), z.string()).nullable(),
    orderNumber: z.string().nullable(),
    incidentDescription: z.string().nullable(),
    riskScore: z.number().nullable(),
    createdAt: z.string(),
    submittedAt: z.string().nullable(),
    updatedAt: z.string(),
    disposalAttestedAt: z.string().nullable(),
    disposalConfirmedAt: z.string().nullable(),
  }),
  evidence: z.array(ReviewEvidenceSchema),
  checks: z.array(ReviewCheckSchema),
  signals: z.array(z.object({ kind: z.string(), claims: z.array(z.string()), forcesReview: z.boolean() })),
  otherClaims: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      status: z.string(),
      serial: z.string().nullable(),
      model: z.string(),
      createdAt: z.string(),
    }),
  ),
  duplicates: z.array(
    z.object({
      evidence: z.string(),
      otherClaim: z.string(),
      otherEvidence: z.string().nullable(),
      distance: z.number().nullable(),
      reason: z.string(),
      otherCode: z.string().nullable(),
      otherStatus: z.string().nullable(),
    }),
  ),
  timeline: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      actor: z.string(),
      type: z.string(),
      from: z.string().nullable(),
      to: z.string().nullable(),
      detail: z.record(z.string(), z.unknown()),
    }),
  ),
  decisions: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      actor: z.string(),
      action: z.string(),
      reasonCode: z.string().nullable(),
      reasons: z.array(z.string()),
      message: z.string().nullable(),
      state: z.string(),
      qualitySample: z.boolean(),
      confirmedBy: z.string().nullable(),
      confirmedAt: z.string().nullable(),
    }),
  ),
});
export type ClaimForReview = z.infer<typeof ClaimForReviewSchema>;

export const DecisionBodySchema = z.object({
  action: z.enum(REVIEW_ACTIONS),
  reason: z.string().max(60).optional(),
  message: z.string().trim().max(2000).optional(),
  version: z.string().max(20).optional(),
});
export type DecisionBody = z.infer<typeof DecisionBodySchema>;
export const DecisionResultSchema = z.object({
  status: z.string(),
  awaitingSecondReview: z.boolean(),
  version: z.string(),
});
export type DecisionResult = z.infer<typeof DecisionResultSchema>;

export { FOUND_STATUSES } from '../../claim-rules.ts';

export const ClaimSearchQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('A claim code, e-mail address, serial number, order number, or the start of a name'),
  status: z.enum(FOUND_STATUSES).optional(),
  campaign: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ClaimSearchQuery = z.infer<typeof ClaimSearchQuerySchema>;

export const FoundClaimSchema = z.object({
  id: z.string(),
  code: z.string(),
  status: z.string(),
  campaign: z.string(),
  model: z.string(),
  serial: z.string().nullable(),
  remedy: z.string(),
  claimantName: z.string(),
  email: z.string(),
  country: z.string(),
  orderNumber: z.string().nullable(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type FoundClaim = z.infer<typeof FoundClaimSchema>;

export const ClaimSearchSchema = z.object({
  claims: z.array(FoundClaimSchema),
  /** More matched than `limit`: narrow the search. */
  more: z.boolean(),
});
export type ClaimSearch = z.infer<typeof ClaimSearchSchema>;
