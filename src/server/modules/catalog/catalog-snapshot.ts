import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import { parseCampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import type { Db } from '../../db/database.ts';
import { applySerialRules, collapseLookAlikes, type SerialRules } from './serial.ts';
import { FingerprintSet, hashSerialInto, SerialHashSet } from './serial-hash.ts';

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
  /** Characters the campaign's serials never contain: no look-alike suggestion uses them. */
  neverContains: ReadonlySet<string>;
  groups: SerialGroup[];
  /** Fingerprints of every listed serial with look-alikes collapsed: is any serial one an owner could confuse? */
  lookAlikes: FingerprintSet;
  wholeModels: Set<string>;
  modelNames: Map<string, string>;
  /** What a complete serial of this campaign looks like, to tell a partial entry from an unlisted serial. */
  serialShape: SerialShape;
}

/** The campaign's serial pattern, and the shortest and longest serial it lists (0 when it lists none). */
export interface SerialShape {
  pattern: RegExp | null;
  minLength: number;
  maxLength: number;
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
 * Lists are held as sorted 64-bit hashes (8 bytes a serial) plus 32-bit look-alike
 * fingerprints (4 bytes a serial); see docs/decisions/0010-lookup-index.md.
 */
export class CatalogSnapshot {
  readonly revision: string;
  readonly campaigns: readonly CatalogCampaign[];
  readonly builtAt = new Date();
  private readonly bySlug: Map<string, CatalogCampaign>;
  private readonly byId: Map<string, CatalogCampaign>;
  private readonly probe = new Uint32Array(2);

  constructor(revision: string, campaigns: CatalogCampaign[]) {
    this.revision = revision;
    this.campaigns = campaigns;
    this.bySlug = new Map(campaigns.map((campaign) => [campaign.slug, campaign]));
    this.byId = new Map(campaigns.map((campaign) => [campaign.id, campaign]));
  }

  campaign(slug: string): CatalogCampaign | undefined {
    return this.bySlug.get(slug);
  }

  campaignById(id: string): CatalogCampaign | undefined {
    return this.byId.get(id);
  }

  get serialCount(): number {
    return this.campaigns.reduce((sum, c) => sum + c.groups.reduce((n, g) => n + g.serials.size, 0), 0);
  }

  /** Bytes held for the eligibility lists: exact hashes plus look-alike fingerprints. */
  get serialBytes(): number {
    return this.campaigns.reduce(
      (sum, c) => sum + c.lookAlikes.byteLength + c.groups.reduce((n, g) => n + g.serials.byteLength, 0),
      0,
    );
  }

  /** Where a normalised serial (and/or a model code) is recalled. */
  find(serial: string | null, modelCode: string | null): SerialHit[] {
    const hits: SerialHit[] = [];
    for (const campaign of this.campaigns) {
      const canonical = serial === null ? null : applySerialRules(serial, campaign.rules);
      const group = canonical === null ? undefined : this.groupListing(campaign, canonical);
      if (group) {
        hits.push({
          campaign,
          modelCode: group.modelCode,
          market: group.market,
          matchedBy: 'serial',
          serial: canonical,
        });
      } else if (modelCode !== null && campaign.wholeModels.has(modelCode)) {
        hits.push({ campaign, modelCode, market: null, matchedBy: 'model', serial: null });
      }
    }
    return hits;
  }

  /**
   * Whether a normalised serial has the shape of a complete serial of any campaign: its pattern
   * when it defines one, else the lengths it lists. A campaign with neither recognises nothing.
   */
  recognises(serial: string): boolean {
    return this.campaigns.some((campaign) => {
      const canonical = applySerialRules(serial, campaign.rules);
      const shape = campaign.serialShape;
      if (shape.pattern) return shape.pattern.test(canonical);
      return (
        shape.maxLength > 0 && canonical.length >= shape.minLength && canonical.length <= shape.maxLength
      );
    });
  }

  /** The campaigns that define a model with this code (normalised), and the model. */
  modelsCoded(code: string): { campaign: CatalogCampaign; name: string; recalledAsWhole: boolean }[] {
    const found = [];
    for (const campaign of this.campaigns) {
      const model = campaign.definition.models.find((m) => m.code === code);
      if (model) found.push({ campaign, name: model.name, recalledAsWhole: model.recalledAsWhole });
    }
    return found;
  }

  /** The group that lists a serial already in `campaign`'s canonical form, if any. */
  groupListing(campaign: CatalogCampaign, canonical: string): SerialGroup | undefined {
    hashSerialInto(canonical, this.probe, 0);
    const lo = this.probe[0] as number;
    const hi = this.probe[1] as number;
    // A serial is listed at most once per campaign (the primary key), so the first hit is the one.
    return campaign.groups.find((group) => group.serials.has(lo, hi));
  }

  /** Whether `campaign` may list a serial that differs from `canonical` only by look-alike characters. */
  mayListLookAlike(campaign: CatalogCampaign, canonical: string): boolean {
    hashSerialInto(collapseLookAlikes(canonical), this.probe, 0);
    return campaign.lookAlikes.mayHave(this.probe[0] as number);
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
        const lookAlikes = new Uint32Array(counts.reduce((sum, group) => sum + Number(group.count), 0));
        const collapsedHash = new Uint32Array(2);
        let listed = 0;
        let minLength = Number.POSITIVE_INFINITY;
        let maxLength = 0;
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
            hashSerialInto(collapseLookAlikes(unit.serial), collapsedHash, 0);
            lookAlikes[listed++] = collapsedHash[0] as number;
            minLength = Math.min(minLength, unit.serial.length);
            maxLength = Math.max(maxLength, unit.serial.length);
          }
          if (page.length < PAGE_ROWS) break;
          after = (page[page.length - 1] as { serial: string }).serial;
        }
        campaigns.push({
          id: row.id,
          slug: row.slug,
          definition,
          rules,
          neverContains: new Set(definition.serialRules.neverContains),
          groups: groups.map((group) => ({
            modelCode: group.modelCode,
            market: group.market,
            serials: SerialHashSet.fromHashes(group.hashes),
          })),
          lookAlikes: FingerprintSet.fromFingerprints(lookAlikes),
          wholeModels: new Set(definition.models.filter((m) => m.recalledAsWhole).map((m) => m.code)),
          modelNames: new Map(definition.models.map((m) => [m.code, m.name])),
          serialShape: {
            pattern: definition.serialRules.pattern ? new RegExp(definition.serialRules.pattern) : null,
            minLength: listed > 0 ? minLength : 0,
            maxLength,
          },
        });
      }
      return new CatalogSnapshot(revision, campaigns);
    });
  }
}
