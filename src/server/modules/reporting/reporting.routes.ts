import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSOLE_RULES } from '../../../shared/console-roles.ts';
import { ErrorSchema } from '../../../shared/contracts/errors.ts';
import {
  DashboardQuerySchema,
  DashboardSchema,
  IncidentBodySchema,
  IncidentCreatedSchema,
  IncidentListQuerySchema,
  IncidentListSchema,
  ProgressSchema,
  ProgressUpdateBodySchema,
} from '../../../shared/contracts/reporting.ts';
import type { BlobStore } from '../../blobs/blob-store.ts';
import { toCsv } from '../../csv.ts';
import { type Db, readerOf } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { requestLanguage } from '../../http/request-language.ts';
import type { CatalogService } from '../catalog/catalog-service.ts';
import type { PhotoLimits } from '../evidence/photo.ts';
import { PhotoBytes, PhotoTooLarge } from '../evidence/photo-bytes.ts';
import { actorOf, recordAudit } from '../staff/audit.ts';
import { consoleErrors, staffOf, tags } from '../staff/console-gate.ts';
import { cpscMonthlyCsvRows, cpscMonthlyReport } from './cpsc-monthly.ts';
import { dashboard, dashboardCsv } from './dashboard.ts';
import { addIncidentPhoto, authorizeIncidentPhotos } from './incident-photos.ts';
import { listIncidents, reportIncident } from './incidents.ts';
import { type ProgressBoard, publishProgressUpdate } from './progress.ts';
import { cpscMonthlyHtml, renderPdf } from './report-pdf.ts';

const Slug = z.object({ slug: z.string().max(80) });

