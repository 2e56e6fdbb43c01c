import { type Kysely, sql } from 'kysely';
import {
  type CampaignDefinition,
  CampaignDefinitionSchema,
  parseCampaignDefinition,
} from '../../../shared/contracts/campaign-definition.ts';
import type { Tx } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';

export interface StoredCampaign {
  id: string;
  slug: string;
  definition: CampaignDefinition;
}

/** Every change to campaigns or lists moves this counter, in the same transaction. */
export async function bumpCatalogRevision(tx: Tx): Promise<void> {
  await tx.kysely
    .updateTable('catalog_revision')
    .set({ revision: sql<string>`revision + 1`, changed_at: new Date() })
    .execute();
}

export async function catalogRevision(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('catalog_revision').select('revision').executeTakeFirstOrThrow();
  return String(row.revision);
}

export async function findCampaign(db: Kysely<Database>, slug: string): Promise<StoredCampaign | undefined> {
  const row = await db
    .selectFrom('campaign')
    .select(['id', 'slug', 'definition'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row && { id: row.id, slug: row.slug, definition: parseCampaignDefinition(row.definition) };
}

export async function listCampaigns(db: Kysely<Database>): Promise<StoredCampaign[]> {
  const rows = await db
    .selectFrom('campaign')
    .select(['id', 'slug', 'definition'])
    .orderBy('announced_on')
    .orderBy('slug')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    definition: parseCampaignDefinition(row.definition),
  }));
}

/** A campaign's definition by id, with the schema's defaults filled in (rows written by older versions lack newer fields). */
export async function campaignDefinitionById(
  db: Kysely<Database>,
  campaignId: string,
): Promise<CampaignDefinition> {
  const row = await db
    .selectFrom('campaign')
    .select('definition')
    .where('id', '=', campaignId)
    .executeTakeFirstOrThrow();
  return CampaignDefinitionSchema.parse(row.definition);
}
