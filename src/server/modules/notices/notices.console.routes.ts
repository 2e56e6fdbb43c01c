import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSOLE_RULES } from '../../../shared/console-roles.ts';
import {
  BounceImportSchema,
  NoticeImportSchema,
  NoticesOverviewSchema,
  NoticeWaveSchema,
  StartWaveBodySchema,
} from '../../../shared/contracts/console/notices.ts';
import { ErrorSchema } from '../../../shared/contracts/errors.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { findCampaign } from '../catalog/catalog.queries.ts';
import { actorOf, recordAudit } from '../staff/audit.ts';
import { consoleErrors, tags } from '../staff/console-gate.ts';
import { readBounceCsv, recordBounces } from './bounces.ts';
import { importNotices } from './import-notices.ts';
import { audienceSummary, type WaveWithFigures, waveFigures } from './notice-figures.ts';
import { type NoticeWave, pauseWave, resumeWave, scheduleReminder, startWave } from './waves.ts';

/** A list of a few hundred thousand people is a few tens of megabytes. */
const NOTICE_LIST_MAX_BYTES = 64 * 1024 * 1024;
const REJECTED_SHOWN = 100;
const Slug = z.object({ slug: z.string().max(80) });
const WaveId = z.object({ id: z.string().max(40) });

const waveJson = (wave: NoticeWave | WaveWithFigures) => ({
  id: wave.id,
  number: wave.number,
  kind: wave.kind,
  source: wave.source,
  followUpOf: wave.follow_up_of,
  afterDays: wave.after_days,
  state: wave.state,
  startsAt: wave.starts_at.toISOString(),
  startedAt: wave.started_at?.toISOString() ?? null,
  finishedAt: wave.finished_at?.toISOString() ?? null,
  createdBy: wave.created_by,
  figures: 'figures' in wave ? wave.figures : figuresOfNew(wave.audience),
  bySource: 'bySource' in wave ? wave.bySource : [],
});
const figuresOfNew = (audience: number) => ({
  audience,
  waiting: audience,
  released: 0,
  sent: 0,
  held: 0,
  skipped: 0,
  delivered: 0,
  bounced: 0,
  opened: 0,
  lookedUp: 0,
  claimsStarted: 0,
  claimsSubmitted: 0,
  unitsCorrected: 0,
});

/** The CSV of a multipart request's `file` field (refused when there is none). */
async function csvPart(request: FastifyRequest) {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type');
  const part = await request.file({ limits: { fileSize: NOTICE_LIST_MAX_BYTES, files: 1 } });
  if (!part) throw new AppError('invalid_request', { details: 'send the CSV in the field file' });
  return part;
}

/**
 * Direct notices in the console: the lists of known buyers, the waves that write to them, and
 * what each did. Notice lists are personal data: managers and admins only.
 */
