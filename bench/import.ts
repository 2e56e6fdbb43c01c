// npm run bench:import — importing 1.1 million serials, against a raw COPY of the same rows.
//
// On PGlite (under .bench/) and, when reachable, PostgreSQL (DATABASE_URL, or the local server),
// times `importSerials` on a CSV of BENCH_SERIALS rows (parse, normalise, validate, COPY into a
// staging table, merge, record) and, in the same run, a raw COPY of the already-normalised rows
// into a plain table without indexes. Each is run BENCH_RUNS times (default 2), best time kept.
// Target: ratio <= 2. BENCH_DATABASES=postgres skips PGlite (a 20-million-serial recall runs on
// PostgreSQL).
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../src/server/db/database.ts';
import { applyCampaign, readCampaignFile } from '../src/server/modules/catalog/apply-campaign.ts';
import { importSerials } from '../src/server/modules/catalog/import-serials.ts';
import {
  benchDir,
  fmt,
  linesInChunks,
  onBothDatabases,
  repoRoot,
  serialStream,
  writeChunks,
} from './support.ts';

const SERIALS = Number(process.env.BENCH_SERIALS ?? 1_100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const csvFile = path.join(benchDir, 'import-serials.csv');
// Written as owners' lists come: mixed case, dashes, lots. In chunks: 20 million lines are more
// than one string can hold.
writeChunks(
  csvFile,
  'serial,model,market,lot\n',
  linesInChunks(
    serialStream(SERIALS, 'AH', 3),
    (s, i) => `${s.slice(0, 8).toLowerCase()}-${s.slice(8)},A1263,US,L${i % 500}\n`,
  ),
);
/** The same rows as the import stores them, a million at a time (one COPY each). */
const normalisedBatches = () =>
  linesInChunks(
    serialStream(SERIALS, 'AH', 3),
    (s, i) => `cmp_bench,${s},A1263,US,L${i % 500},imp_bench\n`,
    1_000_000,
  );
const campaign = readCampaignFile(path.join(repoRoot, 'campaigns', 'anker-2025-us-a1263.yaml'));

async function timeIt(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function measure(name: string, db: Db) {
  await applyCampaign(db, campaign);
  await db.transaction((tx) =>
    tx.query(
      'CREATE TABLE IF NOT EXISTS raw_copy (campaign_id text, serial text, model_code text, market text, lot text, import_id text)',
    ),
  );
  let importSeconds = Number.POSITIVE_INFINITY;
  let copySeconds = Number.POSITIVE_INFINITY;
  for (let run = 0; run < RUNS; run++) {
    await db.transaction((tx) => tx.query('TRUNCATE raw_copy'));
    copySeconds = Math.min(
      copySeconds,
      await timeIt(() =>
        db.transaction(async (tx) => {
          for (const batch of normalisedBatches())
            await tx.copyCsv(
              'raw_copy',
              ['campaign_id', 'serial', 'model_code', 'market', 'lot', 'import_id'],
              [batch],
            );
        }),
      ),
    );
    await db.transaction((tx) => tx.query('TRUNCATE affected_unit'));
    let added = 0;
    importSeconds = Math.min(
      importSeconds,
      await timeIt(async () => {
        added = (await importSerials(db, { campaignSlug: campaign.slug, file: csvFile, actor: 'bench' }))
          .rowsAdded;
      }),
    );
    if (added !== SERIALS) throw new Error(`imported ${added} of ${SERIALS} rows`);
  }
  const ratio = importSeconds / copySeconds;
  console.log(
    `${name.padEnd(11)} import ${fmt(importSeconds, 2)} s (${fmt(SERIALS / importSeconds)} rows/s)   raw COPY ${fmt(copySeconds, 2)} s   ` +
      `ratio ${fmt(ratio, 2)} (target <= 2: ${ratio <= 2 ? 'met' : 'NOT met'})`,
  );
}

console.log(
  `Importing ${fmt(SERIALS)} rows (${fmt(fs.statSync(csvFile).size / 1e6, 1)} MB CSV), best of ${RUNS}:`,
);
await onBothDatabases('import', measure);
