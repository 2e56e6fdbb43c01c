import type { FastifyPluginAsync } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CONSOLE_RULES } from '../../../shared/console-roles.ts';
import { OutboxSchema } from '../../../shared/contracts/console/outbox.ts';
import { ErrorSchema } from '../../../shared/contracts/errors.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { listOutbox } from './outbox.ts';

/**
 * Development without SMTP: admins read the outbox in the console (its mail holds claim links
 * and gift card codes, so never anyone else, and never in production; see config.ts).
 */
export const outboxConsoleRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/outbox',
    {
      config: { access: CONSOLE_RULES.admin },
      schema: {
        tags: ['console'],
        summary: 'The mail queued, newest first (development without SMTP only)',
        response: { 200: OutboxSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (_request, reply) => {
      const messages = await listOutbox(db.kysely, 100);
      reply.header('cache-control', 'no-store');
      return {
        messages: messages.map((m) => ({
          id: m.id,
          claimId: m.claim_id,
          to: m.to_address,
          language: m.language,
          template: m.template,
          subject: m.subject,
          text: m.text_body,
          state: m.state,
          mergedInto: m.merged_into,
          createdAt: m.created_at.toISOString(),
          sentAt: m.sent_at?.toISOString() ?? null,
        })),
      };
    },
  );
};

/** The old public page is gone: answered 404 here rather than by the web app's page fallback. */
export const retiredOutboxPage: FastifyPluginAsync = async (app) => {
  app.get('/dev/outbox', { schema: { hide: true } }, async () => {
    throw new AppError('not_found');
  });
};
