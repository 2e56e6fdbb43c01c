import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** How often (one increment in so many) expired counters are swept. */
const SWEEP_ONE_IN = 500;

/**
 * A store for @fastify/rate-limit that counts in the database (table `rate_limit`), one row per
 * route and client: every process sees the same counts, and a restart forgets none. If the
 * database cannot be reached the request is let through (the lookup serves from memory during
 * an outage; a limit missed for a few seconds is the smaller harm).
 */
export function databaseRateLimitStore(db: Db, logger: Logger) {
  let lastWarning = 0;
  return class DatabaseRateLimitStore {
    private readonly route: string;

    // Each route's store is a child made with the route's merged options (`routeInfo`, at run
    // time; the package's types name them differently).
    constructor(options?: unknown) {
      const route = (options as { routeInfo?: { method?: unknown; url?: unknown } } | undefined)?.routeInfo;
      this.route = `${String(route?.method ?? '*')} ${String(route?.url ?? '*')}`;
    }

    incr(client: string, callback: Callback, timeWindow: number): void {
      const key = `${this.route}|${client}`;
      sql<{ count: number; ttl: number }>`
        INSERT INTO rate_limit (key, count, window_ends)
        VALUES (${key}, 1, now() + ${timeWindow} * interval '1 millisecond')
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN rate_limit.window_ends <= now() THEN 1 ELSE rate_limit.count + 1 END,
          window_ends = CASE WHEN rate_limit.window_ends <= now()
            THEN now() + ${timeWindow} * interval '1 millisecond' ELSE rate_limit.window_ends END
        RETURNING count, ceil(extract(epoch FROM window_ends - now()) * 1000)::float8 AS ttl`
        .execute(db.kysely)
        .then(
          (result) => {
            const row = result.rows[0];
            callback(null, {
              current: Number(row?.count ?? 1),
              ttl: Math.max(0, Number(row?.ttl ?? timeWindow)),
            });
            if (Math.random() * SWEEP_ONE_IN < 1) void this.sweep();
          },
          (error: Error) => {
            if (Date.now() - lastWarning > 60_000) {
              lastWarning = Date.now();
              logger.warn({ err: error }, 'rate limits could not be counted; requests are let through');
            }
            callback(null, { current: 0, ttl: timeWindow });
          },
        );
    }

    child(options: unknown) {
      return new DatabaseRateLimitStore(options);
    }

    private async sweep() {
      await db.kysely
        .deleteFrom('rate_limit')
        .where('window_ends', '<', sql<Date>`now() - interval '1 minute'`)
        .execute()
        .catch(() => {});
    }
  };
}
