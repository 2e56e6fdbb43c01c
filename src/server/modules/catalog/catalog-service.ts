import type { Logger } from 'pino';
import { type Db, readerOf } from '../../db/database.ts';
import { catalogRevision } from './catalog.queries.ts';
import { CatalogSnapshot } from './catalog-snapshot.ts';

/**
 * Keeps the current CatalogSnapshot. Every `refreshMs` it reads the catalog revision (one
 * tiny query) and, when another process or this one changed campaigns or lists, builds a new
 * snapshot in the background and swaps it in; lookups keep using the old one meanwhile.
 */
export class CatalogService {
  private snapshot: CatalogSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private rebuilding: Promise<void> | undefined;
  private readonly db: Db;
  private readonly logger: Logger;
  private readonly refreshMs: number;

  constructor(db: Db, logger: Logger, refreshMs: number) {
    this.db = db;
    this.logger = logger;
    this.refreshMs = refreshMs;
  }

  async start(): Promise<void> {
    await this.rebuild();
    this.timer = setInterval(() => {
      this.refresh().catch((error) => this.logger.error({ err: error }, 'catalog refresh failed'));
    }, this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get ready(): boolean {
    return this.snapshot !== undefined;
  }

  current(): CatalogSnapshot {
    if (!this.snapshot) throw new Error('The catalog is not loaded yet');
    return this.snapshot;
  }

  /** Rebuilds if the revision moved; resolves once the current snapshot is at least that new. */
  async refresh(): Promise<void> {
    const revision = BigInt(await catalogRevision(readerOf(this.db).kysely));
    // A rebuild already under way may have read an older revision: go round until caught up.
    while (this.snapshot === undefined || BigInt(this.snapshot.revision) < revision) await this.rebuild();
  }

  private rebuild(): Promise<void> {
    this.rebuilding ??= (async () => {
      try {
        const started = performance.now();
        const next = await CatalogSnapshot.load(readerOf(this.db), this.snapshot);
        this.snapshot = next;
        const serials = next.serialCount;
        this.logger.info(
          {
            revision: next.revision,
            campaigns: next.campaigns.length,
            serials,
            indexBytes: next.serialBytes,
            bytesPerSerial: serials ? +(next.serialBytes / serials).toFixed(2) : 0,
            ms: Math.round(performance.now() - started),
          },
          'lookup index built',
        );
      } finally {
        this.rebuilding = undefined;
      }
    })();
    return this.rebuilding;
  }
}
