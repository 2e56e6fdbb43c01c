import fs from 'node:fs';
import type { Command } from 'commander';
import { openBlobStore } from '../server/blobs/blob-store.ts';
import { loadConfig } from '../server/config.ts';
import { erasePerson, exportPersonalData } from '../server/modules/claims/privacy.ts';
import { cliAuditActor, withDatabase } from './context.ts';

export function registerPrivacyCommands(program: Command) {
  const privacy = program
    .command('privacy')
    .description("A person's rights: a copy of their data, or its erasure");
  const blobs = () => {
    const config = loadConfig();
    return openBlobStore(config.storageUrl, config.dataDir);
  };

  privacy
    .command('export')
    .description('Every claim, photo and e-mail about the person behind an e-mail address, as a zip')
    .requiredOption('--email <email>', 'the address they claimed with')
    .requiredOption('--out <file>', 'where to write the zip')
    .action(async (options: { email: string; out: string }) => {
      const result = await withDatabase((db) =>
        exportPersonalData(db, blobs(), options.email, cliAuditActor()),
      );
      fs.writeFileSync(options.out, result.zip);
      console.log(`${result.claims} claims and ${result.photos} photos written to ${options.out}`);
    });

  privacy
    .command('erase')
    .description(
      'Remove the personal data of every claim made with an e-mail address; decisions, remedies and counts stay',
    )
    .requiredOption('--email <email>', 'the address they claimed with')
    .action(async (options: { email: string }) => {
      const result = await withDatabase((db) => erasePerson(db, blobs(), options.email, cliAuditActor()));
      console.log(`Personal data removed from ${result.claims} claims (${result.photos} photos deleted)`);
    });
}
