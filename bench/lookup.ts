// npm run bench:lookup — the lookup endpoint under load, against bare node:http in the same run.
//
// Loads BENCH_SERIALS (default 1.1 million; 20 million for a recall the size of the largest
// vehicle recalls) into a fresh database (PGlite under .bench/, or PostgreSQL when DATABASE_URL
// is set), prints the import time and the index's bytes per serial (target <= 16), starts the
// real server (`node src/server/main.ts`, LOOKUP_RATE_LIMIT=0) and a bare node:http server as
// child processes, drives each for BENCH_SECONDS (default 10) with 50 connections (90%
// unaffected, 10% affected serials) and prints requests/s, p99, peak RSS and the ratio. Targets:
// ratio >= 0.5, p99 < 25 ms. On PostgreSQL it then imports a new list of 100,000 serials while
// two server processes run and times until both answer it (merged, not rebuilt).
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../src/server/db/database.ts';
import { createLogger } from '../src/server/logger.ts';
import { CatalogSnapshot } from '../src/server/modules/catalog/catalog-snapshot.ts';
import { importSerials } from '../src/server/modules/catalog/import-serials.ts';
import { seedExampleCampaigns } from '../src/server/seed-examples.ts';
import {
  benchDir,
  drive,
  fmt,
  freePort,
  makeSerials,
  peakRssMb,
  repoRoot,
  serialStream,
  startChild,
  stopChild,
  writeSerialList,
} from './support.ts';

