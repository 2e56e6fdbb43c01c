import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { hashSecret, newBearerSecret } from '../../secrets.ts';
import { accountKey, clearAccount, clientKey, recordFailure, secondsUntilAllowed } from './login-throttle.ts';
import { decoyHash, verifyPassword } from './passwords.ts';
import { presentStaff, type StaffRow, type StaffView } from './staff-accounts.ts';

export interface SessionPolicy {
  /** A session unused this long ends. */
  idleMinutes: number;
  /** A session ends this long after login, used or not. */
  maxHours: number;
  /** Wrong passwords (per account, per client) before each further attempt is delayed. */
  maxFailures: number;
  /** The longest delay for a client that keeps guessing (an account's is at most a minute). */
  lockoutMinutes: number;
}

export interface StaffSession {
  staff: StaffRow;
  tokenHash: string;
  csrfToken: string;
  expiresAt: Date;
}

/** last_seen_at is written at most this often: a busy reviewer's clicks do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Checks an e-mail and password. Wrong passwords slow further attempts on the account and from
 * the client (login-throttle.ts); an unknown e-mail costs the same time, is counted the same
 * and gets the same answers as a known one.
 */
export async function login(
  db: Kysely<Database>,
  policy: SessionPolicy,
  input: { email: string; password: string; ip: string | null; userAgent: string | null },
): Promise<{ session: StaffSession; token: string }> {
  const keys = { account: accountKey(input.email), client: input.ip ? clientKey(input.ip) : null };
  const wait = await secondsUntilAllowed(db, keys.client ? [keys.account, keys.client] : [keys.account]);
  if (wait > 0) throw new AppError('rate_limited', { seconds: wait });
  const staff = await db
    .selectFrom('staff_user')
    .selectAll()
    .where(sql`lower(email)`, '=', input.email.trim().toLowerCase())
    .executeTakeFirst();
  const usable = staff && !staff.deactivated_at;
  if (!(await verifyPassword(usable ? staff.password_hash : await decoyHash(), input.password)) || !usable) {
    await recordFailure(db, keys, {
      freeFailures: policy.maxFailures,
      accountMaxDelaySeconds: Math.min(60, policy.lockoutMinutes * 60),
      clientMaxDelaySeconds: policy.lockoutMinutes * 60,
    });
    throw new AppError('login_failed');
  }
  await clearAccount(db, keys.account);
  const now = new Date();
  const { secret: token, sha256: tokenHash } = newBearerSecret();
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + policy.maxHours * 3_600_000);
  await db
    .insertInto('staff_session')
    .values({
      token_sha256: tokenHash,
      staff_id: staff.id,
      csrf_token: csrfToken,
      expires_at: expiresAt,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, session: { staff, tokenHash, csrfToken, expiresAt } };
}

/** The live session behind a cookie value, or null: unknown, revoked, expired, idle too long, or its account deactivated. */
export async function authenticate(
  db: Kysely<Database>,
  policy: SessionPolicy,
  token: string | undefined,
): Promise<StaffSession | null> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const tokenHash = hashSecret(token);
  const row = await db
    .selectFrom('staff_session as s')
    .innerJoin('staff_user as u', 'u.id', 's.staff_id')
    .selectAll('u')
    .select(['s.csrf_token', 's.expires_at', 's.last_seen_at', 's.revoked_at'])
    .where('s.token_sha256', '=', tokenHash)
    .executeTakeFirst();
  if (!row || row.revoked_at || row.deactivated_at) return null;
  const now = Date.now();
  if (row.expires_at.getTime() <= now || row.last_seen_at.getTime() + policy.idleMinutes * 60_000 <= now)
    return null;
  if (now - row.last_seen_at.getTime() > TOUCH_EVERY_MS)
    await db
      .updateTable('staff_session')
      .set({ last_seen_at: new Date() })
      .where('token_sha256', '=', tokenHash)
      .execute();
  const { csrf_token, expires_at, last_seen_at: _seen, revoked_at: _revoked, ...staff } = row;
  return { staff, tokenHash, csrfToken: csrf_token, expiresAt: expires_at };
}

export async function logout(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db
    .updateTable('staff_session')
    .set({ revoked_at: new Date() })
    .where('token_sha256', '=', tokenHash)
    .execute();
}

export function csrfMatches(session: StaffSession, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface ConsoleFeatures {
  outbox: boolean;
}

export const presentSession = (
  session: StaffSession,
  features: ConsoleFeatures,
): { staff: StaffView; csrfToken: string; expiresAt: string; features: ConsoleFeatures } => ({
  staff: presentStaff(session.staff),
  csrfToken: session.csrfToken,
  expiresAt: session.expiresAt.toISOString(),
  // Only an admin is shown what only an admin may open.
  features: { outbox: features.outbox && session.staff.role === 'admin' },
});
