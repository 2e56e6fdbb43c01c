import type { Kysely } from 'kysely';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import type { ClaimStatusResponse } from '../../../shared/contracts/claims.ts';
import type { ClaimStatus, Database } from '../../db/schema.ts';
import { emitEvent } from '../webhooks/webhooks.ts';
import type { ClaimRow } from './claim-access.ts';
import { mailOwner } from './mail-owner.ts';

/*
 * The claims module owns a claim's lifecycle: the `claim` row, the statuses it may move between
 * (drawn in ARCHITECTURE.md), the timeline of who moved it and when, and the moments other
 * modules act on. Those modules sit above this one (review, remedies): they are called through
 * the hooks the composition root hands in (`ClaimHooks`), never imported from here.
 */

/** Every move a claim may make. A move not listed here is a bug, refused before it is written. */
export const CLAIM_TRANSITIONS: { readonly [From in ClaimStatus]: readonly ClaimStatus[] } = {
  draft: ['submitted'],
  submitted: ['verifying'],
  verifying: ['approved', 'second_review', 'needs_info', 'needs_review'],
  needs_info: ['verifying'],
  needs_review: ['approved', 'rejected', 'needs_info', 'escalated', 'second_review'],
  escalated: ['approved', 'rejected', 'needs_info', 'second_review'],
  second_review: ['approved', 'rejected', 'needs_info'],
  approved: ['fulfilling', 'fulfilled'],
  fulfilling: ['fulfilled'],
  fulfilled: [],
  rejected: [],
  withdrawn: [],
};

export function mayTransition(from: ClaimStatus, to: ClaimStatus): boolean {
  return CLAIM_TRANSITIONS[from].includes(to);
}

/** Throws on a move the lifecycle does not have (a programming error, not a user's). */
export function assertTransition(from: ClaimStatus, to: ClaimStatus): void {
  if (!mayTransition(from, to)) throw new Error(`A claim cannot move from ${from} to ${to}`);
}

/**
 * What modules above this one do at the lifecycle's moments, in the same transaction. The
 * composition root (src/server/server.ts) builds one set and hands it to the use cases.
 */
export interface ClaimHooks {
  /** The claim was approved (by the machine or a person): remedies grants its remedy. */
  afterApproval(db: Kysely<Database>, claim: ClaimRow, campaign: CampaignDefinition): Promise<void>;
  /** The owner confirmed the drop-off: a remedy that waited for it is released. */
  afterDisposalConfirmed(db: Kysely<Database>, claimId: string): Promise<void>;
  /** The remedy as the owner's status page shows it, once there is one. */
  remedyForOwner(db: Kysely<Database>, claimId: string): Promise<ClaimStatusResponse['fulfilment']>;
}

/** One line of a claim's timeline: the audit trail of who did what, when. */
export async function recordClaimEvent(db: Kysely<Database>, event: ClaimEventInput): Promise<void> {
  await db.insertInto('claim_event').values(claimEventRow(event)).execute();
}

export interface ClaimEventInput {
  claimId: string;
  actor: string;
  type: string;
  from?: ClaimStatus | null;
  to?: ClaimStatus | null;
  detail?: Record<string, unknown>;
}

/** The row `recordClaimEvent` writes, for a caller that inserts it as part of a larger statement. */
export function claimEventRow(event: ClaimEventInput) {
  return {
    claim_id: event.claimId,
    actor: event.actor,
    type: event.type,
    from_status: event.from ?? null,
    to_status: event.to ?? null,
    detail: JSON.stringify(event.detail ?? {}),
  };
}

/** Moves a claim from one status to another and records it; false if it was not in `from`. */
export async function transitionClaim(
  db: Kysely<Database>,
  claimId: string,
  from: ClaimStatus,
  to: ClaimStatus,
  actor: string,
  detail: Record<string, unknown> = {},
): Promise<boolean> {
  assertTransition(from, to);
  const moved = await db
    .updateTable('claim')
    .set({ status: to, updated_at: new Date() })
    .where('id', '=', claimId)
    .where('status', '=', from)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) return false;
  await recordClaimEvent(db, { claimId, actor, type: 'status_changed', from, to, detail });
  return true;
}

/**
 * Approves a claim, by the machine or a person, and does what follows in its transaction: the
 * owner's e-mail, the partners' `claim.approved` event, and the hooks (the remedy).
 */
export async function approveClaim(
  db: Kysely<Database>,
  context: { hooks: ClaimHooks; publicUrl: string },
  claim: ClaimRow,
  campaign: CampaignDefinition,
  change: { from: ClaimStatus; actor: string; detail: Record<string, unknown> },
): Promise<void> {
  await transitionClaim(db, claim.id, change.from, 'approved', change.actor, change.detail);
  await mailOwner(db, claim, campaign, context.publicUrl, 'approved');
  await emitEvent(db, 'claim.approved', {
    claimId: claim.id,
    code: claim.code,
    campaign: campaign.slug,
    remedy: claim.remedy,
  });
  await context.hooks.afterApproval(db, claim, campaign);
}
