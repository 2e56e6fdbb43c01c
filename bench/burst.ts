// npm run bench:burst — an announcement burst (lookups and new claims) ramped past what one
// process serves, with and without shedding.
//
// Starts the real server (`node src/server/main.ts`, PGlite under .bench/ or PostgreSQL at
// DATABASE_URL, a database it may empty; the example recalls and 300,000 more listed serials, no
// rate limits) twice: with load shedding as configured
// (SHED_EVENT_LOOP_DELAY_MS, its default unless set) and with it off. Each is driven by autocannon
// with 50 lookup connections (its sustainable rate) and then BENCH_STEPS more (default 250, 500,
// 1000: up to 20 times as many requests in flight), BENCH_SECONDS (8) each, and 50 again to see
// it recover; beside them, a tenth as many connections create claims (POST /api/v1/claims, each
// for a unit of its own) at one claim a second for every five lookup connections. Per step and kind: answers/s, the share shed (503), p99 of the accepted
// ones, the server's RSS. Target: accepted lookups' p99 under 100 ms at ten times the sustainable
// load (500 connections), memory flat, no shedding once the burst is over.
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '../src/server/db/database.ts';
import { createLogger } from '../src/server/logger.ts';
import { importSerials } from '../src/server/modules/catalog/import-serials.ts';
import { seedExampleCampaigns } from '../src/server/seed-examples.ts';
import {
  benchDir,
  fmt,
  freePort,
  makeSerials,
  repoRoot,
  startChild,
  stopChild,
  writeSerialList,
} from './support.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const STEPS = (process.env.BENCH_STEPS ?? '250,500,1000').split(',').map(Number);
const LISTED = 300_000;
const US = 'anker-2025-us-a1263';
const listed = makeSerials(LISTED, 'AB', 5);
const unlisted = makeSerials(1000, 'ZZ', 9);
const databaseUrl = process.env.DATABASE_URL;

interface Kind {
  perSecond: number;
  shedShare: number;
  acceptedP99: number;
}
interface Step {
  connections: number;
  lookups: Kind;
  claims: Kind;
  rssMb: number;
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
};

function rssMb(pid: number | undefined): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * autocannon on `connections` (at most `rate` requests a second when given), each request from
 * `next`; answers counted as accepted when `accepted`.
 */
async function load(
  url: string,
  connections: number,
  next: (request: { method: string; path: string; body?: string; headers?: Record<string, string> }) => void,
  accepted: number,
  rate?: number,
): Promise<Kind> {
  const times: number[] = [];
  let shed = 0;
  let total = 0;
  const instance = autocannon({
    url,
    connections,
    duration: SECONDS,
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        setupRequest: (request: { method: string; path: string }) => {
          next(request);
          return request;
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    total++;
    if (status === 503) shed++;
    else if (status === accepted) times.push(ms);
  });
  await instance;
  return {
    perSecond: total / SECONDS,
    shedShare: total ? shed / total : 0,
    acceptedP99: percentile(times, 0.99),
  };
}

let looked = 0;
let claimed = 0;
const lookup = (request: { path: string }) => {
  looked++;
  // Nine in ten unaffected, as after an announcement.
  const serial = looked % 10 === 0 ? listed[looked % LISTED] : unlisted[looked % unlisted.length];
  request.path = `/api/v1/lookup?serial=${serial}`;
};
const newClaim = (request: {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}) => {
  const serial = listed[claimed++ % LISTED];
  request.method = 'POST';
  request.path = '/api/v1/claims';
  request.headers = { 'content-type': 'application/json' };
  request.body = JSON.stringify({
    campaign: US,
    serial,
    model: 'A1263',
    remedy: 'gift_card',
    hasUnit: true,
    claimant: { name: 'Burst Owner', email: `owner${claimed}@example.com`, country: 'US', language: 'en' },
  });
};

async function step(url: string, connections: number, pid: number | undefined): Promise<Step> {
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(pid));
  }, 250);
  const [lookups, claims] = await Promise.all([
    load(url, connections, lookup, 200),
    // Owners starting claims: one for every 100 lookups the process sustains, rising with the burst.
    load(url, Math.max(1, Math.round(connections / 10)), newClaim, 201, connections / 5),
  ]);
  clearInterval(sampler);
  return { connections, lookups, claims, rssMb: peakRss };
}

