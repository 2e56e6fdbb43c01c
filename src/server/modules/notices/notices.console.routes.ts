import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSOLE_RULES } from '../../../shared/console-roles.ts';
import { ErrorSchema } from '../../../shared/contracts/errors.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { findCampaign } from '../catalog/catalog.queries.ts';
import { actorOf, recordAudit } from '../staff/audit.ts';
import { consoleErrors, tags } from '../staff/console-gate.ts';
import { importNotices } from './import-notices.ts';

/** A list of a few hundred thousand people is a few tens of megabytes. */
const NOTICE_LIST_MAX_BYTES = 64 * 1024 * 1024;
const REJECTED_SHOWN = 100;

const NoticeImportSchema = z.object({
  id: z.string(),
  rowsTotal: z.number(),
  rowsAdded: z.number(),
  rowsMerged: z.number().describe('Rows for a person already listed: still one notice each'),
  rowsRejected: z.number(),
  rejected: z
    .array(z.object({ line: z.number(), reason: z.string() }))
    .describe(`The first ${REJECTED_SHOWN}`),
});

/** Notice audiences: managers import the lists of known buyers (personal data: managers and admins only). */
export const noticeConsoleRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/campaigns/:slug/notices',
    {
      config: { access: CONSOLE_RULES.campaignsEdit },
      schema: {
        tags,
        summary:
          'Import people to notify (multipart/form-data, field `file`: CSV email,name,language,country[,serial][,model][,order_id][,source])',
        description:
          'Addresses are normalised and a person is listed once per campaign; importing the same file again changes nothing. Bad rows come back with their line numbers and reasons.',
        params: z.object({ slug: z.string().max(80) }),
        response: { 201: NoticeImportSchema, ...consoleErrors, 413: ErrorSchema, 415: ErrorSchema },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('unsupported_media_type');
      const campaign = await findCampaign(db.kysely, request.params.slug);
      if (!campaign) throw new AppError('campaign_not_found');
      const part = await request.file({ limits: { fileSize: NOTICE_LIST_MAX_BYTES, files: 1 } });
      if (!part) throw new AppError('invalid_request', { details: 'send the CSV in the field file' });
      const csv = await part.toBuffer();
      if (part.file.truncated) throw new AppError('body_too_large');
      const actor = actorOf(request);
      const result = await db.transaction(async (tx) => {
        const imported = await importNotices(tx.kysely, campaign.id, csv, {
          fileName: part.filename || 'list.csv',
          actor: actor.email ?? 'console',
        });
        await recordAudit(
          tx.kysely,
          actor,
          'notices.imported',
          { type: 'campaign', id: campaign.slug },
          { added: imported.rowsAdded, merged: imported.rowsMerged, rejected: imported.rejected.length },
        );
        return imported;
      });
      return reply.status(201).send({
        id: result.id,
        rowsTotal: result.rowsTotal,
        rowsAdded: result.rowsAdded,
        rowsMerged: result.rowsMerged,
        rowsRejected: result.rejected.length,
        rejected: result.rejected.slice(0, REJECTED_SHOWN),
      });
    },
  );
};
