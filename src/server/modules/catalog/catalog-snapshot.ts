import type { Db } from '../../db/database.ts';
import type { CampaignDefinition } from './campaign-definition.ts';
import { parseCampaignDefinition } from './campaign-definition.ts';
import { applySerialRules, type SerialRules } from './serial.ts';
import { hashSerialInto, SerialHashSet } from './serial-hash.ts';

/** The serials of one campaign listed for one model and market. */
interface SerialGroup {
  modelCode: string;
  market: string | null;
  serials: SerialHashSet;
}

export interface CatalogCampaign {
  id: string;
  slug: string;
  definition: CampaignDefinition;
  rules: SerialRules;
  groups: SerialGroup[];
  wholeModels: Set<string>;
  modelNames: Map<string, string>;
}

export interface SerialHit {
  campaign: CatalogCampaign;
  modelCode: string;
  market: string | null;
  matchedBy: 'serial' | 'model';
  /** The serial in the campaign's canonical form (null for a whole-model match). */
  serial: string | null;
}

const PAGE_ROWS = 100_000;

/**
 * An immutable, in-memory picture of the public catalog (campaigns that are not drafts, their
 * models and their eligibility lists) that answers lookups without touching the database.
 * Lists are held as sorted 64-bit hashes, 8 bytes a serial; see ARCHITECTURE.md.
 */
export class CatalogSnapshot {
  readonly revision: string;
  readonly campaigns: readonly CatalogCampaign[];
  readonly builtAt = new Date();
  private readonly bySlug: Map<string, CatalogCampaign>;
  private readonly probe = new Uint32Array(2);

  constructor(revision: string, campaigns: CatalogCampaign[]) {
    this.revision = revision;
    this.campaigns = campaigns;
    this.bySlug = new Map(campaigns.map((campaign) => [campaign.slug, campaign]));
  }

  campaign(slug: string): CatalogCampaign | undefined {
    return this.bySlug.get(slug);
  }

  get serialCount(): number {
    return this.campaigns.reduce((sum, c) => sum + c.groups.reduce((n, g) => n + g.serials.size, 0), 0);
  }

  get serialBytes(): number {
    return this.campaigns.reduce((sum, c) => sum + c.groups.reduce((n, g) => n + g.serials.byteLength, 0), 0);
  }

  /** Where a normalised serial (and/or a model code) is recalled. */
  find(serial: string | null, modelCode: string | null): SerialHit[] {
    const hits: SerialHit[] = [];
    for (const campaign of this.campaigns) {
      let serialHit = false;
      if (serial !== null) {
        const canonical = applySerialRules(serial, campaign.rules);
        hashSerialInto(canonical, this.probe, 0);
        const lo = this.probe[0] as number;
        const hi = this.probe[1] as number;
        for (const group of campaign.groups) {
          if (group.serials.has(lo, hi)) {
            hits.push({
              campaign,
              modelCode: group.modelCode,
              market: group.market,
              matchedBy: 'serial',
              serial: canonical,
            });
            serialHit = true;
            break; // a serial is listed at most once per campaign
          }
        }
      }
      if (!serialHit && modelCode !== null && campaign.wholeModels.has(modelCode)) {
        hits.push({ campaign, modelCode, market: null, matchedBy: 'model', serial: null });
      }
    }
    return hits;
  }

  /** Builds a snapshot from one consistent view of the database. */
  static async load(db: Db): Promise<CatalogSnapshot> {
    return db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const revision = String(
        (await tx.query('SELECT revision FROM catalog_revision')).rows[0]?.revision ?? '0',
      );
      const campaignRows = await tx.kysely
        .selectFrom('campaign')
        .select(['id', 'slug', 'definition'])
        .where('status', '<>', 'draft')
        .orderBy('announced_on')
        .orderBy('slug')
        .execute();
      const campaigns: CatalogCampaign[] = [];
      for (const row of campaignRows) {
        const definition = parseCampaignDefinition(row.definition, row.slug);
        const rules = { lookAlikes: definition.serialRules.lookAlikes };
        const counts = await tx.kysely
          .selectFrom('affected_unit')
          .select(['model_code', 'market', (eb) => eb.fn.countAll<string>().as('count')])
          .where('campaign_id', '=', row.id)
          .groupBy(['model_code', 'market'])
          .orderBy('model_code')
          .orderBy('market')
          .execute();
        const groups = counts.map((group) => {
          const hashes = new BigUint64Array(Number(group.count));
          return {
            modelCode: group.model_code,
            market: group.market,
            hashes,
            words: new Uint32Array(hashes.buffer),
            filled: 0,
          };
        });
        const groupIndex = new Map(
          groups.map((group, i) => [`${group.modelCode}\u0000${group.market ?? ''}`, i]),
        );
        let after = '';
        for (;;) {
          const page = await tx.kysely
            .selectFrom('affected_unit')
            .select(['serial', 'model_code', 'market'])
            .where('campaign_id', '=', row.id)
            .where('serial', '>', after)
            .orderBy('serial')
            .limit(PAGE_ROWS)
            .execute();
          for (const unit of page) {
            const group = groups[groupIndex.get(`${unit.model_code}\u0000${unit.market ?? ''}`) as number];
            if (!group) continue;
            hashSerialInto(unit.serial, group.words, 2 * group.filled++);
          }
          if (page.length < PAGE_ROWS) break;
          after = (page[page.length - 1] as { serial: string }).serial;
        }
        campaigns.push({
          id: row.id,
          slug: row.slug,
          definition,
          rules,
          groups: groups.map((group) => ({
            modelCode: group.modelCode,
            market: group.market,
            serials: SerialHashSet.fromHashes(group.hashes),
          })),
          wholeModels: new Set(definition.models.filter((m) => m.recalledAsWhole).map((m) => m.code)),
          modelNames: new Map(definition.models.map((m) => [m.code, m.name])),
        });
      }
      return new CatalogSnapshot(revision, campaigns);
    });
  }
}
