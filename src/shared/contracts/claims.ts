import { z } from 'zod';
import { FOUND_STATUSES } from '../claim-rules.ts';

/** Public claim API contracts (server validation, OpenAPI, web types). */
export const RemedyKindSchema = z.enum(['replacement', 'gift_card', 'refund', 'voucher', 'repair']);
export const EvidenceKindSchema = z.enum(['label', 'marked', 'receipt', 'disposal']);
export const ClaimStatusSchema = z.enum(['draft', ...FOUND_STATUSES]);

const Text = (max: number) => z.string().trim().min(1).max(max);

export const CreateClaimBodySchema = z.object({
  campaign: z.string().max(80),
  serial: z.string().max(100).describe('Serial number as printed'),
  model: z.string().max(32),
  remedy: RemedyKindSchema,
  hasUnit: z
    .boolean()
    .default(true)
    .describe('false: the unit was thrown away or destroyed; claim with proof of purchase'),
  claimant: z.object({
    name: Text(200),
    email: z.email().max(254),
    phone: z.string().trim().max(40).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code such as US'),
    language: z.enum(['en', 'zh-CN', 'es']).default('en'),
  }),
  address: z
    .object({
      line1: Text(200),
      line2: z.string().trim().max(200).optional(),
      city: Text(100),
      region: z.string().trim().max(100).optional(),
      postalCode: Text(20),
      country: z.string().regex(/^[A-Z]{2}$/),
    })
    .optional(),
  orderNumber: z.string().trim().max(100).optional(),
  purchasePrice: z
    .object({
      amountMinor: z.number().int().positive().max(10_000_000_00),
      currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
    })
    .optional()
    .describe('What the owner paid, from the proof of purchase (refunds pay it)'),
  incidentDescription: z.string().trim().max(4000).optional(),
});
export type CreateClaimBody = z.infer<typeof CreateClaimBodySchema>;

export const CreateClaimResponseSchema = z.object({
  id: z.string(),
  code: z.string().describe('Written on the unit next to RECALLED'),
  status: z.literal('draft'),
  accessToken: z
    .string()
    .describe('Send as Authorization: Bearer <accessToken>; also the secret of the status link'),
  statusUrl: z.string(),
  expiresAt: z.string(),
});
export type CreateClaimResponse = z.infer<typeof CreateClaimResponseSchema>;

export const EvidenceSchema = z.object({
  id: z.string(),
  kind: EvidenceKindSchema,
  state: z
    .enum(['processing', 'ready', 'unreadable'])
    .describe('processing: checked at upload, being decoded and read; unreadable: upload it again'),
  problem: z.string().nullable().describe('Why the photo is unreadable (an error code)'),
  format: z.string(),
  bytes: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  createdAt: z.string(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const EvidenceFeedbackSchema = z.object({
  id: z.string(),
  kind: EvidenceKindSchema,
  state: z.enum(['processing', 'ready', 'unreadable']),
  problem: z.string().nullable(),
  checks: z.array(z.object({ id: z.string(), outcome: z.enum(['pass', 'fail', 'unsure']) })),
  messages: z
    .array(z.string())
    .describe('What could not be read and what to do about it, in the caller’s language'),
  serialRead: z
    .string()
    .nullable()
    .describe(
      'A label photo showing another serial than the claim’s: the serial read (the owner may have entered the wrong one)',
    ),
});
export type EvidenceFeedback = z.infer<typeof EvidenceFeedbackSchema>;

export const SubmitClaimBodySchema = z
  .object({
    disposalAttested: z
      .boolean()
      .optional()
      .describe('The owner will take, or took, the unit to a drop-off point'),
  })
  .optional();

export const ClaimStatusResponseSchema = z.object({
  id: z.string(),
  code: z.string(),
  status: ClaimStatusSchema,
  campaign: z.object({ slug: z.string(), title: z.string() }),
  model: z.string(),
  serial: z.string().nullable(),
  remedy: RemedyKindSchema,
  hasUnit: z.boolean(),
  claimantName: z.string().describe('As the owner gave it (written on the unit where the recall asks)'),
  returnRequired: z.boolean().describe('The unit is sent back rather than dropped off'),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  evidence: z.array(EvidenceSchema),
  requiredEvidence: z.array(EvidenceKindSchema),
  missingEvidence: z.array(EvidenceKindSchema),
  disposal: z.object({
    method: z.enum(['hazardous_waste_drop_off', 'return_to_manufacturer']),
    dropOffFinderUrl: z.string().nullable(),
    confirmBeforeRemedy: z.boolean().describe('The remedy waits until the owner confirms the drop-off'),
    attestedAt: z
      .string()
      .nullable()
      .describe('When the owner promised, at submission, to dispose of the unit'),
    confirmedAt: z.string().nullable().describe('When the owner confirmed the drop-off'),
  }),
  next: z.enum(['add_evidence', 'submit', 'wait', 'provide_info', 'confirm_disposal', 'return_unit', 'none']),
  fulfilment: z
    .object({
      kind: RemedyKindSchema,
      state: z
        .string()
        .describe(
          'awaiting_disposal | awaiting_return | pending | issuing | ready_to_ship | in_batch | shipped | ready_to_pay | in_payout | issued | paid | failed',
        ),
      code: z.string().nullable().describe('The gift card or voucher code, once issued'),
      amountMinor: z.number().nullable().describe('Value of the code, or the refund, in minor units'),
      currency: z.string().nullable(),
      carrier: z.string().nullable(),
      trackingNumber: z.string().nullable(),
      trackingUrl: z.string().nullable(),
      issuedAt: z
        .string()
        .nullable()
        .describe('When the code was sent, the parcel shipped or the money paid'),
    })
    .nullable()
    .describe('The remedy once the claim is approved: what the owner needs to use it or follow it'),
  timeline: z.array(
    z.object({
      at: z.string(),
      type: z.string(),
      status: z.string().nullable(),
      note: z.string().nullable(),
    }),
  ),
});
export type ClaimStatusResponse = z.infer<typeof ClaimStatusResponseSchema>;
