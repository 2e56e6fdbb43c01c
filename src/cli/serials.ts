import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { importSerials } from '../server/modules/catalog/import-serials.ts';
import { cliActor, withDatabase } from './context.ts';

export function registerSerialCommands(program: Command) {
  const serials = program.command('serials').description('Eligibility lists of affected serial numbers');

  serials
    .command('import')
    .argument('<file>', 'CSV with the header serial,model and optional market,lot columns')
    .requiredOption('--campaign <slug>', 'campaign the serials belong to')
    .option('--rejects <file>', 'where to write rejected rows (default: <file>.rejected.csv)')
    .description('Add the serials of a CSV file to a campaign; re-importing a file changes nothing')
    .action(async (file: string, options: { campaign: string; rejects?: string }) => {
      const bar = process.stderr.isTTY
        ? new SingleBar({
            format: 'Importing |{bar}| {percentage}% | {rows} rows | {eta_formatted} left',
            stream: process.stderr,
            hideCursor: true,
          })
        : undefined;
      let started = false;
      const result = await withDatabase((db) =>
        importSerials(db, {
          campaignSlug: options.campaign,
          file,
          actor: cliActor(),
          ...(options.rejects ? { rejectsFile: options.rejects } : {}),
          onProgress: ({ bytesRead, totalBytes, rows }) => {
            if (!bar) return;
            if (!started) bar.start(totalBytes, 0, { rows });
            started = true;
            bar.update(bytesRead, { rows });
          },
        }),
      ).finally(() => bar?.stop());
      console.log(
        `${result.campaign}: ${result.rowsTotal} rows read, ${result.rowsAdded} added, ` +
          `${result.rowsUnchanged} already listed, ${result.rowsRejected} rejected (import ${result.id})`,
      );
      if (result.rejectsFile) {
        console.error(`Rejected rows, with line numbers and reasons, are in ${result.rejectsFile}`);
        process.exitCode = 1;
      }
    });
}
