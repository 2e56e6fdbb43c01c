import type { Command } from 'commander';
import { applyCampaign, readCampaignFile } from '../server/modules/catalog/apply-campaign.ts';
import { listCampaigns } from '../server/modules/catalog/catalog.queries.ts';
import { withDatabase } from './context.ts';

export function registerCampaignCommands(program: Command) {
  const campaign = program.command('campaign').description('Recall campaigns');

  campaign
    .command('apply')
    .argument('<file>', 'campaign definition (YAML or JSON)')
    .description('Create the campaign, or update it to match the file')
    .action(async (file: string) => {
      const definition = readCampaignFile(file);
      const outcome = await withDatabase((db) => applyCampaign(db, definition));
      console.log(`${definition.slug}: ${outcome}`);
    });

  campaign
    .command('list')
    .description('List campaigns with their status and models')
    .action(async () => {
      const campaigns = await withDatabase((db) => listCampaigns(db.kysely));
      for (const { slug, definition } of campaigns) {
        const models = definition.models.map((m) => m.code).join(', ');
        console.log(`${slug}\t${definition.status}\t${definition.announcedOn}\t${models}`);
      }
    });
}
