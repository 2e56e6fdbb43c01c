// npm run bench:pipeline — claims from submission to the machine's verdict, with 1 and with 2
// `recallkit work` processes, on PostgreSQL (DATABASE_URL, or the local server).
//
// A web process (WORKER=false) takes BENCH_CLAIMS (40) claims, each with the two photos an owner
// sends (the unit's label, and the unit marked with RECALLED, name, date and claim code; 1600 px,
// the evaluation's generator), all sent before any worker starts: a backlog. Then W worker
// processes (OCR_WORKERS=1 each) read the photos and verify the claims. Prints the time to clear
// the backlog (worker start-up included), claims/s, photos/s per OCR worker, and how many OCR
// workers 10,000 claims an hour need.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { labelPhoto, markedPhoto } from '../eval/synthetic-evidence.ts';
import { openDatabase } from '../src/server/db/database.ts';
import { postClaim, submitClaim, uploadPhoto } from '../test/support/owner-http.ts';
import { benchDir, fmt, freePort, repoRoot, scratchPostgres, startChild, stopChild } from './support.ts';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 40);
const PHOTOS_PER_CLAIM = 2;
const US = 'anker-2025-us-a1263';

const scratch = await scratchPostgres('pipeline');
if (!scratch) {
  console.log('PostgreSQL (DATABASE_URL, or the local server) is not reachable: skipped.');
  process.exit(0);
}
const dir = path.join(benchDir, 'pipeline');
fs.rmSync(dir, { recursive: true, force: true });
const env = (name: string) => ({
  DATABASE_URL: scratch.url,
  DATA_DIR: path.join(dir, name),
  STORAGE_URL: `file://${path.join(dir, 'photos')}`,
  SECRET_KEY: 'bench-pipeline-secret-key-0123456789',
  CAMPAIGNS_DIR: path.join(repoRoot, 'campaigns'),
  LOOKUP_RATE_LIMIT: '0',
  CLAIM_LIMIT_PER_CLIENT: '0',
  CLAIM_LIMIT_PER_EMAIL: '0',
  SHED_EVENT_LOOP_DELAY_MS: '0',
  OCR_WORKERS: '1',
  LOG_LEVEL: 'warn',
});
const port = await freePort();
const web = await startChild(
  [path.join(repoRoot, 'src/server/main.ts')],
  { ...env('web'), PORT: String(port), WORKER: 'false', SEED_EXAMPLES: 'true' },
  `http://127.0.0.1:${port}/readyz`,
);
const base = `http://127.0.0.1:${port}`;
const db = await openDatabase({ databaseUrl: scratch.url, dataDir: '', migrate: false });
const serials = fs
  .readFileSync(path.join(repoRoot, 'campaigns', `${US}.demo.csv`), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',')[0] as string);

/** Sends `CLAIMS` claims with a label photo each, from `offset` in the demo list. */
async function sendClaims(offset: number): Promise<void> {
  for (let i = 0; i < CLAIMS; i++) {
    const serial = serials[offset + i] as string;
    const created = await postClaim(base, { serial, model: 'A1263' }, `p${offset + i}@example.com`, {
      claimant: {
        name: `Owner ${offset + i}`,
        email: `p${offset + i}@example.com`,
        country: 'US',
        language: 'en',
      },
    });
    const claim = (await created.json()) as { id: string; accessToken: string; code: string };
    const today = new Date().toISOString().slice(0, 10);
    const photos = {
      label: await labelPhoto({ model: 'A1263', serial }, offset + i + 1),
      marked: await markedPhoto(
        { word: 'RECALLED', name: `Owner ${offset + i}`, date: today, code: claim.code },
        offset + i + 1,
      ),
    };
    for (const [kind, photo] of Object.entries(photos)) {
      const uploaded = await uploadPhoto(base, claim, kind, photo);
      if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
    }
    const submitted = await submitClaim(base, claim);
    if (submitted.status !== 200) throw new Error(`submit: ${submitted.status} ${await submitted.text()}`);
  }
}

/** Claims the machine has decided (whatever its verdict). */
async function verdicts(): Promise<number> {
  const rows = await db.kysely
    .selectFrom('claim')
    .select('id')
    .where('status', 'not in', ['draft', 'submitted', 'verifying'])
    .execute();
  return rows.length;
}

function startWorker(name: string): ChildProcess {
  return spawn(process.execPath, [path.join(repoRoot, 'src/cli/main.ts'), 'work'], {
    env: { ...process.env, ...env(name) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

console.log(
  `A backlog of ${CLAIMS} claims a run, ${PHOTOS_PER_CLAIM} photos (1600 px: the label and the marked unit) each:`,
);
try {
  let done = 0;
  for (const workers of [1, 2]) {
    await sendClaims(done);
    const before = await verdicts();
    const started = performance.now();
    const processes = Array.from({ length: workers }, (_, i) => startWorker(`worker-${workers}-${i}`));
    while ((await verdicts()) < before + CLAIMS) await new Promise((resolve) => setTimeout(resolve, 250));
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(processes.map((child) => stopChild(child)));
    done += CLAIMS;
    const photosPerSecond = (CLAIMS * PHOTOS_PER_CLAIM) / seconds;
    const perWorker = photosPerSecond / workers;
    console.log(
      `${workers} worker process${workers > 1 ? 'es' : ''}: backlog cleared in ${fmt(seconds, 1)} s (start-up included)   ${fmt(CLAIMS / seconds, 2)} claims/s   ` +
        `${fmt(perWorker, 2)} photos/s per OCR worker   ` +
        `10,000 claims an hour of 2 photos need ${Math.ceil((10_000 * 2) / 3600 / perWorker)} OCR workers`,
    );
  }
} finally {
  await db.close();
  await stopChild(web);
  await scratch.drop();
}
