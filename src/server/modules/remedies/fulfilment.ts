import type { Kysely } from 'kysely';
import { translate } from '../../../shared/i18n/index.ts';
import { pickLanguage } from '../../../shared/languages.ts';
import { formatMoney } from '../../../shared/money.ts';
import { parseCsv, toCsv } from '../../csv.ts';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { CampaignDefinition } from '../catalog/campaign-definition.ts';
import { campaignDefinitionById } from '../catalog/catalog.queries.ts';
import { recordClaimEvent } from '../claims/claim-lifecycle.ts';
import { mailOwner } from '../claims/mail-owner.ts';
import { importGiftCards, minorDigits } from './codes.ts';
import { issuedEvent, remedyDone, retryWaitingForCodes, setRemedyState } from './remedies.ts';

/** The warehouse's file: one line per parcel. */
const SHIPMENT_COLUMNS = [
  'order_id',
  'sku',
  'quantity',
  'name',
  'address_line1',
  'address_line2',
  'city',
  'region',
  'postal_code',
  'country',
  'phone',
  'email',
  'claim_code',
] as const;
const PAYOUT_COLUMNS = [
  'payout_id',
  'claim_code',
  'name',
  'email',
  'amount',
  'currency',
  'reference',
] as const;
/** A return bag's order id is the remedy's with this suffix. */
const BAG = '-BAG';
const BAG_SKU = 'RETURN-BAG';
const BATCH_MAX = 10_000;

/** Where an owner follows a parcel, by carrier (the tracking file may also give a URL itself). */
const TRACKING_URLS: Record<string, string> = {
  ups: 'https://www.ups.com/track?tracknum={n}',
  usps: 'https://tools.usps.com/go/TrackConfirmAction?tLabels={n}',
  fedex: 'https://www.fedex.com/fedextrack/?trknbr={n}',
  dhl: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={n}',
  'sf express': 'https://www.sf-express.com/chn/en/waybill/waybill-detail/{n}',
  ems: 'https://www.ems.com.cn/queryList?mailNum={n}',
};

export function trackingUrl(carrier: string, tracking: string): string | null {
  const template = TRACKING_URLS[carrier.trim().toLowerCase()];
  return template ? template.replace('{n}', encodeURIComponent(tracking)) : null;
}

/** One parcel of a batch: the remedy with its claim's owner and address (joined). */
function shipmentLine(
  row: {
    id: string;
    sku: string | null;
    quantity: number | null;
    code: string;
    claimant: { name: string; email: string; phone?: string };
    address: Record<string, string> | null;
  },
  bag: boolean,
) {
  const address = row.address ?? {};
  return {
    order_id: bag ? `${row.id}${BAG}` : row.id,
    sku: bag ? BAG_SKU : row.sku,
    quantity: bag ? 1 : (row.quantity ?? 1),
    name: row.claimant.name,
    address_line1: address.line1,
    address_line2: address.line2,
    city: address.city,
    region: address.region,
    postal_code: address.postalCode,
    country: address.country,
    phone: row.claimant.phone,
    email: row.claimant.email,
    claim_code: row.code,
  };
}

/** Campaign definitions read once per file: a file of thousands of lines names a few campaigns. */
function campaignsOnce(db: Kysely<Database>): (campaignId: string) => Promise<CampaignDefinition> {
  const read = new Map<string, Promise<CampaignDefinition>>();
  return (campaignId) => {
    let definition = read.get(campaignId);
    if (!definition) {
      definition = campaignDefinitionById(db, campaignId);
      read.set(campaignId, definition);
    }
    return definition;
  };
}

/** A new shipment or payout batch of `lines` lines, recorded with who made it. */
async function newBatch(
  db: Kysely<Database>,
  table: 'shipment_batch' | 'payout_batch',
  actor: string,
  lines: number,
): Promise<string> {
  const id = newId(table === 'shipment_batch' ? 'shp' : 'pay');
  await db.insertInto(table).values({ id, created_by: actor, lines }).execute();
  return id;
}

/**
 * The next shipment batch for the warehouse: every replacement ready to ship and every return
 * bag not yet sent, taken under row locks (SKIP LOCKED: two exports at once split the work, they
 * never both ship a parcel). Null when there is nothing to ship.
 */
