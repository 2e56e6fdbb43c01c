import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { createStaff } from './staff-accounts.ts';

export const FIRST_ADMIN_EMAIL = 'admin@recallkit.local';

/** The first admin's login, shown once on the terminal. */
export interface FirstRunLogin {
  email: string;
  oneTimePassword: string;
  consoleUrl: string;
}

/** How `npm start` shows the first login when not on a terminal (main.ts puts it in its banner there). */
export const printFirstRunLogin = (login: FirstRunLogin) =>
  process.stderr.write(
    `\n  First run: sign in to the staff console at ${login.consoleUrl}\n` +
      `  as ${login.email} with the one-time password ${login.oneTimePassword}\n` +
      '  (you will be asked to choose a new one; this is shown only once)\n\n',
  );

/**
 * On a database without staff, creates an admin with a one-time password and shows the login,
 * so `npm start` leads straight into the console. The password must be changed at first login.
 * It is shown once through `show` (the terminal), never in the log, which is kept and shipped.
 */
export async function ensureFirstAdmin(
  db: Kysely<Database>,
  logger: Logger,
  publicUrl: string,
  show: (login: FirstRunLogin) => void,
): Promise<void> {
  const any = await db.selectFrom('staff_user').select('id').limit(1).executeTakeFirst();
  if (any) return;
  try {
    const { oneTimePassword } = await createStaff(
      db,
      { email: FIRST_ADMIN_EMAIL, name: 'Admin', role: 'admin' },
      'system',
    );
    logger.warn(
      { email: FIRST_ADMIN_EMAIL, console: `${publicUrl}/console` },
      'First run: an admin account was created; its one-time password is printed on the terminal, not in the log',
    );
    show({
      email: FIRST_ADMIN_EMAIL,
      oneTimePassword: oneTimePassword as string,
      consoleUrl: `${publicUrl}/console`,
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'staff_email_taken') return; // another process got there first
    throw error;
  }
}
