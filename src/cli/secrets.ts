import type { Command } from 'commander';
import { resealSecrets } from '../server/reseal-secrets.ts';
import { withDatabase } from './context.ts';

export function registerSecretCommands(program: Command) {
  program
    .command('secrets')
    .description('Secrets sealed at rest (gift card codes, webhook secrets)')
    .command('reseal')
    .description(
      'Seal every stored secret again with the first key of SECRET_KEY (after adding a new key in front)',
    )
    .action(async () => {
      const count = await withDatabase((db) => resealSecrets(db));
      console.log(
        `${count} secrets sealed with the current key; older keys can now be removed from SECRET_KEY`,
      );
    });
}
