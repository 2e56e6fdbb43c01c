import type { Kysely } from 'kysely';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import type { Database } from '../../db/schema.ts';
import { newId } from '../../ids.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { ClaimRow } from '../claims/claim-access.ts';
import type { ClaimHooks } from '../claims/claim-lifecycle.ts';
import { remedyForOwner } from './remedy-for-owner.ts';
import { moveClaim, optionFor, type RemedyRow } from './remedy-state.ts';

/** What the remedies module does at the claim lifecycle's moments (claims/claim-lifecycle.ts). */
export const remedyClaimHooks: ClaimHooks = {
  afterApproval: grantRemedy,
  afterDisposalConfirmed: releaseAfterDisposal,
  remedyForOwner,
};

/**
 * The claim's one remedy, in the approval's transaction. It waits for the returned unit where
 * the country requires it back, or for the owner's confirmed drop-off where the campaign says
 * so; otherwise its `remedy.issue` job is queued now. The remedy's row is unique per claim, so
 * an approval that somehow ran twice still makes one.
 */
export async function grantRemedy(
  db: Kysely<Database>,
  claim: ClaimRow,
  campaign: CampaignDefinition,
): Promise<void> {
  const { jurisdiction, option } = optionFor(campaign, claim);
  const state = jurisdiction?.returnRequired
    ? 'awaiting_return'
    : jurisdiction?.disposal.confirmBeforeRemedy && !claim.disposal_confirmed_at
      ? 'awaiting_disposal'
      : 'pending';
  const kind = claim.remedy as RemedyRow['kind'];
  const codes = kind === 'gift_card' || kind === 'voucher';
  const inserted = await db
    .insertInto('remedy')
    .values({
      id: newId('rem'),
      claim_id: claim.id,
      campaign_id: claim.campaign_id,
      kind,
      state,
      idempotency_key: `remedy:${claim.id}`,
      provider: codes ? (option?.provider?.type ?? 'generated') : null,
      amount_minor: codes ? (option?.value?.amountMinor ?? null) : null,
      currency: codes ? (option?.value?.currency ?? null) : null,
      sku: kind === 'replacement' || kind === 'repair' ? (option?.sku ?? claim.model_code) : null,
      quantity: kind === 'replacement' || kind === 'repair' ? 1 : null,
    })
    // No conflict target: the row has two unique keys derived from the claim (claim_id and
    // idempotency_key), and under concurrent approvals either may be the one that detects it.
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'state'])
    .executeTakeFirst();
  if (!inserted) return;
  if (inserted.state === 'pending')
    await enqueue(db, 'remedy.issue', { remedyId: inserted.id }, { singletonKey: inserted.id });
  if (inserted.state !== 'awaiting_disposal')
    await moveClaim(db, claim, 'fulfilling', { remedy: inserted.id });
}

/** The owner confirmed the drop-off: a remedy that waited for it is issued now. */
export async function releaseAfterDisposal(db: Kysely<Database>, claimId: string): Promise<void> {
  const released = await db
    .updateTable('remedy')
    .set({ state: 'pending', updated_at: new Date() })
    .where('claim_id', '=', claimId)
    .where('state', '=', 'awaiting_disposal')
    .returning('id')
    .executeTakeFirst();
  if (!released) return;
  await enqueue(db, 'remedy.issue', { remedyId: released.id }, { singletonKey: released.id });
  await moveClaim(db, { id: claimId }, 'fulfilling', { remedy: released.id });
}
