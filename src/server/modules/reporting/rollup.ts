import { type Kysely, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { JobHandlers } from '../../jobs/worker.ts';

/** How often the dashboards' figures are recounted. */
export const ROLLUP_EVERY_MS = 5 * 60_000;
const NAME = 'daily_count';

/** Upper edges (hours) of the buckets durations are counted in; the last bucket is open. */
export const HOUR_BUCKETS = [1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720, 1440] as const;

/**
 * Recounts `daily_count` from the day of the last count on (all of it the first time), in one
 * transaction: the rows of those days are deleted and counted again from the claims' timelines,
 * decisions and remedies. Days before are final (their events do not change), so each run reads
 * a day or two of events. Days are UTC.
 */
export async function rollUp(
  db: Kysely<Database>,
  now = new Date(),
): Promise<{ from: string; rows: number }> {
  const state = await db
    .selectFrom('rollup_state')
    .select('computed_through')
    .where('name', '=', NAME)
    .forUpdate()
    .executeTakeFirst();
  const from = state
    ? new Date(`${state.computed_through.toISOString().slice(0, 10)}T00:00:00Z`)
    : new Date(0);
  const fromDay = from.toISOString().slice(0, 10);
  await db.deleteFrom('daily_count').where(sql<boolean>`day >= ${fromDay}::date`).execute();
  const day = (column: string) => sql.raw(`((${column}) AT TIME ZONE 'UTC')::date`);
  const hoursBucket = (start: string, end: string) =>
    sql.raw(
      `(width_bucket(extract(epoch from (${end}) - (${start})) / 3600.0, ARRAY[${HOUR_BUCKETS.join(',')}]::float8[]))::text`,
    );

  const inserted = await db
    .insertInto('daily_count')
    .columns([
      'campaign_id',
      'day',
      'metric',
      'key',
      'model_code',
      'country',
      'currency',
      'n',
      'amount_minor',
    ])
    .expression(
      sql`
      -- Claims entering each status, per day, model and country.
      SELECT c.campaign_id, ${day('e.at')}, 'status', e.to_status, c.model_code, coalesce(c.claimant->>'country', ''), '', count(*), 0
        FROM claim_event e JOIN claim c ON c.id = e.claim_id
       WHERE e.to_status IS NOT NULL AND e.at >= ${from}
       GROUP BY 1, 2, 4, 5, 6
      UNION ALL
      -- Remedies delivered: their kind and cost, on the day the claim was fulfilled.
      SELECT c.campaign_id, ${day('e.at')}, 'remedy', r.kind, c.model_code, coalesce(c.claimant->>'country', ''),
             coalesce(r.currency, ''), count(*), coalesce(sum(r.amount_minor), 0)
        FROM claim_event e JOIN claim c ON c.id = e.claim_id JOIN remedy r ON r.claim_id = c.id
       WHERE e.to_status = 'fulfilled' AND e.at >= ${from}
       GROUP BY 1, 2, 4, 5, 6, 7
      UNION ALL
      -- Who decided: the automatic checks or a person (final decisions only).
      SELECT c.campaign_id, ${day('d.at')}, 'decided', CASE WHEN d.actor = 'system' THEN 'machine' ELSE 'person' END,
             c.model_code, coalesce(c.claimant->>'country', ''), '', count(*), 0
        FROM decision d JOIN claim c ON c.id = d.claim_id
       WHERE d.state = 'final' AND d.action <> 'review' AND d.at >= ${from}
       GROUP BY 1, 2, 4, 5, 6
      UNION ALL
      -- Requests for information, by what was asked for.
      SELECT c.campaign_id, ${day('d.at')}, 'info_reason', r.reason, c.model_code, coalesce(c.claimant->>'country', ''), '', count(*), 0
        FROM decision d JOIN claim c ON c.id = d.claim_id
             CROSS JOIN LATERAL jsonb_array_elements_text(d.reasons) AS r(reason)
       WHERE d.action = 'request_info' AND d.state = 'final' AND d.at >= ${from}
       GROUP BY 1, 2, 4, 5, 6
      UNION ALL
      -- Fraud signals the checks saw when verifying a claim (same e-mail, address, phone, …).
      SELECT c.campaign_id, ${day('e.at')}, 'signal', sig.signal->>'kind', c.model_code, coalesce(c.claimant->>'country', ''), '', count(*), 0
        FROM claim_event e JOIN claim c ON c.id = e.claim_id
             CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(e.detail->'signals') = 'array' THEN e.detail->'signals' ELSE '[]'::jsonb END) AS sig(signal)
       WHERE e.from_status = 'verifying' AND e.at >= ${from}
       GROUP BY 1, 2, 4, 5, 6      UNION ALL
      -- Hours from submission to the first decision leaving review, and to the remedy delivered.
      SELECT c.campaign_id, ${day('e.at')}, 'decision_hours', ${hoursBucket('c.submitted_at', 'e.at')}, c.model_code,
             coalesce(c.claimant->>'country', ''), '', count(*), 0
        FROM claim_event e JOIN claim c ON c.id = e.claim_id
       WHERE e.to_status IN ('approved', 'rejected', 'needs_info') AND e.from_status <> 'approved'
         AND c.submitted_at IS NOT NULL AND e.at >= ${from}
       GROUP BY 1, 2, 4, 5, 6
      UNION ALL
      SELECT c.campaign_id, ${day('e.at')}, 'remedy_hours', ${hoursBucket('c.submitted_at', 'e.at')}, c.model_code,
             coalesce(c.claimant->>'country', ''), '', count(*), 0
        FROM claim_event e JOIN claim c ON c.id = e.claim_id
       WHERE e.to_status = 'fulfilled' AND c.submitted_at IS NOT NULL AND e.at >= ${from}
       GROUP BY 1, 2, 4, 5, 6`,
    )
    .executeTakeFirst();
  await db
    .insertInto('rollup_state')
    .values({ name: NAME, computed_through: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ computed_through: now }))
    .execute();
  return { from: fromDay, rows: Number(inserted.numInsertedOrUpdatedRows ?? 0) };
}

const slot = (at: Date) => `rollup:${Math.floor(at.getTime() / ROLLUP_EVERY_MS)}`;

/** Queues the next rollup unless one is queued (every process does at start). */
export async function scheduleRollup(db: Db, at = new Date()): Promise<void> {
  await enqueue(db.kysely, 'reporting.rollup', {}, { runAt: at, singletonKey: slot(at) });
}

export function rollupJobHandlers(): JobHandlers {
  return {
    'reporting.rollup': async (_job, { db, logger }) => {
      const started = performance.now();
      const counted = await db.transaction((tx) => rollUp(tx.kysely));
      logger.info({ ...counted, ms: Math.round(performance.now() - started) }, 'dashboard figures recounted');
      await scheduleRollup(db, new Date(Date.now() + ROLLUP_EVERY_MS));
    },
  };
}
