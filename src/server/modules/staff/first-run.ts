import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { createStaff } from './staff-accounts.ts';

export const FIRST_ADMIN_EMAIL = 'admin@recallkit.local';

/**
 * On a database without staff, creates an admin with a one-time password and prints the login,
 * so `npm start` leads straight into the console. The password must be changed at first login.
 * It is shown once through `show` (the terminal), never in the log, which is kept and shipped.
 */
export async function ensureFirstAdmin(
  db: Kysely<Database>,
  logger: Logger,
  publicUrl: string,
  show: (text: string) => void,
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
    show(
      `\n  First run: sign in to the staff console at ${publicUrl}/console\n` +
        `  as ${FIRST_ADMIN_EMAIL} with the one-time password ${oneTimePassword}\n` +
        '  (you will be asked to choose a new one; this is shown only once)\n\n',
    );
  } catch (error) {
    if (error instanceof AppError && error.code === 'staff_email_taken') return; // another process got there first
    throw error;
  }
}
