import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { unseal } from '../../secrets.ts';

/** The remedy as the owner sees it on the status page. */
export async function remedyForOwner(db: Kysely<Database>, claimId: string) {
  const remedy = await db.selectFrom('remedy').selectAll().where('claim_id', '=', claimId).executeTakeFirst();
  if (!remedy) return null;
  return {
    kind: remedy.kind,
    state: remedy.state,
    code: remedy.state === 'issued' && remedy.code ? unseal(remedy.code) : null,
    amountMinor: remedy.amount_minor === null ? null : Number(remedy.amount_minor),
    currency: remedy.currency,
    carrier: remedy.carrier,
    trackingNumber: remedy.tracking_number,
    trackingUrl: remedy.tracking_url,
    issuedAt: remedy.issued_at?.toISOString() ?? null,
  };
}
