// npm run bench:lookup — the lookup endpoint under load, against bare node:http in the same run.
//
// Loads 1.1 million serials into a fresh database (PGlite under .bench/, or PostgreSQL when
// DATABASE_URL is set), starts the real server (`node src/server/main.ts`, LOOKUP_RATE_LIMIT=0)
// and a bare node:http server as child processes, drives each for BENCH_SECONDS (default 10)
// with 50 connections (90% unaffected, 10% affected serials) and prints requests/s, p99 and
// the ratio. Targets: ratio >= 0.5, p99 < 25 ms.
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../src/server/db/database.ts';
import { createLogger } from '../src/server/logger.ts';
import { CatalogSnapshot } from '../src/server/modules/catalog/catalog-snapshot.ts';
import { importSerials } from '../src/server/modules/catalog/import-serials.ts';
import { seedExampleCampaigns } from '../src/server/seed-examples.ts';
import { benchDir, drive, fmt, freePort, makeSerials, repoRoot, startChild, stopChild } from './support.ts';

const SERIALS = Number(process.env.BENCH_SERIALS ?? 1_100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const databaseUrl = process.env.DATABASE_URL;

const dataDir = path.join(benchDir, 'lookup-data');
fs.rmSync(dataDir, { recursive: true, force: true });
const affected = makeSerials(SERIALS, 'AH', 7);
const csvFile = path.join(benchDir, 'lookup-serials.csv');
fs.writeFileSync(csvFile, `serial,model,market\n${affected.map((s) => `${s},A1263,US`).join('\n')}\n`);

console.log(`Loading ${fmt(SERIALS)} serials into ${databaseUrl ? 'PostgreSQL' : 'PGlite'}…`);
const db = await openDatabase({ databaseUrl, dataDir });
if (databaseUrl) await db.kysely.deleteFrom('campaign').execute();
await seedExampleCampaigns(db, path.join(repoRoot, 'campaigns'), createLogger('warn'));
const imported = await importSerials(db, {
  campaignSlug: 'anker-2025-us-a1263',
  file: csvFile,
  actor: 'bench',
});
// Retained memory, not garbage: collect before both readings (the script runs with --expose-gc).
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
gc();
const before = process.memoryUsage();
const snapshot = await CatalogSnapshot.load(db);
gc();
const after = process.memoryUsage();
const retainedMb = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 1e6;
await db.close();
console.log(
  `Index: ${fmt(snapshot.serialCount)} serials in ${fmt(snapshot.serialBytes / 1e6, 1)} MB of typed arrays = ` +
    `${fmt(snapshot.serialBytes / snapshot.serialCount, 2)} bytes/serial (the whole snapshot retains ${fmt(retainedMb, 1)} MB); ` +
    `${fmt(imported.rowsAdded)} rows added.`,
);

const unaffected = makeSerials(100_000, 'ZZ', 11);
const sample = affected.filter((_, i) => i % 11 === 0).slice(0, 100_000);
let n = 0;
const nextPath = () => {
  n++;
  const serial = n % 10 === 0 ? sample[n % sample.length] : unaffected[n % unaffected.length];
  return `/api/v1/lookup?serial=${serial}`;
};

async function measure(name: string, args: string[], env: Record<string, string>) {
  const port = await freePort();
  const child = await startChild(args, { ...env, PORT: String(port) }, `http://127.0.0.1:${port}/healthz`);
  try {
    const url = `http://127.0.0.1:${port}`;
    await drive(url, { seconds: 2, connections: CONNECTIONS, nextPath }); // warm-up: JIT, connections
    const result = await drive(url, { seconds: SECONDS, connections: CONNECTIONS, nextPath });
    console.log(
      `${name.padEnd(22)} ${fmt(result.requestsPerSecond).padStart(8)} req/s   p50 ${fmt(result.p50Ms, 1)} ms   p99 ${fmt(result.p99Ms, 1)} ms   ` +
        `(${fmt(result.total)} requests, ${result.non2xx} non-2xx, ${result.errors} errors)`,
    );
    return result;
  } finally {
    await stopChild(child);
  }
}

const recallkit = await measure('recallkit /lookup', [path.join(repoRoot, 'src/server/main.ts')], {
  DATA_DIR: dataDir,
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  LOOKUP_RATE_LIMIT: '0',
  LOG_LEVEL: 'warn',
  SEED_EXAMPLES: 'false',
  CATALOG_REFRESH_MS: '60000',
});
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