export async function exportShipments(
  db: Db,
  actor: string,
): Promise<{ batchId: string; lines: number; csv: string } | null> {
  return db.transaction(async (tx) => {
    const k = tx.kysely;
    const parcels = await k
      .selectFrom('remedy')
      .select(['id', 'claim_id', 'sku', 'quantity', 'state'])
      .where((eb) =>
        eb.or([
          eb('state', '=', 'ready_to_ship'),
          eb.and([eb('state', '=', 'awaiting_return'), eb('return_bag_batch_id', 'is', null)]),
        ]),
      )
      .orderBy('created_at')
      .limit(BATCH_MAX)
      .forUpdate()
      .skipLocked()
      .execute();
    if (parcels.length === 0) return null;
    const batchId = await newBatch(k, 'shipment_batch', actor, parcels.length);
    const bags = parcels.filter((p) => p.state === 'awaiting_return').map((p) => p.id);
    const replacements = parcels.filter((p) => p.state === 'ready_to_ship').map((p) => p.id);
    if (replacements.length)
      await k
        .updateTable('remedy')
        .set({ state: 'in_batch', shipment_batch_id: batchId, updated_at: new Date() })
        .where('id', 'in', replacements)
        .execute();
    if (bags.length)
      await k
        .updateTable('remedy')
        .set({ return_bag_batch_id: batchId, updated_at: new Date() })
        .where('id', 'in', bags)
        .execute();
    return { batchId, lines: parcels.length, csv: await shipmentBatchCsvIn(k, batchId) };
  });
}

/** A batch's file again (the warehouse lost it, or the console downloads it later). */
export async function shipmentBatchCsv(db: Kysely<Database>, batchId: string): Promise<string> {
  const exists = await db
    .selectFrom('shipment_batch')
    .select('id')
    .where('id', '=', batchId)
    .executeTakeFirst();
  if (!exists) throw new AppError('not_found');
  return shipmentBatchCsvIn(db, batchId);
}

async function shipmentBatchCsvIn(db: Kysely<Database>, batchId: string): Promise<string> {
  const rows = await db
    .selectFrom('remedy as r')
    .innerJoin('claim as c', 'c.id', 'r.claim_id')
    .select(['r.id', 'r.sku', 'r.quantity', 'r.return_bag_batch_id', 'c.code', 'c.claimant', 'c.address'])
    .where((eb) =>
      eb.or([eb('r.shipment_batch_id', '=', batchId), eb('r.return_bag_batch_id', '=', batchId)]),
    )
    .orderBy('r.created_at')
    .execute();
  const lines = rows.map((row) => shipmentLine(row, row.return_bag_batch_id === batchId));
  return toCsv(SHIPMENT_COLUMNS, lines);
}

export interface TrackingResult {
  shipped: number;
  bags: number;
  unchanged: number;
  rejected: { line: number; orderId: string; reason: string }[];
}

/**
 * The warehouse's tracking file (order_id, carrier, tracking_number, optional tracking_url): each
 * replacement becomes shipped and its owner gets the carrier and tracking link in their language;
 * each return bag's owner learns it is on its way. Lines that match nothing are returned with the
 * reason; a line already recorded changes nothing.
 */
