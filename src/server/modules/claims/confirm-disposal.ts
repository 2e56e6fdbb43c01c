import { DISPOSAL_CONFIRMABLE } from '../../../shared/claim-rules.ts';
import { AppError } from '../../errors.ts';
import { authorizeClaim } from './claim-access.ts';
import { recordClaimEvent } from './claim-lifecycle.ts';
import type { ClaimsDeps } from './claims-deps.ts';

/**
 * The owner confirms the unit went to a drop-off point (a photo of the receipt, evidence kind
 * `disposal`, may come first). A campaign with `disposal.confirmBeforeRemedy` releases the
 * remedy only after this. Confirming twice keeps the first time.
 */
export async function confirmDisposal(
  deps: ClaimsDeps,
  claimId: string,
  authorization: string | undefined,
): Promise<{ confirmedAt: string }> {
  return deps.db.transaction(async (tx) => {
    const claim = await authorizeClaim(tx.kysely, claimId, authorization, true);
    if (claim.disposal_confirmed_at) return { confirmedAt: claim.disposal_confirmed_at.toISOString() };
    if (!DISPOSAL_CONFIRMABLE.has(claim.status)) throw new AppError('claim_not_editable');
    const now = new Date();
    await tx.kysely
      .updateTable('claim')
      .set({ disposal_confirmed_at: now, updated_at: now })
      .where('id', '=', claimId)
      .execute();
    const receipt = await tx.kysely
      .selectFrom('evidence')
      .select('id')
      .where('claim_id', '=', claimId)
      .where('kind', '=', 'disposal')
      .where('replaced_at', 'is', null)
      .executeTakeFirst();
    await recordClaimEvent(tx.kysely, {
      claimId,
      actor: 'owner',
      type: 'disposal_confirmed',
      detail: receipt ? { evidence: receipt.id } : {},
    });
    await deps.hooks.afterDisposalConfirmed(tx.kysely, claimId);
    return { confirmedAt: now.toISOString() };
  });
}
