import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import { parseCampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import type { Db, Tx } from '../../db/database.ts';
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
  /** The stored definition as read (JSON), to tell whether it changed since. */
  source: string;
  /** The lists (serial imports that added units) this index holds. */
  imports: ReadonlySet<string>;
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

  /**
   * Builds a snapshot from one consistent view of the database. Given the snapshot it replaces,
   * a campaign whose definition did not change keeps its index, and lists imported since are
   * read and merged into it: every process picks up a new list without re-reading the others
   * (docs/decisions/0010-lookup-index.md).
   */
  static async load(db: Db, previous?: CatalogSnapshot): Promise<CatalogSnapshot> {
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
      const importRows = await tx.kysely
        .selectFrom('serial_import')
        .select(['id', 'campaign_id', 'rows_added'])
        .where('rows_added', '>', 0)
        .execute();
      const campaigns: CatalogCampaign[] = [];
      for (const row of campaignRows) {
        const source = JSON.stringify(row.definition);
        const imports = new Map(
          importRows.filter((i) => i.campaign_id === row.id).map((i) => [i.id, i.rows_added]),
        );
        const before = previous?.byId.get(row.id);
        const added = [...imports.keys()].filter((id) => !before?.imports.has(id));
        const addedRows = added.reduce((sum, id) => sum + (imports.get(id) as number), 0);
        const kept =
          before !== undefined &&
          before.slug === row.slug &&
          before.source === source &&
          [...before.imports].every((id) => imports.has(id)) &&
          // A list as large as what is held: reading everything in order is as quick.
          addedRows <=
            Math.max(
              PAGE_ROWS,
              before.groups.reduce((n, g) => n + g.serials.size, 0),
            );
        campaigns.push(
          kept
            ? await withImports(tx, before, added, new Set(imports.keys()))
            : await loadCampaign(tx, row, source, new Set(imports.keys())),
        );
      }
      return new CatalogSnapshot(revision, campaigns);
    });
  }
}

interface UnitRow {
  serial: string;
  model_code: string;
  market: string | null;
}

/** Hashes of listed units gathered per (model, market) group, with their fingerprints and lengths. */
class UnitHashes {
  readonly groups = new Map<
    string,
    { modelCode: string; market: string | null; hashes: BigUint64Array; words: Uint32Array; filled: number }
  >();
  readonly fingerprints: Uint32Array;
  private listed = 0;
  minLength = Number.POSITIVE_INFINITY;
  maxLength = 0;
  private readonly collapsed = new Uint32Array(2);

  constructor(counts: readonly { model_code: string; market: string | null; count: string | number }[]) {
    for (const group of counts) {
      const hashes = new BigUint64Array(Number(group.count));
      this.groups.set(groupKey(group.model_code, group.market), {
        modelCode: group.model_code,
        market: group.market,
        hashes,
        words: new Uint32Array(hashes.buffer),
        filled: 0,
      });
    }
    this.fingerprints = new Uint32Array(counts.reduce((sum, group) => sum + Number(group.count), 0));
  }

  add(units: readonly UnitRow[]): void {
    for (const unit of units) {
      const group = this.groups.get(groupKey(unit.model_code, unit.market));
      if (!group) continue;
      hashSerialInto(unit.serial, group.words, 2 * group.filled++);
      hashSerialInto(collapseLookAlikes(unit.serial), this.collapsed, 0);
      this.fingerprints[this.listed++] = this.collapsed[0] as number;
      this.minLength = Math.min(this.minLength, unit.serial.length);
      this.maxLength = Math.max(this.maxLength, unit.serial.length);
    }
  }
}

const groupKey = (modelCode: string, market: string | null) => `${modelCode}\u0000${market ?? ''}`;

/** Counts of units per (model, market): of a campaign, or of some of its lists (by import id alone). */
function groupCounts(tx: Tx, of: { campaignId: string } | { imports: readonly string[] }) {
  return tx.kysely
    .selectFrom('affected_unit')
    .select(['model_code', 'market', (eb) => eb.fn.countAll<string>().as('count')])
    .where((eb) =>
      'imports' in of ? eb('import_id', 'in', of.imports) : eb('campaign_id', '=', of.campaignId),
    )
    .groupBy(['model_code', 'market'])
    .orderBy('model_code')
    .orderBy('market')
    .execute();
}

/** A campaign and all its lists, read in pages in serial order. */
async function loadCampaign(
  tx: Tx,
  row: { id: string; slug: string; definition: unknown },
  source: string,
  imports: ReadonlySet<string>,
): Promise<CatalogCampaign> {
  const definition = parseCampaignDefinition(row.definition, row.slug);
  const units = new UnitHashes(await groupCounts(tx, { campaignId: row.id }));
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
    units.add(page);
    if (page.length < PAGE_ROWS) break;
    after = (page[page.length - 1] as UnitRow).serial;
  }
  const groups = [...units.groups.values()].map((group) => ({
    modelCode: group.modelCode,
    market: group.market,
    serials: SerialHashSet.fromHashes(group.hashes),
  }));
  const listed = units.fingerprints.length;
  return {
    id: row.id,
    slug: row.slug,
    source,
    imports,
    definition,
    rules: { lookAlikes: definition.serialRules.lookAlikes },
    neverContains: new Set(definition.serialRules.neverContains),
    groups,
    lookAlikes: FingerprintSet.fromFingerprints(units.fingerprints),
    wholeModels: new Set(definition.models.filter((m) => m.recalledAsWhole).map((m) => m.code)),
    modelNames: new Map(definition.models.map((m) => [m.code, m.name])),
    serialShape: {
      pattern: definition.serialRules.pattern ? new RegExp(definition.serialRules.pattern) : null,
      minLength: listed > 0 ? units.minLength : 0,
      maxLength: units.maxLength,
    },
  };
}

/**
 * A held campaign with the units of lists imported since merged in. Their rows are found
 * through the BRIN index on `import_id` (each import's rows lie together in the table).
 */
async function withImports(
  tx: Tx,
  before: CatalogCampaign,
  added: readonly string[],
  imports: ReadonlySet<string>,
): Promise<CatalogCampaign> {
  if (added.length === 0) return before;
  // Before the table's statistics catch up with a large import, the planner takes a scan of every
  // row (2.3 s at 20 million rows) for the index's 0.1 s; import_id alone, since the primary key
  // would lead to every row of the campaign.
  await tx.query('SET LOCAL enable_seqscan = off');
  const units = new UnitHashes(await groupCounts(tx, { imports: added }));
  units.add(
    await tx.kysely
      .selectFrom('affected_unit')
      .select(['serial', 'model_code', 'market'])
      .where('import_id', 'in', added)
      .execute(),
  );
  await tx.query('SET LOCAL enable_seqscan = on');
  const groups = before.groups.map((group) => {
    const more = units.groups.get(groupKey(group.modelCode, group.market));
    units.groups.delete(groupKey(group.modelCode, group.market));
    return more ? { ...group, serials: group.serials.withHashes(more.hashes) } : group;
  });
  for (const group of units.groups.values())
    groups.push({
      modelCode: group.modelCode,
      market: group.market,
      serials: SerialHashSet.fromHashes(group.hashes),
    });
  const shape = before.serialShape;
  const held = before.lookAlikes.size > 0;
  return {
    ...before,
    imports,
    groups,
    lookAlikes: before.lookAlikes.withFingerprints(units.fingerprints),
    serialShape: {
      ...shape,
      minLength: held ? Math.min(shape.minLength, units.minLength) : units.minLength,
      maxLength: Math.max(shape.maxLength, units.maxLength),
    },
  };
}
