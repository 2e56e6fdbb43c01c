import { translate } from '../../../shared/i18n/index.ts';
import { pickLanguage } from '../../../shared/languages.ts';
import { parseCsv } from '../../csv.ts';
import type { Db } from '../../db/database.ts';
import { recordClaimEvent } from '../claims/claim-lifecycle.ts';
import { mailOwner } from '../claims/mail-owner.ts';
import { BAG, campaignsOnce } from './batches.ts';
import { remedyDone, setRemedyState } from './remedy-state.ts';
import { trackingUrl } from './tracking-url.ts';

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
        await mailOwner(k, claim, campaign, publicUrl, 'remedy_sent', message('return_bag'));
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
      await remedyDone(k, claim, campaign, publicUrl, message('shipped'), {
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
