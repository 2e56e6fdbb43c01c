import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSOLE_RULES } from '../../../shared/console-roles.ts';
import {
  CodeImportSchema,
  CodePoolQuerySchema,
  FulfilmentOverviewSchema,
  PayoutImportSchema,
  ReturnBodySchema,
  ReturnReceivedSchema,
  TrackingImportSchema,
} from '../../../shared/contracts/console/fulfilment.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { findCampaign } from '../catalog/catalog.queries.ts';
import { actorOf, recordAudit } from '../staff/audit.ts';
import { consoleErrors, sendCsv, tags } from '../staff/console-gate.ts';
import { fulfilmentCounts, recentBatches } from './batches.ts';
import { poolStatus } from './codes.ts';
import { exportPayouts } from './export-payouts.ts';
import { exportShipments, shipmentBatchCsv } from './export-shipments.ts';
import { importGiftCardPool } from './import-gift-card-pool.ts';
import { importPayoutResults } from './import-payout-results.ts';
import { importTracking } from './import-tracking.ts';
import { receiveReturn } from './receive-return.ts';

const FULFILMENT = CONSOLE_RULES.fulfilment;

/** Reads the one file of a multipart upload as text (CSV files of tracking numbers or payout results). */
async function uploadedText(request: import('fastify').FastifyRequest): Promise<string> {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type');
  const part = await request.file({ limits: { fileSize: 200 * 1024 * 1024, files: 1 } });
  if (!part) throw new AppError('invalid_request', { details: 'send the CSV in the field file' });
  const text = (await part.toBuffer()).toString('utf8');
  if (part.file.truncated) throw new AppError('body_too_large');
  return text;
}

/** The fulfilment team's work: shipment files, tracking, payout files, returns and gift card pools. */
export const fulfilmentRoutes: FastifyPluginAsyncZod<{ db: Db; publicUrl: string }> = async (
  app,
  { db, publicUrl },
) => {
  const k = db.kysely;

  app.get(
    '/fulfilment',
    {
      config: { access: CONSOLE_RULES.fulfilmentOverview },
      schema: {
        tags,
        summary: 'Remedies by kind and state, gift card pools, and recent batches',
        response: { 200: FulfilmentOverviewSchema, ...consoleErrors },
      },
    },
    async () => ({
      remedies: await fulfilmentCounts(k),
      pools: await poolStatus(k),
      shipmentBatches: await recentBatches(k, 'shipment_batch'),
      payoutBatches: await recentBatches(k, 'payout_batch'),
    }),
  );

  app.post(
    '/fulfilment/shipments',
    {
      config: { access: FULFILMENT },
      schema: {
        tags,
        summary: 'Make the next shipment batch and download its CSV (204 when nothing waits)',
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const batch = await exportShipments(db, actor.email ?? 'console');
      if (!batch) return reply.status(204).send();
      await recordAudit(
        k,
        actor,
        'shipments.exported',
        { type: 'shipment_batch', id: batch.batchId },
        { lines: batch.lines },
      );
      return sendCsv(reply, `recallkit-${batch.batchId}`, batch.csv);
    },
  );

  app.get(
    '/fulfilment/shipments/:id',
    {
      config: { access: FULFILMENT },
      schema: {
        tags,
        summary: 'Download a shipment batch again',
        params: z.object({ id: z.string().max(60) }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const csv = await shipmentBatchCsv(k, request.params.id);
      await recordAudit(k, actorOf(request), 'shipments.downloaded', {
        type: 'shipment_batch',
        id: request.params.id,
      });
      return sendCsv(reply, `recallkit-${request.params.id}`, csv);
    },
  );

  app.post(
    '/fulfilment/tracking',
    {
      config: { access: FULFILMENT },
      schema: {
        tags,
        summary:
          'Import the warehouse’s tracking numbers (multipart, field file: CSV order_id,carrier,tracking_number[,tracking_url])',
        response: { 200: TrackingImportSchema, ...consoleErrors },
      },
    },
    async (request) => {
      const result = await importTracking(db, await uploadedText(request), publicUrl);
      await recordAudit(k, actorOf(request), 'shipments.tracking_imported', null, {
        ...result,
        rejected: result.rejected.length,
      });
      return result;
    },
  );

  app.post(
    '/fulfilment/payouts',
    {
      config: { access: FULFILMENT },
      schema: {
        tags,
        summary: 'Make the next payout file for finance (204 when nothing waits)',
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const batch = await exportPayouts(db, actor.email ?? 'console');
      if (!batch) return reply.status(204).send();
      await recordAudit(
        k,
        actor,
        'payouts.exported',
        { type: 'payout_batch', id: batch.batchId },
        { lines: batch.lines },
      );
      return sendCsv(reply, `recallkit-${batch.batchId}`, batch.csv);
    },
  );

  app.post(
    '/fulfilment/payouts/results',
    {
      config: { access: FULFILMENT },
      schema: {
        tags,
        summary: 'Mark payouts paid or failed (multipart, field file: CSV payout_id,status[,reason])',
        response: { 200: PayoutImportSchema, ...consoleErrors },
      },
    },
    async (request) => {
      const result = await importPayoutResults(db, await uploadedText(request), publicUrl);
      await recordAudit(k, actorOf(request), 'payouts.results_imported', null, {
        ...result,
        rejected: result.rejected.length,
      });
      return result;
    },
  );

  app.post(
    '/fulfilment/returns',
    {
      config: { access: FULFILMENT },
      schema: {
        tags,
        summary: 'A returned unit was received and scanned (by claim code or serial): its remedy is issued',
        body: ReturnBodySchema,
        response: { 200: ReturnReceivedSchema, ...consoleErrors },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const received = await receiveReturn(db, request.body.reference, `staff:${actor.id}`);
      await recordAudit(
        k,
        actor,
        'returns.received',
        { type: 'remedy', id: received.remedyId },
        { claim: received.claimCode },
      );
      return received;
    },
  );

  app.post(
    '/fulfilment/giftcards/:slug',
    {
      config: { access: CONSOLE_RULES.fulfilmentOverview },
      schema: {
        tags,
        summary:
          'Add gift card (or voucher) codes to a campaign’s pool (multipart, field file: CSV code[,amount,currency])',
        params: z.object({ slug: z.string().max(80) }),
        querystring: CodePoolQuerySchema,
        response: { 201: CodeImportSchema, ...consoleErrors },
      },
    },
    async (request, reply) => {
      const campaign = await findCampaign(k, request.params.slug);
      if (!campaign) throw new AppError('campaign_not_found');
      const result = await importGiftCardPool(db, campaign, await uploadedText(request), request.query.kind);
      await recordAudit(
        k,
        actorOf(request),
        'giftcards.imported',
        { type: 'campaign', id: campaign.slug },
        { added: result.added },
      );
      return reply.status(201).send(result);
    },
  );
};
