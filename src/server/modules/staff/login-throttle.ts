import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * Sign-in attempts slowed, not locked out (docs/decisions/0016-sign-in-throttle.md): after
 * `freeFailures` wrong passwords, each further attempt on the account, or from the client, waits
 * 1 s, 2 s, 4 s… up to a cap. A short cap per account means nobody can keep a staff member out
 * for long; a longer one per client slows whoever guesses. Kept in the database, so every
 * process counts the same; an unknown e-mail is counted exactly like a known one.
 */
export interface ThrottlePolicy {
  freeFailures: number;
  accountMaxDelaySeconds: number;
  clientMaxDelaySeconds: number;
}

/** Failures older than this are forgotten: the count starts again. */
const FORGET_AFTER = '1 hour';

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const clientKey = (ip: string) => `client:${ip}`;

/** Seconds until an attempt with these keys may be made (0: now). */
export async function secondsUntilAllowed(db: Kysely<Database>, keys: readonly string[]): Promise<number> {
  const row = await db
    .selectFrom('login_throttle')
    .select(sql<number>`ceil(extract(epoch FROM max(blocked_until) - now()))`.as('seconds'))
    .where('key', 'in', keys)
    .where('blocked_until', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return Math.max(0, Number(row?.seconds ?? 0));
}

/** Counts a wrong password against the account and the client, each in one statement. */
export async function recordFailure(
  db: Kysely<Database>,
  keys: { account: string; client: string | null },
  policy: ThrottlePolicy,
): Promise<void> {
  const counts: [string, number][] = [[keys.account, policy.accountMaxDelaySeconds]];
  if (keys.client) counts.push([keys.client, policy.clientMaxDelaySeconds]);
  for (const [key, cap] of counts) {
    const failures = sql<number>`CASE WHEN login_throttle.updated_at < now() - ${FORGET_AFTER}::interval THEN 1 ELSE login_throttle.failures + 1 END`;
    const blockedAfter = (n: ReturnType<typeof sql<number>>) =>
      sql<Date | null>`CASE WHEN ${n} > ${policy.freeFailures} THEN now() + least(power(2, ${n} - ${policy.freeFailures} - 1), ${cap}) * interval '1 second' END`;
    await sql`INSERT INTO login_throttle (key, failures, blocked_until)
      VALUES (${key}, 1, ${blockedAfter(sql<number>`1`)})
      ON CONFLICT (key) DO UPDATE SET failures = ${failures}, blocked_until = ${blockedAfter(failures)}, updated_at = now()`.execute(
      db,
    );
  }
}

/** A right password: the account's count starts again (the client's stays, it may guess others). */
export async function clearAccount(db: Kysely<Database>, account: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', account).execute();
}
