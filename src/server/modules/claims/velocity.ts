import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';

export interface ClaimLimits {
  windowHours: number;
  perEmail: number;
  perAddress: number;
  perClient: number;
}

/** E-mail as a mailbox: case folded, Gmail-style "+tags" dropped. */
export function emailKey(email: string): string {
  const [local = '', domain = ''] = email.trim().toLowerCase().split('@');
  return `${local.split('+')[0]}@${domain}`;
}

/** A postal address as one comparable string: case, accents, punctuation and spacing folded. */
export function addressKey(address: {
  line1: string;
  line2?: string;
  postalCode: string;
  country: string;
}): string {
  const fold = (text: string) =>
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  return [
    address.country,
    fold(address.postalCode).replace(/ /g, ''),
    fold(address.line1),
    fold(address.line2 ?? ''),
  ]
    .filter(Boolean)
    .join('|');
}

/**
 * Refuses a new claim past the configured number per e-mail, postal address or client in the
 * window. One statement counts all three, each only as far as its limit (a partner's server,
 * one client address for thousands of claims, costs no more than anyone).
 */
export async function checkClaimVelocity(
  db: Kysely<Database>,
  limits: ClaimLimits,
  keys: { email: string; address: string | null; client: string | null },
): Promise<void> {
  const since = new Date(Date.now() - limits.windowHours * 3_600_000);
  const checks = (
    [
      [limits.perEmail, 'email_key', keys.email, 'claim_limit_email'],
      [limits.perAddress, 'address_key', keys.address, 'claim_limit_address'],
      [limits.perClient, 'client_address', keys.client, 'claim_limit_client'],
    ] as const
  ).filter(([limit, , value]) => limit > 0 && value !== null);
  if (checks.length === 0) return;
  const counts = await sql<Record<string, string>>`SELECT ${sql.join(
    checks.map(
      ([limit, column, value], i) =>
        sql`(SELECT count(*) FROM (SELECT 1 FROM claim WHERE ${sql.ref(column)} = ${value} AND created_at >= ${since} LIMIT ${limit}) AS recent) AS ${sql.ref(`n${i}`)}`,
    ),
  )}`.execute(db);
  const row = counts.rows[0] ?? {};
  for (const [i, [limit, , , code]] of checks.entries()) {
    if (Number(row[`n${i}`]) >= limit) throw new AppError(code);
  }
}
