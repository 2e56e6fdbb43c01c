import type { Kysely } from 'kysely';
import type { ClaimStatus, Database } from '../../db/schema.ts';

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
