import { type Kysely, sql } from 'kysely';
import { QUEUE_STATUSES, type ReviewAction } from '../../../shared/contracts/console/review.ts';
import type { Database, StaffRole } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { ClaimRow } from '../claims/claim-access.ts';
import { QUALITY_PROBLEMS, READ_CHECKS } from '../evidence/checks.ts';
import type { StaffRow } from '../staff/staff-accounts.ts';

export type { ReviewAction };

/** How long opening a claim keeps it marked as someone's: a closed tab lets go by itself. */
export const REVIEW_LEASE_MS = 10 * 60_000;

/** What a person may ask the owner to redo; the owner reads the text in their language (i18n `feedback.*`). */
export const INFO_REASONS: readonly string[] = [...READ_CHECKS, ...QUALITY_PROBLEMS, 'proof_of_purchase'];

export const SUPERVISORS: readonly StaffRole[] = ['admin', 'supervisor'];

export async function lockClaim(db: Kysely<Database>, claimId: string): Promise<ClaimRow> {
  const claim = await db
    .selectFrom('claim')
    .selectAll()
    .where('id', '=', claimId)
    .forUpdate()
    .executeTakeFirst();
  if (!claim || claim.status === 'draft') throw new AppError('claim_not_found');
  return claim;
}

/** The claim's version: the id of its latest timeline event. Every change of a claim writes one. */
export async function claimVersion(db: Kysely<Database>, claimId: string): Promise<string> {
  const row = await db
    .selectFrom('claim_event')
    .select(sql<string>`max(id)::text`.as('v'))
    .where('claim_id', '=', claimId)
    .executeTakeFirst();
  return row?.v ?? '0';
}

export async function pendingDecision(db: Kysely<Database>, claimId: string) {
  return db
    .selectFrom('decision')
    .selectAll()
    .where('claim_id', '=', claimId)
    .where('state', '=', 'pending')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** The actions `staff` may take on the claim now, and why not when none. */
export function allowedActions(
  claim: Pick<ClaimRow, 'status'>,
  staff: Pick<StaffRow, 'id' | 'role'>,
  pending: { actor: string } | undefined,
): ReviewAction[] {
  const supervisor = SUPERVISORS.includes(staff.role);
  switch (claim.status) {
    case 'needs_review':
      return ['approve', 'reject', 'request_info', 'escalate'];
    case 'escalated':
      return supervisor ? ['approve', 'reject', 'request_info'] : [];
    case 'second_review':
      return supervisor && pending?.actor !== `staff:${staff.id}`
        ? ['approve', 'reject', 'request_info']
        : [];
    default:
      return [];
  }
}

export const inQueue = (status: string) => (QUEUE_STATUSES as readonly string[]).includes(status);

/** Lets go of a claim `staff` has open, so another reviewer can take it. */
export async function releaseClaim(
  db: Kysely<Database>,
  staff: Pick<StaffRow, 'id'>,
  claimId: string,
): Promise<void> {
  await lockClaim(db, claimId);
  await db
    .updateTable('claim')
    .set({ review_by: null, review_until: null })
    .where('id', '=', claimId)
    .where('review_by', '=', staff.id)
    .execute();
}
