import type { Kysely } from 'kysely';
import type { ClaimStatus, Database } from '../../db/schema.ts';

/** One line of a claim's timeline: the audit trail of who did what, when. */
export async function recordClaimEvent(
  db: Kysely<Database>,
  event: {
    claimId: string;
    actor: string;
    type: string;
    from?: ClaimStatus | null;
    to?: ClaimStatus | null;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await db
    .insertInto('claim_event')
    .values({
      claim_id: event.claimId,
      actor: event.actor,
      type: event.type,
      from_status: event.from ?? null,
      to_status: event.to ?? null,
      detail: JSON.stringify(event.detail ?? {}),
    })
    .execute();
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
