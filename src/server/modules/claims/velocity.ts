import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';

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

/** Refuses a new claim past the configured number per e-mail, postal address or client in the window. */
export async function checkClaimVelocity(
  db: Kysely<Database>,
  limits: ClaimLimits,
  keys: { email: string; address: string | null; client: string | null },
): Promise<void> {
  const since = new Date(Date.now() - limits.windowHours * 3_600_000);
  const checks = [
    [limits.perEmail, 'email_key', keys.email, 'claim_limit_email'],
    [limits.perAddress, 'address_key', keys.address, 'claim_limit_address'],
    [limits.perClient, 'client_address', keys.client, 'claim_limit_client'],
  ] as const;
  for (const [limit, column, value, code] of checks) {
    if (limit === 0 || value === null) continue;
    const row = await db
      .selectFrom('claim')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where(column, '=', value)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    if (Number(row.n) >= limit) throw new AppError(code);
  }
}
