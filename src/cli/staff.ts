import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { STAFF_ROLES, type StaffRole } from '../server/db/schema.ts';
import { recordAudit } from '../server/modules/staff/audit.ts';
import {
  createStaff,
  deactivateStaff,
  listStaff,
  reactivateStaff,
} from '../server/modules/staff/staff-accounts.ts';
import { cliActor, cliAuditActor, withDatabase } from './context.ts';

export function registerStaffCommands(program: Command) {
  const staff = program.command('staff').description('Staff accounts of the console');

  staff
    .command('create')
    .description(
      'Create a staff account; without --password, prints a one-time password to change at first sign-in',
    )
    .requiredOption('--email <email>', 'the e-mail they sign in with')
    .addOption(new Option('--role <role>', 'what they may do').choices(STAFF_ROLES).makeOptionMandatory())
    .option('--name <name>', 'shown to colleagues and in the audit trail')
    .option('--password <password>', 'their password (at least 12 characters)', (value: string) => {
      if (value.length < 12) throw new InvalidArgumentError('at least 12 characters');
      return value;
    })
    .action(async (options: { email: string; role: StaffRole; name?: string; password?: string }) => {
      const created = await withDatabase((db) =>
        db.transaction(async (tx) => {
          const result = await createStaff(tx.kysely, options, cliActor());
          await recordAudit(
            tx.kysely,
            cliAuditActor(),
            'staff.created',
            { type: 'staff', id: result.staff.id },
            {
              email: result.staff.email,
              role: result.staff.role,
            },
          );
          return result;
        }),
      );
      console.log(`Created ${created.staff.role} ${created.staff.email} (${created.staff.id})`);
      if (created.oneTimePassword)
        console.log(
          `One-time password: ${created.oneTimePassword}\nIt works once: a new password is chosen at the first sign-in.`,
        );
    });

  staff
    .command('list')
    .description('Staff accounts, their roles and whether they are active')
    .action(async () => {
      const rows = await withDatabase((db) => listStaff(db.kysely));
      for (const row of rows)
        console.log(
          `${row.id}\t${row.role}\t${row.active ? 'active' : 'deactivated'}\t${row.email}\t${row.name}`,
        );
    });

  staff
    .command('deactivate')
    .argument('<id>', 'the staff id (stf_…)')
    .description('Deactivate an account; its sessions end at once')
    .action(async (id: string) => {
      const row = await withDatabase((db) =>
        db.transaction(async (tx) => {
          const deactivated = await deactivateStaff(tx.kysely, id, cliActor());
          await recordAudit(
            tx.kysely,
            cliAuditActor(),
            'staff.deactivated',
            { type: 'staff', id },
            { email: deactivated.email },
          );
          return deactivated;
        }),
      );
      console.log(`Deactivated ${row.email}`);
    });

  staff
    .command('reactivate')
    .argument('<id>', 'the staff id (stf_…)')
    .description('Let a deactivated account sign in again (for instance the last admin, locked out)')
    .action(async (id: string) => {
      const row = await withDatabase((db) =>
        db.transaction(async (tx) => {
          const reactivated = await reactivateStaff(tx.kysely, id);
          await recordAudit(
            tx.kysely,
            cliAuditActor(),
            'staff.reactivated',
            { type: 'staff', id },
            { email: reactivated.email },
          );
          return reactivated;
        }),
      );
      console.log(`Reactivated ${row.role} ${row.email}`);
    });
}
