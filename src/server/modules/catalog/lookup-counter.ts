import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { LookupResult } from '../../../shared/contracts/catalog.ts';
import type { Db } from '../../db/database.ts';
import type { CatalogService } from './catalog-service.ts';

interface Tally {
  campaignId: string;
  day: string;
  country: string;
  lookups: number;
  affected: number;
  pageViews: number;
}

/**
 * Lookups (and recall page visits) counted in aggregate, per campaign (or none), day and country, never who looked: added
 * up in memory and written every `flushMs` (and at close) as one upsert, so the lookup itself
 * never waits for the database. A failed write keeps the tallies for the next one.
 */
export class LookupCounter {
  private tallies = new Map<string, Tally>();
  private readonly timer: NodeJS.Timeout;
  private readonly db: Db;
  private readonly catalog: CatalogService;
  private readonly logger: Logger;

  constructor(db: Db, catalog: CatalogService, logger: Logger, flushMs = 30_000) {
    this.db = db;
    this.catalog = catalog;
    this.logger = logger;
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  count(result: LookupResult, country: string | undefined, at = new Date()): void {
    const snapshot = this.catalog.current();
    const campaigns = [...new Set(result.matches.map((match) => match.campaign.slug))];
    const ids = campaigns.map((slug) => snapshot.campaign(slug)?.id ?? '').filter(Boolean);
    for (const campaignId of ids.length > 0 ? ids : ['']) {
      const tally = this.tally(campaignId, country, at);
      tally.lookups++;
      if (result.affected) tally.affected++;
    }
  }

  /** A visit to a recall's public page. */
  view(campaignId: string, at = new Date()): void {
    this.tally(campaignId, undefined, at).pageViews++;
  }

  private tally(campaignId: string, country: string | undefined, at: Date): Tally {
    const day = at.toISOString().slice(0, 10);
    const where = (country ?? '').trim().toUpperCase().slice(0, 2);
    const key = `${campaignId}|${day}|${where}`;
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { campaignId, day, country: where, lookups: 0, affected: 0, pageViews: 0 };
      this.tallies.set(key, tally);
    }
    return tally;
  }

  async flush(): Promise<void> {
    if (this.tallies.size === 0) return;
    const batch = [...this.tallies.values()];
    this.tallies = new Map();
    try {
      await this.db.kysely
        .insertInto('lookup_count')
        .values(
          batch.map((t) => ({
            campaign_id: t.campaignId,
            day: t.day,
            country: t.country,
            lookups: t.lookups,
            affected: t.affected,
            page_views: t.pageViews,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['campaign_id', 'day', 'country']).doUpdateSet({
            lookups: sql`lookup_count.lookups + excluded.lookups`,
            affected: sql`lookup_count.affected + excluded.affected`,
            page_views: sql`lookup_count.page_views + excluded.page_views`,
          }),
        )
        .execute();
    } catch (error) {
      for (const t of batch) {
        const key = `${t.campaignId}|${t.day}|${t.country}`;
        const kept = this.tallies.get(key);
        if (kept) {
          kept.lookups += t.lookups;
          kept.affected += t.affected;
          kept.pageViews += t.pageViews;
        } else this.tallies.set(key, t);
      }
      this.logger.warn({ err: error }, 'lookup counts not written; kept for the next try');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
