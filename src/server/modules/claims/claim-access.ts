import { randomInt } from 'node:crypto';
import type { Kysely, QueryCreator, RawBuilder, Selectable } from 'kysely';
import type { ClaimTable, Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { hashSecret, newBearerSecret } from '../../secrets.ts';

/** Letters and digits an owner cannot confuse when writing the code on the unit in marker. */
/** Letters and digits nobody (and no OCR) confuses with another of the set. */
export const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY3479';

export function newClaimCode(): string {
  const pick = () => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return `RK-${pick()}-${pick()}`;
}

/**
 * Gives the owner an additional secret for the claim (status link, Authorization header) and
 * returns it; only its hash is stored. Earlier links keep working: a link is mailed again at
 * anyone's request (recovery, a second claim on the unit), and that must not cut off the owner.
 */
export async function issueAccessToken(db: Kysely<Database>, claimId: string): Promise<string> {
  const { token, row } = newAccessToken(claimId);
  await db.insertInto('claim_token').values(row).execute();
  return token;
}

/** A new secret for a claim and the row that stores its hash, for a caller that inserts it with more. */
export function newAccessToken(claimId: string) {
  const { secret, sha256 } = newBearerSecret();
  return { token: secret, row: { token_sha256: sha256, claim_id: claimId } };
}

export type ClaimRow = Selectable<ClaimTable>;

/**
 * The claim the bearer of `authorization` may see. A missing, malformed or wrong token and an
 * unknown claim all answer 401 alike, so the API does not say which claim ids exist.
 */
export async function authorizeClaim(
  db: Kysely<Database>,
  claimId: string,
  authorization: string | undefined,
  forUpdate = false,
  /** An advisory lock taken in the same statement, once the claim's row is locked (a round trip less). */
  alsoLock?: RawBuilder<unknown>,
): Promise<ClaimRow> {
  const token = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization ?? '')?.[1];
  if (!token || !/^clm_[A-Za-z0-9_-]{1,40}$/.test(claimId)) throw new AppError('unauthorized');
  // Looked up by the hash of a 256-bit random secret: nothing to learn from timing.
  const authorized = (db: QueryCreator<Database>) => {
    const query = db
      .selectFrom('claim')
      .selectAll('claim')
      .innerJoin('claim_token', 'claim_token.claim_id', 'claim.id')
      .where('claim.id', '=', claimId)
      .where('claim_token.token_sha256', '=', hashSecret(token))
      .where('claim_token.revoked_at', 'is', null);
    return forUpdate ? query.forUpdate('claim') : query;
  };
  if (!alsoLock) {
    const claim = await authorized(db).executeTakeFirst();
    if (!claim) throw new AppError('unauthorized');
    return claim;
  }
  // PostgreSQL does not fold a CTE that locks rows into the query around it: the row is locked
  // when the CTE yields it, before the select list around it takes the second lock, and an
  // unauthorized bearer takes neither.
  const row = await db
    .with('authorized', authorized)
    .selectFrom('authorized')
    .selectAll()
    .select(alsoLock.as('also_locked'))
    .executeTakeFirst();
  if (!row) throw new AppError('unauthorized');
  const { also_locked: _, ...claim } = row;
  return claim;
}

/** The owner's private status page for a claim, with the secret that opens it. */
export function statusUrl(publicUrl: string, claimId: string, token: string): string {
  // The secret travels in the fragment: browsers never send it to servers or in Referer headers.
  return `${publicUrl}/c/${claimId}#t=${token}`;
}
