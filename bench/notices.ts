// npm run bench:notices — queueing 100,000 direct notices from a CSV, against a plain COPY of the
// same rows into a table of the same shape, in the same run.
//
// On PGlite (under .bench/) and, when reachable, PostgreSQL (DATABASE_URL, or the local server):
// `importNotices` streams a list of BENCH_NOTICES people (parse, check, normalise, COPY to a staging
// table, merge one row per person) and `startWave` queues a notice to each of them. The baseline
// COPYs the same people, already normalised, into a table of the recipients' shape (its columns,
// primary key and unique key, no foreign key); for reference, the file's rows as they are into a
// table of text columns without keys. Best of two runs each. The JS heap is sampled while the
// notices are queued, at full size and at five times that: flat when the peak does not grow with
// the list. Target: at least 0.25 of the COPY rate (docs/benchmarks/notices.md).
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../src/server/db/database.ts';
import { newIds } from '../src/server/ids.ts';
import { applyCampaign, readCampaignFile } from '../src/server/modules/catalog/apply-campaign.ts';
import { emailKey } from '../src/server/modules/claims/velocity.ts';
import { importNotices, NOTICE_FIELDS } from '../src/server/modules/notices/import-notices.ts';
import { startWave } from '../src/server/modules/notices/waves.ts';
import { benchDir, fmt, makeSerials, onBothDatabases, repoRoot } from './support.ts';

const NOTICES = Number(process.env.BENCH_NOTICES ?? 100_000);
const RUNS = 2;
const TARGET = 0.25;
const LANGUAGES = ['en', 'es', 'zh-CN', ''];
const SOURCES = ['amazon', 'anker.com', 'walmart', 'registration'];
const COLUMNS = ['email', 'name', 'language', 'country', 'serial', 'model', 'order_id', 'source'];
const campaign = readCampaignFile(path.join(repoRoot, 'campaigns', 'anker-2025-us-a1263.yaml'));

/** A list as shops send them: mixed-case addresses, a serial for most, a few people twice. */
function writeList(file: string, people: number): void {
  const serials = makeSerials(people, 'AH', 5);
  const lines = [COLUMNS.join(',')];
  for (let i = 0; i < people; i++) {
    const serial = i % 5 === 4 ? '' : (serials[i] as string);
    lines.push(
      `Buyer.${i}@Example.com,Buyer ${i},${LANGUAGES[i % 4]},US,${serial},A1263,113-${i},${SOURCES[i % 4]}`,
    );
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

async function timeIt(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/**
 * Runs `work` while sampling what the JS heap holds (collected before each sample, so garbage
 * not yet collected does not count); the peak above where it started, in MB. Not timed.
 */
async function peakHeapGrowth(work: () => Promise<unknown>): Promise<number> {
  const gc = globalThis.gc ?? (() => {});
  gc();
  const start = process.memoryUsage().heapUsed;
  let peak = start;
  const timer = setInterval(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 100);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return (peak - start) / 1e6;
}

async function queueNotices(db: Db, campaignId: string, file: string): Promise<number> {
  await db.transaction((tx) => tx.query('TRUNCATE notice_wave, notice_delivery, notice_recipient'));
  await db.transaction((tx) =>
    importNotices(tx, campaignId, fs.createReadStream(file), { fileName: file, actor: 'bench' }),
  );
  const wave = await db.transaction((tx) => startWave(tx.kysely, campaignId, { actor: 'bench' }));
  return wave.audience;
}

async function measure(name: string, db: Db) {
  await applyCampaign(db, campaign);
  const { id: campaignId } = await db.kysely
    .selectFrom('campaign')
    .select('id')
    .where('slug', '=', campaign.slug)
    .executeTakeFirstOrThrow();
  await db.transaction((tx) =>
    tx.query(
      `CREATE TABLE IF NOT EXISTS raw_list (${COLUMNS.map((c) => `${c} text`).join(', ')});
       CREATE TABLE IF NOT EXISTS same_shape
         (LIKE notice_recipient INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
    ),
  );
  const large = path.join(benchDir, 'notices-large.csv');
  const full = path.join(benchDir, 'notices.csv');
  writeList(large, NOTICES * 5);
  writeList(full, NOTICES);
  const text = fs.readFileSync(full, 'utf8');
  const raw = text.slice(text.indexOf('\n') + 1);
  // The same people as the import stores them: an id, the campaign, the address and its key, …
  const ids = newIds('ntr', NOTICES);
  const shaped = raw
    .split('\n')
    .slice(0, -1)
    .map((line, i) => {
      const [email = '', name, language, country, serial, model, orderId, source] = line.split(',');
      return `${ids[i]},${campaignId},${email},${emailKey(email)},${name},"${language}",${country},${serial},${model},${orderId},${source},email\n`;
    })
    .join('');
  const shapedColumns = ['id', 'campaign_id', ...NOTICE_FIELDS];

  const heapLarge = await peakHeapGrowth(() => queueNotices(db, campaignId, large));
  const heapFull = await peakHeapGrowth(() => queueNotices(db, campaignId, full));
  let queueSeconds = Number.POSITIVE_INFINITY;
  let copySeconds = Number.POSITIVE_INFINITY;
  let rawSeconds = Number.POSITIVE_INFINITY;
  for (let run = 0; run < RUNS; run++) {
    await db.transaction((tx) => tx.query('TRUNCATE raw_list; TRUNCATE same_shape'));
    copySeconds = Math.min(
      copySeconds,
      await timeIt(() => db.transaction((tx) => tx.copyCsv('same_shape', shapedColumns, [shaped]))),
    );
    rawSeconds = Math.min(
      rawSeconds,
      await timeIt(() => db.transaction((tx) => tx.copyCsv('raw_list', COLUMNS, [raw]))),
    );
    let queued = 0;
    queueSeconds = Math.min(
      queueSeconds,
      await timeIt(async () => {
        queued = await queueNotices(db, campaignId, full);
      }),
    );
    if (queued !== NOTICES) throw new Error(`queued ${queued} of ${NOTICES} notices`);
  }
  const ratio = copySeconds / queueSeconds;
  console.log(
    `${name.padEnd(11)} notices ${fmt(NOTICES / queueSeconds)}/s (${fmt(queueSeconds, 2)} s)   COPY, same shape ${fmt(NOTICES / copySeconds)} rows/s (${fmt(copySeconds, 2)} s)   ` +
      `ratio ${fmt(ratio, 2)} (target >= ${TARGET}: ${ratio >= TARGET ? 'met' : 'NOT met'})\n` +
      `${''.padEnd(11)} raw COPY of the file into text columns ${fmt(NOTICES / rawSeconds)} rows/s (${fmt(rawSeconds, 2)} s, ratio ${fmt(rawSeconds / queueSeconds, 2)})   ` +
      `peak heap +${fmt(heapFull, 1)} MB at ${fmt(NOTICES)} people, +${fmt(heapLarge, 1)} MB at ${fmt(NOTICES * 5)}`,
  );
}

console.log(`Queueing ${fmt(NOTICES)} notices from a CSV, best of ${RUNS}:`);
await onBothDatabases('notices', measure);
