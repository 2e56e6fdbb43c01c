import type { Kysely } from 'kysely';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import type { Database } from '../../db/schema.ts';
import { newId } from '../../ids.ts';
import { campaignDefinitionById } from '../catalog/catalog.queries.ts';

/** A return bag's order id is the remedy's with this suffix. */
export const BAG = '-BAG';

export const BAG_SKU = 'RETURN-BAG';

export const BATCH_MAX = 10_000;

/** Campaign definitions read once per file: a file of thousands of lines names a few campaigns. */
export function campaignsOnce(db: Kysely<Database>): (campaignId: string) => Promise<CampaignDefinition> {
  const read = new Map<string, Promise<CampaignDefinition>>();
  return (campaignId) => {
    let definition = read.get(campaignId);
    if (!definition) {
      definition = campaignDefinitionById(db, campaignId);
      read.set(campaignId, definition);
    }
    return definition;
  };
}

/** A new shipment or payout batch of `lines` lines, recorded with who made it. */
export async function newBatch(
  db: Kysely<Database>,
  table: 'shipment_batch' | 'payout_batch',
  actor: string,
  lines: number,
): Promise<string> {
  const id = newId(table === 'shipment_batch' ? 'shp' : 'pay');
  await db.insertInto(table).values({ id, created_by: actor, lines }).execute();
  return id;
}

/** Remedies by kind and state, for the fulfilment page. */
export async function fulfilmentCounts(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('remedy')
    .select(['kind', 'state', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['kind', 'state'])
    .execute();
  return rows.map((row) => ({ kind: row.kind, state: row.state, count: Number(row.n) }));
}

/** The newest shipment or payout batches, for the fulfilment overview. */
export async function recentBatches(
  db: Kysely<Database>,
  table: 'shipment_batch' | 'payout_batch',
  limit = 20,
) {
  const rows = await db.selectFrom(table).selectAll().orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map((batch) => ({
    id: batch.id,
    createdAt: batch.created_at.toISOString(),
    createdBy: batch.created_by,
    lines: batch.lines,
  }));
}
