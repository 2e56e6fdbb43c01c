import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, StaffRole, StaffUserTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';

export type StaffRow = Selectable<StaffUserTable>;

export interface StaffView {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  active: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  lockedUntil: string | null;
}

/** `throttledUntil`: when wrong passwords have slowed sign-in to the account (login-throttle.ts). */
export const presentStaff = (row: StaffRow, throttledUntil: Date | null = null): StaffView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  active: row.deactivated_at === null,
  mustChangePassword: row.must_change_password,
  createdAt: row.created_at.toISOString(),
  lockedUntil: throttledUntil && throttledUntil > new Date() ? throttledUntil.toISOString() : null,
});

const UNIQUE_VIOLATION = '23505';

/**
 * Creates a staff account. Without a password one is generated, shown once to whoever created
 * the account, and must be changed at the first login.
 */
export async function createStaff(
  db: Kysely<Database>,
  input: { email: string; name?: string | undefined; role: StaffRole; password?: string | undefined },
  createdBy: string,
): Promise<{ staff: StaffView; oneTimePassword: string | null }> {
  const email = input.email.trim();
  const oneTimePassword = input.password ? null : generatePassword();
  const password = input.password ?? (oneTimePassword as string);
  const problem = input.password ? passwordProblem(password, email) : null;
  if (problem) throw new AppError('password_too_weak', { rule: problem });
  const row = {
    id: newId('stf'),
    email,
    name: input.name?.trim() || email.split('@')[0] || email,
    role: input.role,
    password_hash: await hashPassword(password),
    must_change_password: oneTimePassword !== null,
    created_by: createdBy,
  };
  try {
    const created = await db.insertInto('staff_user').values(row).returningAll().executeTakeFirstOrThrow();
    return { staff: presentStaff(created), oneTimePassword };
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new AppError('staff_email_taken');
    throw error;
  }
}

export async function listStaff(db: Kysely<Database>): Promise<StaffView[]> {
  const rows = await db
    .selectFrom('staff_user')
    .leftJoin('login_throttle', (join) =>
      join.on('login_throttle.key', '=', sql<string>`'account:' || lower(staff_user.email)`),
    )
    .selectAll('staff_user')
    .select('login_throttle.blocked_until')
    .orderBy('staff_user.created_at')
    .execute();
  return rows.map((row) => presentStaff(row, row.blocked_until));
}

/** Deactivates an account and ends its sessions at once. Keeps the row: the audit trail names it. */
export async function deactivateStaff(db: Kysely<Database>, staffId: string, by: string): Promise<StaffView> {
  const role = await db.selectFrom('staff_user').select('role').where('id', '=', staffId).executeTakeFirst();
  if (!role) throw new AppError('staff_not_found');
  if (role.role === 'admin') {
    // Every active admin locked, always in the same order, before the target: two admins
    // deactivating each other at once wait for one another (no deadlock) and cannot leave nobody.
    const admins = await db
      .selectFrom('staff_user')
      .select('id')
      .where('role', '=', 'admin')
      .where('deactivated_at', 'is', null)
      .orderBy('id')
      .forUpdate()
      .execute();
    if (admins.length <= 1 && admins.some((admin) => admin.id === staffId))
      throw new AppError('staff_last_admin');
  }
  const target = await db
    .selectFrom('staff_user')
    .select(['deactivated_at'])
    .where('id', '=', staffId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (target.deactivated_at) throw new AppError('staff_inactive');
  const row = await db
    .updateTable('staff_user')
    .set({ deactivated_at: new Date(), deactivated_by: by })
    .where('id', '=', staffId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await revokeSessions(db, staffId);
  return presentStaff(row);
}

/** Lets a deactivated account sign in again (`recallkit staff reactivate`); an active one is left as is. */
export async function reactivateStaff(db: Kysely<Database>, staffId: string): Promise<StaffView> {
  const row = await db
    .updateTable('staff_user')
    .set({ deactivated_at: null, deactivated_by: null })
    .where('id', '=', staffId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('staff_not_found');
  return presentStaff(row);
}

/** Sets a new password after checking the current one; every other session of the account ends. */
export async function changePassword(
  db: Kysely<Database>,
  staff: StaffRow,
  current: string,
  next: string,
  keepSession: string,
): Promise<void> {
  if (!(await verifyPassword(staff.password_hash, current))) throw new AppError('password_wrong');
  if (current === next) throw new AppError('password_too_weak', { rule: 'different from the current one' });
  const problem = passwordProblem(next, staff.email);
  if (problem) throw new AppError('password_too_weak', { rule: problem });
  await db
    .updateTable('staff_user')
    .set({
      password_hash: await hashPassword(next),
      must_change_password: false,
      password_changed_at: new Date(),
    })
    .where('id', '=', staff.id)
    .execute();
  await revokeSessions(db, staff.id, keepSession);
}

export async function revokeSessions(db: Kysely<Database>, staffId: string, except?: string): Promise<void> {
  let query = db
    .updateTable('staff_session')
    .set({ revoked_at: new Date() })
    .where('staff_id', '=', staffId)
    .where('revoked_at', 'is', null);
  if (except) query = query.where('token_sha256', '!=', except);
  await query.execute();
}