export async function importTracking(db: Db, text: string, publicUrl: string): Promise<TrackingResult> {
  const rows = parseCsv(text, ['order_id', 'carrier', 'tracking_number']);
  return db.transaction(async (tx) => {
    const k = tx.kysely;
    const result: TrackingResult = { shipped: 0, bags: 0, unchanged: 0, rejected: [] };
    const campaignOf = campaignsOnce(k);
    for (const [i, row] of rows.entries()) {
      const line = i + 2;
      const orderId = row.order_id ?? '';
      const carrier = row.carrier ?? '';
      const tracking = row.tracking_number ?? '';
      if (!carrier || !tracking) {
        result.rejected.push({ line, orderId, reason: 'carrier and tracking_number are needed' });
        continue;
      }
      const url =
        row.tracking_url && /^https:\/\//.test(row.tracking_url)
          ? row.tracking_url
          : trackingUrl(carrier, tracking);
      const bag = orderId.endsWith(BAG);
      const remedy = await k
        .selectFrom('remedy')
        .selectAll()
        .where('id', '=', bag ? orderId.slice(0, -BAG.length) : orderId)
        .forUpdate()
        .executeTakeFirst();
      if (!remedy) {
        result.rejected.push({ line, orderId, reason: 'no such order' });
        continue;
      }
      const claim = await k
        .selectFrom('claim')
        .selectAll()
        .where('id', '=', remedy.claim_id)
        .executeTakeFirstOrThrow();
      const campaign = await campaignOf(remedy.campaign_id);
      const language = pickLanguage(claim.claimant.language);
      const message = (key: string) =>
        translate(language, `remedy.${key}`, { carrier, tracking, url: url ?? '' });
      if (bag) {
        if (!remedy.return_bag_batch_id) {
          result.rejected.push({ line, orderId, reason: 'no return bag was exported for this order' });
          continue;
        }
        const known = await k
          .selectFrom('claim_event')
          .select('id')
          .where('claim_id', '=', claim.id)
          .where('type', '=', 'return_bag_shipped')
          .executeTakeFirst();
        if (known) {
          result.unchanged++;
          continue;
        }
        await recordClaimEvent(k, {
          claimId: claim.id,
          actor: 'system',
          type: 'return_bag_shipped',
          detail: { carrier, tracking, url },
        });
        await mailOwner(k, claim, campaign.title, publicUrl, 'remedy_sent', message('return_bag'));
        result.bags++;
        continue;
      }
      if (remedy.state === 'shipped' && remedy.tracking_number === tracking) {
        result.unchanged++;
        continue;
      }
      if (remedy.state !== 'in_batch') {
        result.rejected.push({
          line,
          orderId,
          reason: `the order is ${remedy.state}, not in a shipment batch`,
        });
        continue;
      }
      await setRemedyState(k, remedy.id, {
        state: 'shipped',
        carrier,
        tracking_number: tracking,
        tracking_url: url,
        issued_at: new Date(),
      });
      await remedyDone(k, claim, campaign.title, publicUrl, message('shipped'), {
        type: 'shipment.sent',
        data: {
          claimId: claim.id,
          code: claim.code,
          remedyId: remedy.id,
          sku: remedy.sku,
          carrier,
          trackingNumber: tracking,
          trackingUrl: url,
        },
      });
      result.shipped++;
    }
    return result;
  });
}

/** The next payout file for finance: every refund with its amount, taken under row locks like shipments. */
export async function exportPayouts(
  db: Db,
  actor: string,
): Promise<{ batchId: string; lines: number; csv: string } | null> {
  return db.transaction(async (tx) => {
    const k = tx.kysely;
    const refunds = await k
      .selectFrom('remedy as r')
      .innerJoin('claim as c', 'c.id', 'r.claim_id')
      .select(['r.id', 'r.amount_minor', 'r.currency', 'c.code', 'c.claimant'])
      .where('r.state', '=', 'ready_to_pay')
      .orderBy('r.created_at')
      .limit(BATCH_MAX)
      .forUpdate('r')
      .skipLocked()
      .execute();
    if (refunds.length === 0) return null;
    const batchId = await newBatch(k, 'payout_batch', actor, refunds.length);
    await k
      .updateTable('remedy')
      .set({ state: 'in_payout', payout_batch_id: batchId, failure_reason: null, updated_at: new Date() })
      .where(
        'id',
        'in',
        refunds.map((r) => r.id),
      )
      .execute();
    const lines = refunds.map((refund) => {
      const currency = refund.currency as string;
      const digits = minorDigits(currency);
      return {
        payout_id: refund.id,
        claim_code: refund.code,
        name: refund.claimant.name,
        email: refund.claimant.email,
        amount: (Number(refund.amount_minor) / 10 ** digits).toFixed(digits),
        currency,
        reference: `Recall refund ${refund.code}`,
      };
    });
    return { batchId, lines: refunds.length, csv: toCsv(PAYOUT_COLUMNS, lines) };
  });
}

export interface PayoutResult {
  paid: number;
  failed: number;
  unchanged: number;
  rejected: { line: number; payoutId: string; reason: string }[];
}

/**
 * Finance's answer (payout_id, status paid|failed, optional reason): a paid refund is done and its
 * owner told in their language; a failed one goes back to the next payout file with its reason.
 */
