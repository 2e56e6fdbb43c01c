// npm run bench:dashboard — the managers' dashboard over a million claims (PostgreSQL;
// BENCH_CLAIMS, default 1,000,000): the dashboard read from the daily counts of the
// `reporting.rollup` job, against the same figures aggregated straight from the claims'
// timelines, in the same run; and how long the rollup's first (everything) and next (a day) runs take.
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../src/server/db/database.ts';
import { applyCampaign, readCampaignFile } from '../src/server/modules/catalog/apply-campaign.ts';
import { CatalogSnapshot } from '../src/server/modules/catalog/catalog-snapshot.ts';
import { dashboard } from '../src/server/modules/reporting/dashboard.ts';
import { rollUp } from '../src/server/modules/reporting/rollup.ts';
import { fmt, repoRoot, scratchPostgres } from './support.ts';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 1_000_000);
const RUNS = 20;
const scratch = await scratchPostgres('dashboard');
if (!scratch) {
  console.log('PostgreSQL (DATABASE_URL, or the local server) is not reachable: skipped.');
  process.exit(0);
}
const db = await openDatabase({ databaseUrl: scratch.url, dataDir: '' });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
try {
  await applyCampaign(db, readCampaignFile(path.join(repoRoot, 'campaigns', 'anker-2025-us-a1263.yaml')));
  const campaign = await db.kysely.selectFrom('campaign').select('id').executeTakeFirstOrThrow();
  let started = performance.now();
  // A year of claims: each started, sent, checked, and most approved and delivered (5 events).
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO claim (id, code, campaign_id, model_code, has_unit, remedy, status, claimant, email_key, created_at, submitted_at)
       SELECT 'clm_b' || g, 'RK-B' || g, $1, 'A1263', true, 'gift_card',
              CASE WHEN g % 10 = 0 THEN 'needs_review' ELSE 'fulfilled' END,
              '{"country":"US","name":"x","email":"x@example.com","language":"en"}'::jsonb, 'e' || g,
              timestamptz '2026-01-01' + (g % 365) * interval '1 day' + (g % 1440) * interval '1 minute',
              timestamptz '2026-01-01' + (g % 365) * interval '1 day' + (g % 1440) * interval '1 minute' + interval '5 minutes'
       FROM generate_series(1, $2::int) g`,
      [campaign.id, CLAIMS],
    );
    await tx.query(
      `INSERT INTO claim_event (claim_id, at, actor, type, from_status, to_status)
       SELECT c.id, c.submitted_at + s.after, 'system', 'status_changed', s.from_status, s.to_status
         FROM claim c CROSS JOIN (VALUES
           (interval '-5 minutes', NULL, 'draft'), (interval '0', 'draft', 'submitted'),
           (interval '1 minute', 'submitted', 'verifying'), (interval '2 minutes', 'verifying', 'approved'),
           (interval '3 hours', 'approved', 'fulfilled')) AS s(after, from_status, to_status)
        WHERE c.status = 'fulfilled' OR s.to_status IN ('draft', 'submitted', 'verifying')`,
    );
    await tx.query(
      `INSERT INTO remedy (id, claim_id, campaign_id, kind, state, idempotency_key, amount_minor, currency)
       SELECT 'rem_' || c.id, c.id, c.campaign_id, 'gift_card', 'issued', 'k_' || c.id, 3000, 'USD'
         FROM claim c WHERE c.status = 'fulfilled'`,
    );
    await tx.query(
      `INSERT INTO decision (claim_id, at, actor, action, state)
       SELECT c.id, c.submitted_at + interval '2 minutes', CASE WHEN substring(c.id from 6)::int % 4 = 0 THEN 'staff:stf_x' ELSE 'system' END,
              'approve', 'final'
         FROM claim c WHERE c.status = 'fulfilled'`,
    );
  });
  await sql`VACUUM ANALYZE`.execute(db.kysely);
  const events = Number(
    (await sql<{ n: string }>`SELECT count(*)::text AS n FROM claim_event`.execute(db.kysely)).rows[0]?.n,
  );
  console.log(
    `${CLAIMS.toLocaleString('en')} claims, ${events.toLocaleString('en')} timeline events in ${fmt((performance.now() - started) / 1000, 0)} s`,
  );

  started = performance.now();
  const first = await db.transaction((tx) => rollUp(tx.kysely, new Date('2027-01-01T00:00:00Z')));
  const firstMs = performance.now() - started;
  started = performance.now();
  await db.transaction((tx) => rollUp(tx.kysely, new Date('2027-01-01T00:05:00Z')));
  const nextMs = performance.now() - started;
  console.log(
    `rollup: first run (everything) ${fmt(firstMs / 1000, 1)} s, ${first.rows.toLocaleString('en')} daily rows; next run (from the last day counted) ${fmt(nextMs, 0)} ms`,
  );

  const snapshot = await CatalogSnapshot.load(db);
  const range = { campaigns: snapshot.campaigns, from: '2026-01-01', to: '2026-12-31' };
  const fromRollup: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await dashboard(db.kysely, range);
    fromRollup.push(performance.now() - t);
  }
  // The same claims-per-day and remedy figures aggregated from the timelines themselves.
  const direct: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await sql`SELECT (e.at AT TIME ZONE 'UTC')::date AS day, e.to_status, count(*)
                FROM claim_event e JOIN claim c ON c.id = e.claim_id
               WHERE c.campaign_id = ${campaign.id} AND e.to_status IS NOT NULL
                 AND e.at >= '2026-01-01' AND e.at < '2027-01-01'
               GROUP BY 1, 2`.execute(db.kysely);
    await sql`SELECT r.kind, r.currency, count(*), sum(r.amount_minor)
                FROM claim_event e JOIN remedy r ON r.claim_id = e.claim_id
               WHERE e.to_status = 'fulfilled' AND e.at >= '2026-01-01' AND e.at < '2027-01-01'
               GROUP BY 1, 2`.execute(db.kysely);
    direct.push(performance.now() - t);
  }
  console.log(
    `dashboard from the daily counts, a year: median ${fmt(median(fromRollup), 1)} ms (${RUNS} runs)`,
  );
  console.log(
    `two of its charts aggregated from the timelines: median ${fmt(median(direct), 0)} ms (3 runs)`,
  );
  console.log(`\nratio timelines/daily counts: ${fmt(median(direct) / median(fromRollup), 0)}x`);
} finally {
  await db.close();
  await scratch.drop();
}
