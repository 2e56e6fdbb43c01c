import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../server/config.ts';
import { campaignFiles, readCampaignFile } from '../server/modules/catalog/apply-campaign.ts';
import { normaliseModelCode } from '../server/modules/catalog/serial.ts';
import { shutdownOcr } from '../server/modules/evidence/ocr.ts';
import { PhotoError } from '../server/modules/evidence/photo.ts';
import { verifyPhotos } from '../server/modules/evidence/verify-photos.ts';
import type { CampaignDefinition } from '../shared/contracts/campaign-definition.ts';

interface VerifyOptions {
  serial: string;
  model: string;
  name: string;
  date: string;
  code?: string;
  campaign?: string;
  label: string;
  marked: string;
  json?: boolean;
  daysBefore: number;
  daysAfter: number;
}

export function registerVerifyCommand(program: Command) {
  program
    .command('verify')
    .description('Run the evidence checks on a label photo and a marked-unit photo (no database needed)')
    .requiredOption('--serial <serial>', 'the claimed serial number')
    .requiredOption('--model <model>', 'the claimed model code')
    .requiredOption('--name <name>', "the claimant's name")
    .requiredOption('--date <YYYY-MM-DD>', 'the day of submission (the date on the unit is compared with it)')
    .option('--code <code>', 'the claim code written on the unit')
    .option(
      '--campaign <file>',
      'the campaign definition whose serial rules apply (default: the one in CAMPAIGNS_DIR that recalls --model)',
    )
    .requiredOption('--label <photo>', 'photo 1: the label')
    .requiredOption('--marked <photo>', 'photo 2: the unit with RECALLED, the date, the name and the code')
    .option('--days-before <n>', 'the date may be this many days before', (v) => Number.parseInt(v, 10), 14)
    .option('--days-after <n>', 'and this many days after', (v) => Number.parseInt(v, 10), 1)
    .option('--json', 'print one JSON object')
    .action(async (options: VerifyOptions) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(options.date) || Number.isNaN(Date.parse(options.date)))
        throw new VerifyUsageError(`--date must be YYYY-MM-DD, not ${options.date}`);
      const read = (file: string) => {
        try {
          return fs.readFileSync(file);
        } catch (error) {
          throw new VerifyUsageError(`cannot read ${file}: ${(error as Error).message}`);
        }
      };
      const [label, marked] = [read(options.label), read(options.marked)];
      const campaign = options.campaign
        ? readCampaignFile(options.campaign)
        : campaignRecalling(options.model, loadConfig().campaignsDir);
      try {
        const result = await verifyPhotos({
          serialNeverContains: campaign?.serialRules.neverContains ?? [],
          label,
          marked,
          facts: {
            serial: options.serial,
            model: options.model,
            name: options.name,
            code: options.code ?? null,
            at: new Date(`${options.date}T12:00:00Z`),
          },
          window: { daysBefore: options.daysBefore, daysAfter: options.daysAfter },
          recallAnnounced: campaign ? new Date(`${campaign.announcedOn}T00:00:00Z`) : null,
        });
        const output = {
          checks: result.checks.map(({ id, outcome, score, detail }) => ({ id, outcome, score, detail })),
          verdict: result.verdict,
          reasons: result.reasons,
        };
        if (options.json) console.log(JSON.stringify(output));
        else {
          for (const check of output.checks)
            console.log(`${check.outcome.padEnd(6)} ${check.id.padEnd(19)} ${check.score.toFixed(2)}`);
          console.log(
            `verdict: ${output.verdict}${output.reasons.length ? ` (${output.reasons.join(', ')})` : ''}`,
          );
        }
      } catch (error) {
        if (error instanceof PhotoError) throw new VerifyUsageError(`not a usable photo: ${error.message}`);
        throw error;
      } finally {
        await shutdownOcr();
      }
    });
}

export class VerifyUsageError extends Error {}

/** The shipped campaign that recalls the model, if one does. */
function campaignRecalling(model: string, campaignsDir: string): CampaignDefinition | undefined {
  const code = normaliseModelCode(model);
  if (!code) return undefined;
  return campaignFiles(campaignsDir)
    .map((file) => readCampaignFile(file))
    .find((campaign) => campaign.models.some((candidate) => normaliseModelCode(candidate.code) === code));
}