export async function importPayoutResults(db: Db, text: string, publicUrl: string): Promise<PayoutResult> {
  const rows = parseCsv(text, ['payout_id', 'status']);
  return db.transaction(async (tx) => {
    const k = tx.kysely;
    const result: PayoutResult = { paid: 0, failed: 0, unchanged: 0, rejected: [] };
    const campaignOf = campaignsOnce(k);
    for (const [i, row] of rows.entries()) {
      const line = i + 2;
      const payoutId = row.payout_id ?? '';
      const status = (row.status ?? '').toLowerCase();
      const remedy = await k
        .selectFrom('remedy')
        .selectAll()
        .where('id', '=', payoutId)
        .where('kind', '=', 'refund')
        .forUpdate()
        .executeTakeFirst();
      if (!remedy) {
        result.rejected.push({ line, payoutId, reason: 'no such payout' });
        continue;
      }
      if (status === 'paid' && remedy.state === 'paid') {
        result.unchanged++;
        continue;
      }
      if (remedy.state !== 'in_payout' || (status !== 'paid' && status !== 'failed')) {
        result.rejected.push({
          line,
          payoutId,
          reason:
            status === 'paid' || status === 'failed'
              ? `the refund is ${remedy.state}, not in a payout file`
              : 'status must be paid or failed',
        });
        continue;
      }
      if (status === 'failed') {
        await setRemedyState(k, remedy.id, {
          state: 'ready_to_pay',
          payout_batch_id: null,
          failure_reason: (row.reason || 'payout failed').slice(0, 300),
        });
        result.failed++;
        continue;
      }
      await setRemedyState(k, remedy.id, { state: 'paid', issued_at: new Date(), failure_reason: null });
      const claim = await k
        .selectFrom('claim')
        .selectAll()
        .where('id', '=', remedy.claim_id)
        .executeTakeFirstOrThrow();
      const campaign = await campaignOf(remedy.campaign_id);
      const language = pickLanguage(claim.claimant.language);
      const amount = formatMoney(Number(remedy.amount_minor), remedy.currency as string, language);
      await remedyDone(
        k,
        claim,
        campaign.title,
        publicUrl,
        translate(language, 'remedy.paid', { amount }),
        issuedEvent(claim, remedy),
      );
      result.paid++;
    }
    return result;
  });
}

/**
 * The warehouse scanned a returned unit (by claim code or serial): the unit is back, which is
 * its disposal, and the remedy is issued now.
 */
export async function receiveReturn(
  db: Db,
  reference: string,
  actor: string,
): Promise<{ claimCode: string; remedyId: string }> {
  return db.transaction(async (tx) => {
    const k = tx.kysely;
    const ref = reference.trim().toUpperCase();
    const claim = await k
      .selectFrom('claim')
      .innerJoin('remedy', 'remedy.claim_id', 'claim.id')
      .select(['claim.id', 'claim.code', 'remedy.id as remedy_id', 'remedy.state'])
      .where((eb) => eb.or([eb('claim.code', '=', ref), eb('claim.serial', '=', ref.replace(/[\s-]/g, ''))]))
      .forUpdate()
      .executeTakeFirst();
    if (!claim) throw new AppError('claim_not_found');
    if (claim.state !== 'awaiting_return') throw new AppError('return_not_expected', { state: claim.state });
    const now = new Date();
    await setRemedyState(k, claim.remedy_id, { state: 'pending', return_received_at: now });
    await k
      .updateTable('claim')
      .set({ disposal_confirmed_at: now, updated_at: now })
      .where('id', '=', claim.id)
      .execute();
    await recordClaimEvent(k, { claimId: claim.id, actor, type: 'return_received' });
    await enqueue(k, 'remedy.issue', { remedyId: claim.remedy_id }, { singletonKey: claim.remedy_id });
    return { claimCode: claim.code, remedyId: claim.remedy_id };
  });
}

/** Remedies by kind and state, for the fulfilment page. */
export async function fulfilmentCounts(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('remedy')
    .select(['kind', 'state', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['kind', 'state'])
    .execute();
  return rows.map((row) => ({ kind: row.kind, state: row.state, count: Number(row.n) }));
}

/** Adds codes to a campaign's pool and re-queues the remedies that were waiting for one, in one transaction. */
export async function importGiftCardPool(
  db: Db,
  campaign: { id: string; definition: CampaignDefinition },
  csv: string | Buffer,
  kind: 'gift_card' | 'voucher' = 'gift_card',
): Promise<{ id: string; added: number; skipped: number; requeued: number }> {
  return db.transaction(async (tx) => {
    const imported = await importGiftCards(tx.kysely, campaign, csv, kind);
    return { ...imported, requeued: await retryWaitingForCodes(tx.kysely, campaign.id) };
  });
}

/** The newest shipment or payout batches, for the fulfilment overview. */
export async function recentBatches(
  db: Kysely<Database>,
  table: 'shipment_batch' | 'payout_batch',
  limit = 20,
) {
  const rows = await db.selectFrom(table).selectAll().orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map((batch) => ({
    id: batch.id,
    createdAt: batch.created_at.toISOString(),
    createdBy: batch.created_by,
    lines: batch.lines,
  }));
}
