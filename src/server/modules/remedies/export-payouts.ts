import { minorDigits } from '../../../shared/money.ts';
import { toCsv } from '../../csv.ts';
import type { Db } from '../../db/database.ts';
import { BATCH_MAX, newBatch } from './batches.ts';

/** The payment file: one line per refund. */
const PAYOUT_COLUMNS = [
  'payout_id',
  'claim_code',
  'name',
  'email',
  'amount',
  'currency',
  'reference',
] as const;

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