/** Public: report an incident (and its photos); a recall's progress. */
export const reportingRoutes: FastifyPluginAsyncZod<{
  db: Db;
  catalog: CatalogService;
  board: ProgressBoard;
  blobs: BlobStore;
  photoLimits: PhotoLimits;
  incidentRateLimit: number;
}> = async (app, { db, catalog, board, blobs, photoLimits, incidentRateLimit }) => {
  app.post(
    '/api/v1/incidents',
    {
      config: { rateLimit: incidentRateLimit > 0 ? { max: incidentRateLimit, timeWindow: '1 hour' } : false },
      schema: {
        tags: ['incidents'],
        summary: 'Report an incident with a unit (overheating, swelling, smoke, melting, fire, explosion)',
        description:
          'Linked to its recall when the serial (or the model) is recalled; recorded either way. The contact is used only if `mayContact`.',
        body: IncidentBodySchema,
        response: { 201: IncidentCreatedSchema, 400: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await reportIncident(db.kysely, catalog.current(), request.body, requestLanguage(request))),
  );

  app.post(
    '/api/v1/incidents/:id/photos',
    {
      config: {
        rateLimit: incidentRateLimit > 0 ? { max: incidentRateLimit * 5, timeWindow: '1 hour' } : false,
      },
      schema: {
        tags: ['incidents'],
        summary: 'Add a photo to an incident report (multipart/form-data: file); up to 5',
        description: 'Authorization: Bearer <photoToken> from the report. JPEG, PNG, WebP or HEIC/HEIF.',
        params: z.object({ id: z.string().max(60) }),
        response: {
          201: z.object({ id: z.string(), width: z.number(), height: z.number() }),
          400: ErrorSchema,
          401: ErrorSchema,
          409: ErrorSchema,
          413: ErrorSchema,
          415: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('unsupported_media_type');
      await authorizeIncidentPhotos(db.kysely, request.params.id, request.headers.authorization);
      let bytes: PhotoBytes | undefined;
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        try {
          bytes = await PhotoBytes.receive(part.file, () => part.file.truncated);
        } catch (error) {
          if (!(error instanceof PhotoTooLarge)) throw error;
          throw new AppError('photo_too_large', { max: Math.round(photoLimits.maxBytes / 1048576) });
        }
      }
      if (!bytes) throw new AppError('photo_empty');
      return reply
        .status(201)
        .send(await addIncidentPhoto(db.kysely, blobs, request.params.id, bytes, photoLimits));
    },
  );

  app.get(
    '/api/v1/campaigns/:slug/progress',
    {
      schema: {
        tags: ['recalls'],
        summary: 'A recall’s progress: units affected, claims, units corrected, incidents, updates',
        description: 'No personal data. Figures are at most a minute or two old (`asOf`).',
        params: Slug,
        response: { 200: ProgressSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const campaign = catalog.current().campaign(request.params.slug);
      if (!campaign) throw new AppError('campaign_not_found');
      reply.header('cache-control', 'public, max-age=60');
      return board.progress(campaign, requestLanguage(request));
    },
  );
};

/** Console: incidents, progress updates, the regulator's monthly report. */
export const reportingConsoleRoutes: FastifyPluginAsyncZod<{
  db: Db;
  catalog: CatalogService;
  board: ProgressBoard;
  blobs: BlobStore;
}> = async (app, { db, catalog, board, blobs }) => {
  const campaignOf = (slug: string) => {
    const campaign = catalog.current().campaign(slug);
    if (!campaign) throw new AppError('campaign_not_found');
    return campaign;
  };

  app.get(
    '/incidents',
    {
      config: { access: CONSOLE_RULES.reports },
      schema: {
        tags,
        summary: 'Incident reports, newest first, with the claims for the same unit',
        querystring: IncidentListQuerySchema,
        response: { 200: IncidentListSchema, ...consoleErrors },
      },
    },
    async (request) => {
      const incidents = await listIncidents(db.kysely, request.query);
      await recordAudit(db.kysely, actorOf(request), 'incidents.listed', null, {
        filter: request.query,
        rows: incidents.length,
      });
      return { incidents };
    },
  );

  app.get(
    '/incidents/:id/photos/:photoId',
    {
      config: { access: CONSOLE_RULES.reports },
      schema: {
        tags,
        summary:
          'A photo of an incident report (metadata-free copy); the view is recorded in the audit trail',
        params: z.object({ id: z.string().max(60), photoId: z.string().max(60) }),
        produces: ['image/jpeg'],
      },
    },
    async (request, reply) => {
      const photo = await db.kysely
        .selectFrom('incident_photo')
        .select('display_key')
        .where('id', '=', request.params.photoId)
        .where('incident_id', '=', request.params.id)
        .executeTakeFirst();
      const data = photo && (await blobs.get(photo.display_key));
      if (!data) throw new AppError('not_found');
      await recordAudit(db.kysely, actorOf(request), 'incident.photo_viewed', {
        type: 'incident',
        id: request.params.id,
      });
      return reply
        .header('content-type', 'image/jpeg')
        .header('cache-control', 'private, no-store')
        .send(data);
    },
  );

  app.post(
    '/campaigns/:slug/progress-updates',
    {
      config: { access: CONSOLE_RULES.campaignsEdit },
      schema: {
        tags,
        summary: 'Publish an update on the recall’s public progress page',
        params: Slug,
        body: ProgressUpdateBodySchema,
        response: { 201: z.object({ id: z.string() }), ...consoleErrors },
      },
    },
    async (request, reply) => {
      const campaign = campaignOf(request.params.slug);
      const id = await db.transaction(async (tx) => {
        const created = await publishProgressUpdate(
          tx.kysely,
          campaign.id,
          request.body.text,
          `staff:${staffOf(request).staff.id}`,
        );
        await recordAudit(tx.kysely, actorOf(request), 'progress.published', {
          type: 'campaign',
          id: campaign.slug,
        });
        return created;
      });
      board.forget(campaign.id);
      return reply.status(201).send({ id });
    },
  );

  const dashboardOf = (query: { campaign?: string | undefined; from: string; to: string }) =>
    dashboard(readerOf(db).kysely, {
      campaigns: query.campaign ? [campaignOf(query.campaign)] : catalog.current().campaigns,
      from: query.from,
      to: query.to,
    });

  app.get(
    '/dashboard',
    {
      config: { access: CONSOLE_RULES.reports },
      schema: {
        tags,
        summary:
          'Recall effectiveness for a date range: claims per day, funnel, correction rate, remedies, decisions, times',
        description: 'Counted every few minutes by the `reporting.rollup` job (docs/decisions/0020).',
        querystring: DashboardQuerySchema,
        response: { 200: DashboardSchema, ...consoleErrors },
      },
    },
    async (request) => dashboardOf(request.query),
  );

  app.get(
    '/dashboard/export',
    {
      config: { access: CONSOLE_RULES.reports },
      schema: {
        tags,
        summary: 'One chart of the dashboard as CSV',
        querystring: DashboardQuerySchema.extend({
          chart: z.enum([
            'claims_per_day',
            'funnel',
            'correction',
            'correction_by_model',
            'correction_by_country',
            'remedies',
            'info_requests',
            'incidents',
            'signals',
            'notices',
          ]),
        }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { columns, rows } = dashboardCsv(await dashboardOf(request.query), request.query.chart);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${request.query.chart}.csv"`)
        .send(toCsv(columns, rows));
    },
  );

  app.get(
    '/reports/cpsc-monthly',
    {
      config: { access: CONSOLE_RULES.reports },
      schema: {
        tags,
        summary:
          'The CPSC Monthly Progress Report figures of a campaign and month (JSON, CSV, or PDF printed by headless Chromium)',
        querystring: z.object({
          campaign: z.string().max(80),
          month: z.string().regex(/^\d{4}-\d{2}$/, 'YYYY-MM'),
          format: z.enum(['json', 'csv', 'pdf']).default('json'),
        }),
      },
    },
    async (request, reply) => {
      const campaign = campaignOf(request.query.campaign);
      const report = await cpscMonthlyReport(readerOf(db).kysely, campaign, request.query.month);
      await recordAudit(
        db.kysely,
        actorOf(request),
        'report.generated',
        {
          type: 'campaign',
          id: campaign.slug,
        },
        { report: 'cpsc-monthly', month: request.query.month },
      );
      if (request.query.format === 'pdf') {
        let pdf: Buffer;
        try {
          pdf = await renderPdf(cpscMonthlyHtml(report));
        } catch (error) {
          request.log.warn({ err: error }, 'the PDF could not be printed (is Chromium at CHROMIUM_PATH?)');
          throw new AppError('unavailable');
        }
        return reply
          .header('content-type', 'application/pdf')
          .header(
            'content-disposition',
            `attachment; filename="${campaign.slug}-cpsc-${request.query.month}.pdf"`,
          )
          .send(pdf);
      }
      if (request.query.format === 'csv')
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="${campaign.slug}-cpsc-${request.query.month}.csv"`,
          )
          .send(toCsv(['field', 'value'], cpscMonthlyCsvRows(report)));
      return report;
    },
  );
};
