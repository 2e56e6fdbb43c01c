import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSOLE_RULES } from '../../../shared/console-roles.ts';
import type { BlobStore } from '../../blobs/blob-store.ts';
import type { Db } from '../../db/database.ts';
import { actorOf } from '../staff/audit.ts';
import { consoleErrors, tags } from '../staff/console-gate.ts';
import { erasePerson, exportPersonalData } from './privacy.ts';

const PersonBody = z.object({ email: z.email().max(254) });

/** An owner's rights, for admins: a copy of everything held about them, or its erasure; both audited. */
export const privacyConsoleRoutes: FastifyPluginAsyncZod<{ db: Db; blobs: BlobStore }> = async (
  app,
  { db, blobs },
) => {
  app.post(
    '/privacy/export',
    {
      config: { access: CONSOLE_RULES.admin },
      schema: {
        tags,
        summary: 'Every claim, photo and e-mail about the person behind an e-mail address, as a zip',
        body: PersonBody,
        produces: ['application/zip'],
      },
    },
    async (request, reply) => {
      const exported = await exportPersonalData(db, blobs, request.body.email, actorOf(request));
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', 'attachment; filename="personal-data.zip"')
        .header('cache-control', 'no-store')
        .send(Buffer.from(exported.zip));
    },
  );

  app.post(
    '/privacy/erase',
    {
      config: { access: CONSOLE_RULES.admin },
      schema: {
        tags,
        summary:
          'Remove the personal data of every claim made with an e-mail address; decisions, remedies and counts stay',
        body: PersonBody,
        response: { 200: z.object({ claims: z.number(), photos: z.number() }), ...consoleErrors },
      },
    },
    async (request) => erasePerson(db, blobs, request.body.email, actorOf(request)),
  );
};