const SERIALS = Number(process.env.BENCH_SERIALS ?? 1_100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const NEW_LIST = 100_000;
const databaseUrl = process.env.DATABASE_URL;

const dataDir = path.join(benchDir, 'lookup-data');
fs.rmSync(dataDir, { recursive: true, force: true });
const csvFile = path.join(benchDir, 'lookup-serials.csv');
// Written in chunks: 20 million lines are more than one string can hold.
writeSerialList(csvFile, SERIALS, 'AH', 7);

console.log(`Loading ${fmt(SERIALS)} serials into ${databaseUrl ? 'PostgreSQL' : 'PGlite'}…`);
const db = await openDatabase({ databaseUrl, dataDir });
if (databaseUrl) await db.kysely.deleteFrom('campaign').execute();
await seedExampleCampaigns(db, path.join(repoRoot, 'campaigns'), createLogger('warn'));
let started = performance.now();
const imported = await importSerials(db, {
  campaignSlug: 'anker-2025-us-a1263',
  file: csvFile,
  actor: 'bench',
});
const importSeconds = (performance.now() - started) / 1000;
// Retained memory, not garbage: collect before both readings (the script runs with --expose-gc).
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
gc();
const before = process.memoryUsage();
started = performance.now();
const snapshot = await CatalogSnapshot.load(db);
const buildSeconds = (performance.now() - started) / 1000;
gc();
const after = process.memoryUsage();
const retainedMb = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 1e6;
const bytesPerSerial = snapshot.serialBytes / snapshot.serialCount;
console.log(
  `Import: ${fmt(imported.rowsAdded)} rows added in ${fmt(importSeconds, 1)} s (${fmt(imported.rowsAdded / importSeconds)} rows/s).\n` +
    `Index: ${fmt(snapshot.serialCount)} serials in ${fmt(snapshot.serialBytes / 1e6, 1)} MB of typed arrays = ` +
    `${fmt(bytesPerSerial, 2)} bytes/serial (target <= 16: ${bytesPerSerial <= 16 ? 'met' : 'NOT met'}; ` +
    `the whole snapshot retains ${fmt(retainedMb, 1)} MB), built from the database in ${fmt(buildSeconds, 1)} s.`,
);
await db.close();

const unaffected = makeSerials(100_000, 'ZZ', 11);
const sample = makeSerials(Math.min(SERIALS, 1_100_000), 'AH', 7)
  .filter((_, i) => i % 11 === 0)
  .slice(0, 100_000);
let n = 0;
const nextPath = () => {
  n++;
  const serial = n % 10 === 0 ? sample[n % sample.length] : unaffected[n % unaffected.length];
  return `/api/v1/lookup?serial=${serial}`;
};

async function measure(name: string, args: string[], env: Record<string, string>, readyPath = '/healthz') {
  const port = await freePort();
  const child = await startChild(
    args,
    { ...env, PORT: String(port) },
    `http://127.0.0.1:${port}${readyPath}`,
    900_000,
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    await drive(url, { seconds: 2, connections: CONNECTIONS, nextPath }); // warm-up: JIT, connections
    const result = await drive(url, { seconds: SECONDS, connections: CONNECTIONS, nextPath });
    const rss = peakRssMb(child.pid as number);
    console.log(
      `${name.padEnd(22)} ${fmt(result.requestsPerSecond).padStart(8)} req/s   p50 ${fmt(result.p50Ms, 1)} ms   p99 ${fmt(result.p99Ms, 1)} ms   ` +
        `(${fmt(result.total)} requests, ${result.non2xx} non-2xx, ${result.errors} errors; peak RSS ${rss === undefined ? '?' : fmt(rss)} MB)`,
    );
    return result;
  } finally {
    await stopChild(child);
  }
}

const serverEnv = {
  DATA_DIR: dataDir,
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  LOOKUP_RATE_LIMIT: '0',
  LOG_LEVEL: 'warn',
  SEED_EXAMPLES: 'false',
};
const recallkit = await measure(
  'recallkit /lookup',
  [path.join(repoRoot, 'src/server/main.ts')],
  { ...serverEnv, CATALOG_REFRESH_MS: '60000' },
  '/readyz',
);
const bare = await measure('bare node:http', [path.join(repoRoot, 'bench/bare-server.ts')], {});

const ratio = recallkit.requestsPerSecond / bare.requestsPerSecond;
console.log(`\nratio recallkit/bare: ${fmt(ratio, 2)} (target >= 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
console.log(
  `recallkit p99: ${fmt(recallkit.p99Ms, 1)} ms (target < 25 ms: ${recallkit.p99Ms < 25 ? 'met' : 'NOT met'})`,
);
if (recallkit.non2xx > 0 || recallkit.errors > 0) {
  console.log('WARNING: the lookup answered errors under load');
  process.exitCode = 1;
}

// A new list while two processes serve: each merges it into the index it holds, without
// re-reading the others (PostgreSQL only: PGlite is one process's).
if (databaseUrl) {
  const servers = await Promise.all(
    [0, 1].map(async () => {
      const port = await freePort();
      const child = await startChild(
        [path.join(repoRoot, 'src/server/main.ts')],
        { ...serverEnv, PORT: String(port), CATALOG_REFRESH_MS: '1000' },
        `http://127.0.0.1:${port}/readyz`,
        900_000,
      );
      return { child, url: `http://127.0.0.1:${port}` };
    }),
  );
  try {
    const newFile = path.join(benchDir, 'lookup-new-list.csv');
    writeSerialList(newFile, NEW_LIST, 'AN', 13);
    const probe = serialStream(1, 'AN', 13).next().value as string;
    const again = await openDatabase({ databaseUrl, dataDir: '' });
    started = performance.now();
    await importSerials(again, { campaignSlug: 'anker-2025-us-a1263', file: newFile, actor: 'bench' });
    const importedAt = performance.now();
    const pickedUp = await Promise.all(
      servers.map(async (server) => {
        for (;;) {
          const answer = await fetch(`${server.url}/api/v1/lookup?serial=${probe}`);
          if (((await answer.json()) as { affected?: boolean }).affected)
            return performance.now() - importedAt;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    const mergeStarted = performance.now();
    const merged = await CatalogSnapshot.load(again, snapshot);
    const mergeSeconds = (performance.now() - mergeStarted) / 1000;
    await again.close();
    console.log(
      `\nA new list of ${fmt(NEW_LIST)} serials: imported in ${fmt((importedAt - started) / 1000, 1)} s; ` +
        `both processes answered it ${pickedUp.map((ms) => fmt(ms / 1000, 2)).join(' s and ')} s later (refresh every 1 s). ` +
        `Merged into a held index (${fmt(merged.serialCount)} serials) in ${fmt(mergeSeconds, 2)} s against ${fmt(buildSeconds, 1)} s for a full build: ` +
        `${fmt(buildSeconds / mergeSeconds, 0)} times quicker.`,
    );
    for (const server of servers) {
      const rss = peakRssMb(server.child.pid as number);
      if (rss !== undefined) console.log(`peak RSS of a serving process: ${fmt(rss)} MB`);
    }
  } finally {
    await Promise.all(servers.map((server) => stopChild(server.child)));
  }
}
