import fs from 'node:fs';
import type { Command } from 'commander';
import { toCsv } from '../server/csv.ts';
import { readerOf } from '../server/db/database.ts';
import { AppError } from '../server/errors.ts';
import { findCampaign } from '../server/modules/catalog/catalog.queries.ts';
import {
  cpscMonthlyCsvRows,
  cpscMonthlyReport,
  samrProgress,
} from '../server/modules/reporting/cpsc-monthly.ts';
import { cpscMonthlyHtml, renderPdf } from '../server/modules/reporting/report-pdf.ts';
import { withDatabase } from './context.ts';

export function registerReportCommands(program: Command) {
  const report = program.command('report').description("The regulators' reports");
  report
    .command('cpsc-monthly')
    .description('The figures of the CPSC Monthly Progress Report of a campaign for one month (UTC)')
    .requiredOption('--campaign <slug>', 'the campaign')
    .requiredOption('--month <YYYY-MM>', 'the month reported')
    .option('--format <format>', 'csv, json or pdf', 'json')
    .option('--out <file>', 'write here instead of standard output (needed for pdf)')
    .action(async (options: { campaign: string; month: string; format: string; out?: string }) => {
      if (!['csv', 'json', 'pdf'].includes(options.format))
        throw new AppError('invalid_request', { details: '--format: csv, json or pdf' });
      if (options.format === 'pdf' && !options.out)
        throw new AppError('invalid_request', { details: '--out: a PDF is written to a file' });
      const figures = await withDatabase(async (db) => {
        const campaign = await findCampaign(db.kysely, options.campaign);
        if (!campaign) throw new AppError('campaign_not_found');
        return cpscMonthlyReport(readerOf(db).kysely, campaign, options.month);
      });
      const output =
        options.format === 'json'
          ? `${JSON.stringify(figures, null, 2)}\n`
          : options.format === 'csv'
            ? toCsv(['field', 'value'], cpscMonthlyCsvRows(figures))
            : await renderPdf(cpscMonthlyHtml(figures));
      if (options.out) {
        fs.writeFileSync(options.out, output);
        console.error(
          `CPSC monthly report for ${options.campaign}, ${options.month}, written to ${options.out}`,
        );
      } else process.stdout.write(output);
    });

  report
    .command('samr-progress')
    .description(
      "China's SAMR progress figures of a campaign to a month's end: units recalled, handled, percent",
    )
    .requiredOption('--campaign <slug>', 'the campaign')
    .requiredOption('--month <YYYY-MM>', 'the month reported')
    .option('--format <format>', 'csv or json', 'json')
    .action(async (options: { campaign: string; month: string; format: string }) => {
      if (!['csv', 'json'].includes(options.format))
        throw new AppError('invalid_request', { details: '--format: csv or json' });
      const figures = await withDatabase(async (db) => {
        const campaign = await findCampaign(db.kysely, options.campaign);
        if (!campaign) throw new AppError('campaign_not_found');
        return samrProgress(await cpscMonthlyReport(readerOf(db).kysely, campaign, options.month));
      });
      process.stdout.write(
        options.format === 'json'
          ? `${JSON.stringify(figures, null, 2)}\n`
          : toCsv(Object.keys(figures), [figures]),
      );
    });
}
