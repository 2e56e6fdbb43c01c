import { translate } from '../../../shared/i18n/index.ts';
import { pickLanguage } from '../../../shared/languages.ts';
import { formatMoney } from '../../../shared/money.ts';
import { parseCsv } from '../../csv.ts';
import type { Db } from '../../db/database.ts';
import { campaignsOnce } from './batches.ts';
import { issuedEvent, remedyDone, setRemedyState } from './remedy-state.ts';

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
        campaign,
        publicUrl,
        translate(language, 'remedy.paid', { amount }),
        issuedEvent(claim, remedy),
      );
      result.paid++;
    }
    return result;
  });
}
