import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSOLE_RULES } from '../../../shared/console-roles.ts';
import type { BlobStore } from '../../blobs/blob-store.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { ClaimHooks } from '../claims/claim-lifecycle.ts';
import { actorOf, recordAudit } from '../staff/audit.ts';
import { consoleErrors, staffOf, tags } from '../staff/console-gate.ts';
import { claimForReview, photoForReview } from './claim-for-review.ts';
import { decideClaim } from './decide-claim.ts';
import { lockClaim } from './review-claim.ts';
import { QUEUE_STATUSES, reviewQueue } from './review-queue.ts';

const REVIEWERS = CONSOLE_RULES.review;
const ClaimParams = z.object({ id: z.string().max(60) });

const QueueItemSchema = z.object({
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
const Counts = z.record(z.string(), z.number());

/** The review queue, a claim for review, its photos, and decisions. */
export const reviewRoutes: FastifyPluginAsyncZod<{
  db: Db;
  blobs: BlobStore;
  publicUrl: string;
  hooks: ClaimHooks;
}> = async (app, { db, blobs, publicUrl, hooks }) => {
  app.get(
    '/claims',
    {
      config: { access: REVIEWERS },
      schema: {
        tags,
        summary: 'The review queue, longest-waiting first, with counts per filter value',
        querystring: z.object({
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
        }),
        response: {
          200: z.object({
            total: z.number(),
            counts: z.object({ status: Counts, campaign: Counts, country: Counts, check: Counts }),
            claims: z.array(QueueItemSchema),
          }),
          ...consoleErrors,
        },
      },
    },
    async (request) => {
      const queue = await reviewQueue(db.kysely, request.query);
      await recordAudit(db.kysely, actorOf(request), 'claims.listed', null, {
        filter: request.query,
        shown: queue.claims.map((claim) => claim.id),
      });
      return queue;
    },
  );

  app.get(
    '/claims/:id',
    {
      config: { access: REVIEWERS },
      schema: {
        tags,
        summary: 'One claim with everything needed to decide it; opening it marks it as yours for 10 minutes',
        params: ClaimParams,
        response: {
          200: z.looseObject({
            version: z.string(),
            allowedActions: z.array(z.string()),
            reviewer: z
              .object({ id: z.string(), name: z.string(), until: z.string().nullable(), you: z.boolean() })
              .nullable(),
          }),
          ...consoleErrors,
        },
      },
    },
    async (request) => claimForReview(db, staffOf(request).staff, actorOf(request), request.params.id),
  );

  app.post(
    '/claims/:id/release',
    {
      config: { access: REVIEWERS },
      schema: {
        tags,
        summary: 'Let go of a claim you have open, so another reviewer can take it',
        params: ClaimParams,
        response: { 204: z.null(), ...consoleErrors },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request).staff;
      await db.transaction(async (tx) => {
        await lockClaim(tx.kysely, request.params.id);
        await tx.kysely
          .updateTable('claim')
          .set({ review_by: null, review_until: null })
          .where('id', '=', request.params.id)
          .where('review_by', '=', staff.id)
          .execute();
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/claims/:id/evidence/:evidenceId',
    {
      config: { access: REVIEWERS },
      schema: {
        tags,
        summary: 'A photo of the claim (display copy); the view is recorded in the audit trail',
        params: ClaimParams.extend({ evidenceId: z.string().max(60) }),
        produces: ['image/jpeg'],
      },
    },
    async (request, reply) => {
      const key = await db.transaction((tx) =>
        photoForReview(tx, actorOf(request), request.params.id, request.params.evidenceId),
      );
      const data = key && (await blobs.get(key));
      if (!data) throw new AppError('not_found');
      return reply
        .header('content-type', 'image/jpeg')
        .header('cache-control', 'private, no-store')
        .send(data);
    },
  );

  app.post(
    '/claims/:id/decision',
    {
      config: { access: REVIEWERS },
      schema: {
        tags,
        summary:
          'Decide a claim: approve, reject (with a reason of the campaign), request information, escalate',
        description:
          'Send the `version` from the claim as you saw it: if the claim changed since, the answer is 409 `claim_changed`. A claim another reviewer has open answers 409 `claim_in_review`. Where the campaign asks for a second review, an approval waits (`awaitingSecondReview`) for a supervisor, who confirms it with the same action or overturns it with another.',
        params: ClaimParams,
        body: z.object({
          action: z.enum(['approve', 'reject', 'request_info', 'escalate']),
          reason: z.string().max(60).optional(),
          message: z.string().trim().max(2000).optional(),
          version: z.string().max(20).optional(),
        }),
        response: {
          200: z.object({ status: z.string(), awaitingSecondReview: z.boolean(), version: z.string() }),
          ...consoleErrors,
        },
      },
    },
    async (request) =>
      db.transaction((tx) =>
        decideClaim(
          tx,
          { publicUrl, hooks },
          staffOf(request).staff,
          actorOf(request),
          request.params.id,
          request.body,
        ),
      ),
  );
};
