import type { Command } from 'commander';
import { withDatabase } from './context.ts';

export function registerServerCommands(program: Command) {
  program
    .command('serve')
    .description('Run the web server (API, public pages) with the settings from the environment')
    .action(async () => {
      await import('../server/start.ts');
    });

  program
    .command('migrate')
    .description('Create or update the database schema (the server also does this on start)')
    .action(async () => {
      await withDatabase(async (db) => {
        console.log(
          `The schema is current on ${db.kind === 'postgres' ? 'PostgreSQL' : 'the embedded database'}.`,
        );
      });
    });
}
