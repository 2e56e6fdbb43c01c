import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  type CampaignDefinition,
  InvalidCampaignError,
  parseCampaignDefinition,
} from '../../../shared/contracts/campaign-definition.ts';
import type { Db, Tx } from '../../db/database.ts';
import { newId } from '../../ids.ts';
import { bumpCatalogRevision } from './catalog.queries.ts';

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

/** Reads and validates a campaign file (YAML or JSON). Throws InvalidCampaignError. */
export function readCampaignFile(file: string): CampaignDefinition {
  let raw: unknown;
  try {
    const text = fs.readFileSync(file, 'utf8');
    raw = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    throw new InvalidCampaignError(path.basename(file), [(error as Error).message]);
  }
  return parseCampaignDefinition(raw, path.basename(file));
}

/** The campaign definition files shipped in a directory, in name order. */
export function campaignFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * Creates or updates a campaign and its models. The database is the truth at run time: a
 * file is applied on purpose, never read behind the operator's back.
 */
export async function applyCampaign(db: Db, definition: CampaignDefinition): Promise<ApplyOutcome> {
  return db.transaction((tx) => applyCampaignInTx(tx, definition));
}

export async function applyCampaignInTx(tx: Tx, definition: CampaignDefinition): Promise<ApplyOutcome> {
  const json = JSON.stringify(definition);
  const sha256 = createHash('sha256').update(json).digest('hex');
  const existing = await tx.kysely
    .selectFrom('campaign')
    .select(['id', 'definition_sha256'])
    .where('slug', '=', definition.slug)
    .forUpdate()
    .executeTakeFirst();
  if (existing?.definition_sha256 === sha256) return 'unchanged';

  const id = existing?.id ?? newId('cmp');
  const row = {
    status: definition.status,
    announced_on: definition.announcedOn,
    definition: json,
    definition_sha256: sha256,
  };
  if (existing) {
    await tx.kysely
      .updateTable('campaign')
      .set({ ...row, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await assertNoListedModelRemoved(tx, id, definition);
  } else {
    await tx.kysely
      .insertInto('campaign')
      .values({ id, slug: definition.slug, ...row })
      .execute();
  }

  await tx.kysely.deleteFrom('product_model').where('campaign_id', '=', id).execute();
  await tx.kysely
    .insertInto('product_model')
    .values(
      definition.models.map((model) => ({
        campaign_id: id,
        code: model.code,
        name: model.name,
        recalled_as_whole: model.recalledAsWhole,
        units: JSON.stringify(model.units),
      })),
    )
    .execute();
  await bumpCatalogRevision(tx);
  return existing ? 'updated' : 'created';
}

async function assertNoListedModelRemoved(tx: Tx, campaignId: string, definition: CampaignDefinition) {
  const kept = new Set(definition.models.map((model) => model.code));
  const listed = await tx.kysely
    .selectFrom('affected_unit')
    .select('model_code')
    .distinct()
    .where('campaign_id', '=', campaignId)
    .execute();
  const removed = listed.map((row) => row.model_code).filter((code) => !kept.has(code));
  if (removed.length > 0) {
    throw new InvalidCampaignError(definition.slug, [
      `models: ${removed.join(', ')} still have affected serials imported and cannot be removed`,
    ]);
  }
}