/** The example recalls and 300,000 more listed units of the US recall, in a fresh database. */
async function prepare(dataDir: string) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const db = await openDatabase({ databaseUrl, dataDir });
  try {
    // The last run's claims and jobs go with its campaigns.
    if (databaseUrl) await db.transaction((tx) => tx.query('TRUNCATE campaign, job CASCADE'));
    await seedExampleCampaigns(db, path.join(repoRoot, 'campaigns'), createLogger('warn'));
    const file = path.join(benchDir, 'burst-serials.csv');
    writeSerialList(file, LISTED, 'AB', 5);
    await importSerials(db, { campaignSlug: US, file, actor: 'bench' });
  } finally {
    await db.close();
  }
}

const kind = (k: Kind) =>
  `${fmt(k.perSecond).padStart(7)}/s shed ${fmt(k.shedShare * 100, 1).padStart(5)} % p99 ${fmt(k.acceptedP99).padStart(5)} ms`;

async function run(label: string, shedMs: string | undefined): Promise<Step[]> {
  const dataDir = path.join(benchDir, 'burst-data');
  await prepare(dataDir);
  const port = await freePort();
  const child = await startChild(
    [path.join(repoRoot, 'src/server/main.ts')],
    {
      PORT: String(port),
      DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      CAMPAIGNS_DIR: path.join(repoRoot, 'campaigns'),
      SEED_EXAMPLES: 'false',
      LOOKUP_RATE_LIMIT: '0',
      CLAIM_LIMIT_PER_CLIENT: '0',
      CLAIM_LIMIT_PER_EMAIL: '0',
      LOG_LEVEL: 'warn',
      ...(shedMs !== undefined ? { SHED_EVENT_LOOP_DELAY_MS: shedMs } : {}),
    },
    `http://127.0.0.1:${port}/readyz`,
  );
  const url = `http://127.0.0.1:${port}`;
  const steps: Step[] = [];
  try {
    await step(url, 50, child.pid); // warm-up
    for (const connections of [50, ...STEPS, 50]) {
      const result = await step(url, connections, child.pid);
      steps.push(result);
      console.log(
        `${label.padEnd(20)} ${String(connections).padStart(5)} conn.  lookups ${kind(result.lookups)}   ` +
          `claims ${kind(result.claims)}   RSS ${fmt(result.rssMb)} MB`,
      );
    }
  } finally {
    await stopChild(child);
  }
  return steps;
}

console.log(
  `Lookups and, beside them, a tenth as many connections creating claims; ${SECONDS} s a step (50 lookup connections is about the sustainable rate):`,
);
const shedding = await run(
  `shedding (${process.env.SHED_EVENT_LOOP_DELAY_MS ?? 'default'} ms)`,
  process.env.SHED_EVENT_LOOP_DELAY_MS,
);
const unprotected = await run('no shedding', '0');
const tenfold = shedding.find((s) => s.connections === 500) ?? (shedding[1] as Step);
const tenfoldUnprotected = unprotected.find((s) => s.connections === tenfold.connections) as Step;
const top = shedding[shedding.length - 2] as Step;
const recovered = shedding[shedding.length - 1] as Step;
const rss = shedding.map((s) => s.rssMb);
console.log(
  `At ${tenfold.connections} lookup connections: accepted lookups' p99 ${fmt(tenfold.lookups.acceptedP99)} ms with shedding, ` +
    `${fmt(tenfoldUnprotected.lookups.acceptedP99)} ms without (target < 100 ms: ${tenfold.lookups.acceptedP99 < 100 ? 'met' : 'NOT met'}); ` +
    `at ${top.connections}: ${fmt(top.lookups.acceptedP99)} ms. RSS ${fmt(Math.min(...rss))}-${fmt(Math.max(...rss))} MB. ` +
    `After the burst ${fmt(recovered.lookups.shedShare * 100, 1)} % of lookups shed, p99 ${fmt(recovered.lookups.acceptedP99)} ms.`,
);
