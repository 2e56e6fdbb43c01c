import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorSchema } from '../../../shared/contracts/errors.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { recordBounces } from './bounces.ts';
import { noticeLookedUp, openNotice, unsubscribe } from './notice-links.ts';

const TokenBody = z.object({ token: z.string().min(10).max(200) }).strict();
const tags = ['notices'];

/**
 * The personal links of direct notices (public: the signed token is the person's alone), the
 * one-click unsubscribe of RFC 8058, and the mail provider's bounce reports (bearer token).
 */
export const noticeRoutes: FastifyPluginAsyncZod<{ db: Db; bounceToken: string | undefined }> = async (
  app,
  { db, bounceToken },
) => {
  // RFC 8058: a mail client POSTs `List-Unsubscribe=One-Click` form-encoded.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.post(
    '/api/v1/notices/open',
    {
      schema: {
        tags,
        summary: 'Follow a personal notice link: the recall, the unit to fill in, the language',
        description:
          'Counted as the link opened (the first time). The token is the fragment of `/n#<token>`.',
        body: TokenBody,
        response: {
          200: z.object({
            campaign: z.string(),
            serial: z.string().nullable(),
            model: z.string().nullable(),
            language: z.string(),
          }),
          400: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return openNotice(db.kysely, request.body.token);
    },
  );

  app.post(
    '/api/v1/notices/looked-up',
    {
      schema: {
        tags,
        summary: 'The page a notice link opened checked a unit (counted once per notice)',
        body: TokenBody,
        response: { 204: z.null(), 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      await noticeLookedUp(db.kysely, request.body.token);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/notices/unsubscribe',
    {
      schema: {
        tags,
        summary: 'Stop notices to the person a link was sent to (RFC 8058 one-click, or the page’s button)',
        description:
          'The token comes in `?t=` (the List-Unsubscribe header’s address, POSTed with `List-Unsubscribe=One-Click`) or in a JSON body `{token}`. Honoured at once and kept across imports.',
        querystring: z.object({ t: z.string().max(200).optional() }),
        body: z.record(z.string(), z.unknown()).nullish(),
        response: {
          200: z.object({ unsubscribed: z.literal(true), campaign: z.string() }),
          400: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const token = request.query.t ?? request.body?.token;
      if (typeof token !== 'string') throw new AppError('notice_link_invalid');
      return { unsubscribed: true as const, ...(await unsubscribe(db.kysely, token)) };
    },
  );

  app.post(
    '/api/v1/notices/bounces',
    {
      // Before the body is read: a caller without the token learns nothing, not even the shape.
      onRequest: async (request) => {
        if (!bounceToken) throw new AppError('not_found');
        const given = Buffer.from(/^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
        const expected = Buffer.from(bounceToken);
        if (given.length !== expected.length || !timingSafeEqual(given, expected))
          throw new AppError('unauthorized');
      },
      schema: {
        tags,
        summary: 'A mail provider reports bounces and complaints (Authorization: Bearer NOTICE_BOUNCE_TOKEN)',
        description:
          'Each address is marked undeliverable on every notice list (a complaint also unsubscribes); a bounce marks the notice it answers bounced. Off (404) unless NOTICE_BOUNCE_TOKEN is set.',
        body: z
          .object({
            events: z
              .array(
                z.object({
                  email: z.string().max(254),
                  type: z.enum(['bounce', 'complaint']),
                  messageId: z.string().max(200).optional(),
                }),
              )
              .min(1)
              .max(1000),
          })
          .strict(),
        response: {
          200: z.object({ matched: z.number().int(), unknown: z.number().int() }),
          400: ErrorSchema,
          401: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => db.transaction((tx) => recordBounces(tx.kysely, request.body.events)),
  );
};
