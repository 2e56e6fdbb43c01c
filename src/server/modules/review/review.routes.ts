import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSOLE_RULES } from '../../../shared/console-roles.ts';
import {
  ClaimForReviewSchema,
  ClaimSearchQuerySchema,
  ClaimSearchSchema,
  DecisionBodySchema,
  DecisionResultSchema,
  QueueQuerySchema,
  QueueSchema,
} from '../../../shared/contracts/console/review.ts';
import type { BlobStore } from '../../blobs/blob-store.ts';
import { toCsv } from '../../csv.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { ClaimHooks } from '../claims/claim-lifecycle.ts';
import { actorOf, recordAudit, recordAuditUnlessRepeated } from '../staff/audit.ts';
import { consoleErrors, staffOf, tags } from '../staff/console-gate.ts';
import { claimForReview, photoForReview } from './claim-for-review.ts';
import { decideClaim } from './decide-claim.ts';
import { FOUND_CLAIM_CSV_COLUMNS, findClaims } from './find-claims.ts';
import { releaseClaim } from './review-claim.ts';
import { reviewQueue } from './review-queue.ts';

const REVIEWERS = CONSOLE_RULES.review;
const ClaimParams = z.object({ id: z.string().max(60) });

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
        querystring: QueueQuerySchema,
        response: { 200: QueueSchema, ...consoleErrors },
      },
    },
    async (request) => {
      const queue = await reviewQueue(db.kysely, request.query);
      // What a person was shown: the same list again (the queue refreshing itself) adds no line.
      await recordAuditUnlessRepeated(db.kysely, actorOf(request), 'claims.listed', {
        filter: request.query,
        shown: queue.claims.map((claim) => claim.id),
      });
      return queue;
    },
  );

  app.get(
    '/claims/search',
    {
      config: { access: CONSOLE_RULES.findClaims },
      schema: {
        tags,
        summary: 'Find any sent claim, whatever its status, by code, e-mail, serial, order number or name',
        querystring: ClaimSearchQuerySchema,
        response: { 200: ClaimSearchSchema, ...consoleErrors },
      },
    },
    async (request) => {
      const found = await findClaims(db.kysely, request.query);
      await recordAuditUnlessRepeated(db.kysely, actorOf(request), 'claims.searched', {
        filter: request.query,
        shown: found.claims.map((claim) => claim.id),
      });
      return found;
    },
  );

  app.get(
    '/claims/search/export',
    {
      config: { access: CONSOLE_RULES.findClaims },
      schema: {
        tags,
        summary: 'The found claims as CSV (up to 500), for a spreadsheet; the export is audited',
        querystring: ClaimSearchQuerySchema,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const found = await findClaims(db.kysely, { ...request.query, limit: 500 });
      await recordAudit(db.kysely, actorOf(request), 'claims.exported', null, {
        filter: request.query,
        rows: found.claims.length,
      });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="claims.csv"')
        .header('cache-control', 'private, no-store')
        .send(toCsv(FOUND_CLAIM_CSV_COLUMNS, found.claims));
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
        response: { 200: ClaimForReviewSchema, ...consoleErrors },
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
      await db.transaction((tx) => releaseClaim(tx.kysely, staffOf(request).staff, request.params.id));
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
        body: DecisionBodySchema,
        response: { 200: DecisionResultSchema, ...consoleErrors },
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
