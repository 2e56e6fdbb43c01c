import { sql } from 'kysely';
import type { BlobStore } from '../../blobs/blob-store.ts';
import type { Db } from '../../db/database.ts';
import { blobKeysOf, deleteUnreferencedBlobs } from '../evidence/evidence-blobs.ts';
import { claimEventRow } from './claim-lifecycle.ts';

/** Claims that are over: nothing more will be asked of the owner or done for them. */
export const CLOSED_STATUSES = ['fulfilled', 'rejected', 'withdrawn'] as const;

/** How an erased claim's e-mail key reads: never an address, and never erased twice. */
const ERASED = 'erased:';

/**
 * Removes a claim's personal data and keeps what the recall's records need: the claim's
 * status, campaign, model, serial, remedy kind, dates, decisions, machine checks, remedy and
 * timeline stay (the regulator's counts and the audit trail); the owner's name, e-mail, phone,
 * address, order number and words, every photo (rows and files), the mail sent to them and
 * their links go. Each claim in its own transaction; photos another claim also uses stay.
 * Returns how many claims and photos were erased.
 */
export async function erasePersonalData(
  db: Db,
  blobs: BlobStore,
  claimIds: readonly string[],
  reason: string,
  actor = 'system',
): Promise<{ claims: number; photos: number }> {
  let claims = 0;
  let photos = 0;
  for (const claimId of claimIds) {
    const keys = await db.transaction(async (tx) => {
      const claim = await tx.kysely
        .selectFrom('claim')
        .select(['claimant', 'email_key'])
        .where('id', '=', claimId)
        .forUpdate()
        .executeTakeFirst();
      if (!claim || claim.email_key.startsWith(ERASED)) return undefined;
      const evidence = await tx.kysely
        .deleteFrom('evidence')
        .where('claim_id', '=', claimId)
        .returning(['original_key', 'display_key'])
        .execute();
      await tx.kysely.deleteFrom('outbox_message').where('claim_id', '=', claimId).execute();
      await tx.kysely.deleteFrom('claim_token').where('claim_id', '=', claimId).execute();
      const { country, language } = claim.claimant;
      await tx.kysely
        .updateTable('claim')
        .set({
          claimant: JSON.stringify({ name: '', email: '', country, language }),
          email_key: `${ERASED}${claimId}`,
          address: null,
          address_key: null,
          client_address: null,
          order_number: null,
          incident_description: null,
          updated_at: sql<Date>`updated_at`, // erasing is not a change of the claim's course
        })
        .where('id', '=', claimId)
        .execute();
      await tx.kysely
        .insertInto('claim_event')
        .values(
          claimEventRow({
            claimId,
            actor,
            type: 'personal_data_erased',
            detail: { reason, photos: evidence.length },
          }),
        )
        .execute();
      photos += evidence.length;
      return blobKeysOf(evidence);
    });
    if (keys === undefined) continue;
    claims++;
    if (keys.length > 0) await deleteUnreferencedBlobs(db, blobs, keys);
  }
  return { claims, photos };
}

/** Closed claims last changed more than `days` ago whose personal data is still held. */
export async function claimsPastRetention(db: Db, days: number, limit: number): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('claim')
    .select('id')
    .where('status', 'in', CLOSED_STATUSES)
    .where('updated_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
    .where('email_key', 'not like', `${ERASED}%`)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}
