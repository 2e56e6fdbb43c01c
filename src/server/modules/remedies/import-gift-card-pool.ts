import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import type { Db } from '../../db/database.ts';
import { importGiftCards } from './codes.ts';
import { retryWaitingForCodes } from './issue-remedy.ts';

/** Adds codes to a campaign's pool and re-queues the remedies that were waiting for one, in one transaction. */
export async function importGiftCardPool(
  db: Db,
  campaign: { id: string; definition: CampaignDefinition },
  csv: string | Buffer,
  kind: 'gift_card' | 'voucher' = 'gift_card',
): Promise<{ id: string; added: number; skipped: number; requeued: number }> {
  return db.transaction(async (tx) => {
    const imported = await importGiftCards(tx.kysely, campaign, csv, kind);
    return { ...imported, requeued: await retryWaitingForCodes(tx.kysely, campaign.id) };
  });
}
