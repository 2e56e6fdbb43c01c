import { type Kysely, sql } from 'kysely';
import type { Progress } from '../../../shared/contracts/reporting.ts';
import { type Language, type LocalizedText, localize } from '../../../shared/languages.ts';
import type { Database } from '../../db/schema.ts';
import { newId } from '../../ids.ts';
import type { CatalogCampaign } from '../catalog/catalog-snapshot.ts';

/** How long a progress figure may be reused: a burst of visitors costs one count a minute. */
export const PROGRESS_TTL_MS = 60_000;

/** Claims that are out of people's homes: the remedy delivered. */
const CORRECTED = ['fulfilled'] as const;

interface Counted {
  at: Date;
  figures: Omit<Progress, 'title' | 'updates' | 'asOf' | 'campaign'>;
  updates: { at: Date; text: LocalizedText }[];
}

/**
 * A recall's public progress: units affected, claims received, units corrected (and the share of
 * those affected), incidents reported, and the managers' updates. No personal data. Counted at
 * most once a minute per process; the route also lets browsers and CDNs keep it for a minute.
 */
export class ProgressBoard {
  private readonly cache = new Map<string, Counted>();
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async progress(campaign: CatalogCampaign, language: Language, now = new Date()): Promise<Progress> {
    let counted = this.cache.get(campaign.id);
    if (!counted || now.getTime() - counted.at.getTime() > PROGRESS_TTL_MS) {
      counted = await this.count(campaign, now);
      this.cache.set(campaign.id, counted);
    }
    return {
      campaign: campaign.slug,
      title: localize(campaign.definition.title, language),
      ...counted.figures,
      asOf: counted.at.toISOString(),
      updates: counted.updates.map((update) => ({
        at: update.at.toISOString(),
        text: localize(update.text, language),
      })),
    };
  }

  /** Drops the cached figures of a campaign (a manager just published an update). */
  forget(campaignId: string): void {
    this.cache.delete(campaignId);
  }

  private async count(campaign: CatalogCampaign, now: Date): Promise<Counted> {
    const [claims, incidents, updates] = await Promise.all([
      this.db
        .selectFrom('claim')
        .select([
          sql<string>`count(*) filter (where submitted_at is not null)`.as('received'),
          sql<string>`count(*) filter (where status in (${sql.join([...CORRECTED])}))`.as('corrected'),
        ])
        .where('campaign_id', '=', campaign.id)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('incident')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('campaign_id', '=', campaign.id)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('progress_update')
        .select(['published_at', 'text'])
        .where('campaign_id', '=', campaign.id)
        .orderBy('published_at', 'desc')
        .limit(50)
        .execute(),
    ]);
    const unitsAffected = campaign.definition.units;
    const unitsCorrected = Number(claims.corrected);
    return {
      at: now,
      figures: {
        unitsAffected,
        claimsReceived: Number(claims.received),
        unitsCorrected,
        percentCorrected: unitsAffected > 0 ? Math.round((unitsCorrected / unitsAffected) * 1000) / 10 : 0,
        incidentsReported: Number(incidents.n),
      },
      updates: updates.map((update) => ({ at: update.published_at, text: update.text as LocalizedText })),
    };
  }
}

/** A manager's update on the public progress page. */
export async function publishProgressUpdate(
  db: Kysely<Database>,
  campaignId: string,
  text: Record<string, string | undefined>,
  author: string,
): Promise<string> {
  const id = newId('pgu');
  const written = Object.fromEntries(
    Object.entries(text).filter(([, value]) => value && value.trim() !== ''),
  );
  await db
    .insertInto('progress_update')
    .values({ id, campaign_id: campaignId, text: JSON.stringify(written), author })
    .execute();
  return id;
}
