import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Db } from './db/database.ts';
import { applyCampaignInTx, campaignFiles, readCampaignFile } from './modules/catalog/apply-campaign.ts';
import { findCampaign } from './modules/catalog/catalog.queries.ts';
import { importSerialsInTx } from './modules/catalog/import-serials.ts';
import { importGiftCards } from './modules/remedies/codes.ts';

/**
 * Loads the shipped example campaigns (and their demo eligibility lists) that the database
 * does not have yet. A campaign already in the database is left alone: at run time the
 * database is the truth, and `recallkit campaign apply` is how a file changes it.
 */
export async function seedExampleCampaigns(db: Db, campaignsDir: string, logger: Logger): Promise<string[]> {
  const seeded: string[] = [];
  for (const file of campaignFiles(campaignsDir)) {
    const definition = readCampaignFile(file);
    const loaded = await db.transaction(async (tx) => {
      // Several processes may start at once against one PostgreSQL: one seeds, the others wait and skip.
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('recallkit:seed'))");
      if (await findCampaign(tx.kysely, definition.slug)) return false;
      await applyCampaignInTx(tx, definition);
      if (definition.demoSerials) {
        const { result } = await importSerialsInTx(tx, {
          campaignSlug: definition.slug,
          file: path.join(path.dirname(file), definition.demoSerials),
          actor: 'seed',
          rejectsFile: path.join(os.tmpdir(), `${definition.slug}.demo.rejected.csv`),
        });
        if (result.rowsRejected > 0) throw new Error(`The demo list of ${definition.slug} has rejected rows`);
      }
      if (definition.demoGiftCards) {
        const campaign = await findCampaign(tx.kysely, definition.slug);
        if (campaign)
          await importGiftCards(
            tx.kysely,
            campaign,
            fs.readFileSync(path.join(path.dirname(file), definition.demoGiftCards)),
          );
      }
      return true;
    });
    if (loaded) {
      seeded.push(definition.slug);
      logger.info({ campaign: definition.slug }, 'example campaign loaded');
    }
  }
  return seeded;
}
