import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { recordClaimEvent } from '../claims/claim-lifecycle.ts';
import { setRemedyState } from './remedy-state.ts';

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
