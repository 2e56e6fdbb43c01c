import fs from 'node:fs';
import type { Command } from 'commander';
import { openBlobStore } from '../server/blobs/blob-store.ts';
import { loadConfig } from '../server/config.ts';
import { erasePerson, exportPersonalData, personRef } from '../server/modules/claims/privacy.ts';
import { recordAudit } from '../server/modules/staff/audit.ts';
import { cliActor, cliAuditActor, withDatabase } from './context.ts';

export function registerPrivacyCommands(program: Command) {
  const privacy = program
    .command('privacy')
    .description("A person's rights: a copy of their data, or its erasure");

  privacy
    .command('export')
    .description('Every claim, photo and e-mail about the person behind an e-mail address, as a zip')
    .requiredOption('--email <email>', 'the address they claimed with')
    .requiredOption('--out <file>', 'where to write the zip')
    .action(async (options: { email: string; out: string }) => {
      const config = loadConfig();
      const result = await withDatabase(async (db) => {
        const exported = await exportPersonalData(
          db,
          openBlobStore(config.storageUrl, config.dataDir),
          options.email,
        );
        await recordAudit(
          db.kysely,
          cliAuditActor(),
          'privacy.exported',
          { type: 'person', id: personRef(options.email) },
          {
            claims: exported.claims,
            photos: exported.photos,
          },
        );
        return exported;
      });
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
      const config = loadConfig();
      const result = await withDatabase(async (db) => {
        const erased = await erasePerson(
          db,
          openBlobStore(config.storageUrl, config.dataDir),
          options.email,
          cliActor(),
        );
        await recordAudit(
          db.kysely,
          cliAuditActor(),
          'privacy.erased',
          { type: 'person', id: personRef(options.email) },
          erased,
        );
        return erased;
      });
      console.log(`Personal data removed from ${result.claims} claims (${result.photos} photos deleted)`);
    });
}