export const noticeConsoleRoutes: FastifyPluginAsyncZod<{
  db: Db;
  ratePerMinute: number;
  wake: () => void;
}> = async (app, { db, ratePerMinute, wake }) => {
  const access = CONSOLE_RULES.notices;
  const campaignOf = async (slug: string) => {
    const campaign = await findCampaign(db.kysely, slug);
    if (!campaign) throw new AppError('campaign_not_found');
    return campaign;
  };

  app.get(
    '/campaigns/:slug/notices',
    {
      config: { access },
      schema: {
        tags,
        summary: 'A campaign’s notice lists (by channel and source) and waves, each with its figures',
        params: Slug,
        response: { 200: NoticesOverviewSchema, ...consoleErrors },
      },
    },
    async (request, reply) => {
      const campaign = await campaignOf(request.params.slug);
      const [audience, waves] = await Promise.all([
        audienceSummary(db.kysely, campaign.id),
        waveFigures(db.kysely, campaign.id),
      ]);
      reply.header('cache-control', 'no-store');
      return { campaign: campaign.slug, ratePerMinute, audience, waves: waves.map(waveJson) };
    },
  );

  app.post(
    '/campaigns/:slug/notices',
    {
      config: { access },
      schema: {
        tags,
        summary:
          'Import people to notify (multipart/form-data, field `file`: CSV email,name,language,country[,serial][,model][,order_id][,source][,channel])',
        description:
          'Addresses are normalised and a person is listed once per campaign; importing the same file again changes nothing. Bad rows come back with their line numbers and reasons. A channel other than email (mail, phone, other) records a notice sent elsewhere: counted, not sent.',
        params: Slug,
        response: { 201: NoticeImportSchema, ...consoleErrors, 413: ErrorSchema, 415: ErrorSchema },
      },
    },
    async (request, reply) => {
      const campaign = await campaignOf(request.params.slug);
      const part = await csvPart(request);
      const actor = actorOf(request);
      const result = await db.transaction(async (tx) => {
        // Streamed into the database as it arrives; a file over the limit imports nothing.
        const imported = await importNotices(tx, campaign.id, part.file, {
          fileName: part.filename || 'list.csv',
          actor: actor.email ?? 'console',
        });
        if (part.file.truncated) throw new AppError('body_too_large');
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

  app.post(
    '/campaigns/:slug/notices/waves',
    {
      config: { access },
      schema: {
        tags,
        summary: 'Start a wave now (`{source?}`), or schedule a reminder (`{followUpOf, afterDays}`)',
        description:
          'A wave writes to everyone listed (of one source, if given) who has not had a notice, has not unsubscribed and is deliverable, at NOTICE_RATE_PER_MINUTE. A reminder writes, `afterDays` after the earlier wave started, to its people who have neither opened their link nor started a claim.',
        params: Slug,
        body: StartWaveBodySchema,
        response: { 201: NoticeWaveSchema, ...consoleErrors },
      },
    },
    async (request, reply) => {
      const campaign = await campaignOf(request.params.slug);
      const actor = actorOf(request);
      const body = request.body;
      const wave = await db.transaction(async (tx) => {
        const created =
          'followUpOf' in body
            ? await scheduleReminder(tx.kysely, campaign.id, { ...body, actor: actor.email ?? 'console' })
            : await startWave(tx.kysely, campaign.id, {
                source: body.source,
                actor: actor.email ?? 'console',
              });
        await recordAudit(
          tx.kysely,
          actor,
          created.kind === 'reminder' ? 'notices.reminder_scheduled' : 'notices.wave_started',
          { type: 'campaign', id: campaign.slug },
          { wave: created.number, audience: created.audience, source: created.source ?? '' },
        );
        return created;
      });
      wake();
      return reply.status(201).send(waveJson(wave));
    },
  );

  for (const [action, change] of [
    ['pause', pauseWave],
    ['resume', resumeWave],
  ] as const) {
    app.post(
      `/notices/waves/:id/${action}`,
      {
        config: { access },
        schema: {
          tags,
          summary:
            action === 'pause'
              ? 'Pause a wave: e-mails already released go out, the rest wait'
              : 'Resume a paused wave at its rate',
          params: WaveId,
          response: { 200: NoticeWaveSchema, ...consoleErrors },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const wave = await db.transaction(async (tx) => {
          const changed = await change(tx.kysely, request.params.id);
          const campaign = await tx.kysely
            .selectFrom('campaign')
            .select('slug')
            .where('id', '=', changed.campaign_id)
            .executeTakeFirstOrThrow();
          await recordAudit(
            tx.kysely,
            actor,
            `notices.wave_${action}d`,
            { type: 'campaign', id: campaign.slug },
            { wave: changed.number },
          );
          return changed;
        });
        wake();
        const figures = (await waveFigures(db.kysely, wave.campaign_id)).find((w) => w.id === wave.id);
        return waveJson(figures ?? wave);
      },
    );
  }

  app.post(
    '/notices/bounces',
    {
      config: { access },
      schema: {
        tags,
        summary:
          'Import a mail provider’s bounces and complaints (multipart/form-data, field `file`: CSV email,type[,message_id])',
        description:
          'Each address reported is marked undeliverable on every list (a complaint also unsubscribes); a bounce marks the notice it answers bounced.',
        response: { 200: BounceImportSchema, ...consoleErrors, 413: ErrorSchema, 415: ErrorSchema },
      },
    },
    async (request) => {
      const part = await csvPart(request);
      const { events, rejected } = await readBounceCsv(part.file);
      if (part.file.truncated) throw new AppError('body_too_large');
      const actor = actorOf(request);
      const result = await db.transaction(async (tx) => {
        const recorded = await recordBounces(tx.kysely, events);
        await recordAudit(
          tx.kysely,
          actor,
          'notices.bounces_imported',
          { type: 'notices', id: 'bounces' },
          {
            ...recorded,
            rejected: rejected.length,
          },
        );
        return recorded;
      });
      return { ...result, rejected: rejected.slice(0, REJECTED_SHOWN) };
    },
  );
};
