import fs from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../server/errors.ts';
import { findCampaign } from '../server/modules/catalog/catalog.queries.ts';
import { readBounceCsv, recordBounces } from '../server/modules/notices/bounces.ts';
import { importNotices, rejectedCsv } from '../server/modules/notices/import-notices.ts';
import { cliActor, withDatabase } from './context.ts';

export function registerNoticeCommands(program: Command) {
  const notices = program.command('notices').description('Direct notices to known buyers of recalled units');
  notices
    .command('import')
    .argument(
      '<file>',
      'CSV with the header email,name,language,country and optional serial,model,order_id,source',
    )
    .requiredOption('--campaign <slug>', 'the campaign the people bought from')
    .option('--rejects <file>', 'where to write rejected rows (default: <file>.rejected.csv)')
    .description(
      'Add the people of a list to a campaign’s notice audience; importing a file again changes nothing',
    )
    .action(async (file: string, options: { campaign: string; rejects?: string }) => {
      if (!fs.existsSync(file)) throw new AppError('import_refused', { reason: `${file} does not exist` });
      const result = await withDatabase(async (db) => {
        const campaign = await findCampaign(db.kysely, options.campaign);
        if (!campaign) throw new AppError('campaign_not_found');
        return db.transaction((tx) =>
          importNotices(tx, campaign.id, fs.createReadStream(file), { fileName: file, actor: cliActor() }),
        );
      });
      console.log(
        `${options.campaign}: ${result.rowsTotal} rows read, ${result.rowsAdded} people added, ` +
          `${result.rowsMerged} merged as duplicates, ${result.rejected.length} rejected (import ${result.id})`,
      );
      if (result.rejected.length > 0) {
        const rejects = options.rejects ?? `${file}.rejected.csv`;
        fs.writeFileSync(rejects, rejectedCsv(result.rejected));
        console.error(`Rejected rows, with line numbers and reasons, are in ${rejects}`);
        process.exitCode = 1;
      }
    });

  notices
    .command('bounces')
    .argument('<file>', 'CSV with the header email,type[,message_id]; type bounce or complaint')
    .description(
      'Mark the addresses of a mail provider’s bounces and complaints undeliverable on every notice list',
    )
    .action(async (file: string) => {
      if (!fs.existsSync(file)) throw new AppError('import_refused', { reason: `${file} does not exist` });
      const { result, rejected } = await withDatabase(async (db) => {
        const read = await readBounceCsv(fs.createReadStream(file));
        const recorded = await db.transaction((tx) => recordBounces(tx.kysely, read.events));
        return { result: recorded, rejected: read.rejected };
      });
      console.log(
        `${result.matched} addresses marked undeliverable, ${result.unknown} not on any list, ${rejected.length} rows rejected`,
      );
      for (const row of rejected) console.error(`line ${row.line}: ${row.reason}`);
      if (rejected.length > 0) process.exitCode = 1;
    });
}
