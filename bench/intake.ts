// npm run bench:intake — concurrent claimants, each creating a claim, uploading two ~3 MB
// photos and submitting, against the real server (`node src/server/main.ts`, PGlite under
// .bench/, or with BENCH_DB=postgres a fresh PostgreSQL database); in the same run, a bare node:http server streaming the same
// uploads to disk. Prints claims/s, MB/s, p99 per upload and the ratio (target >= 0.5).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { benchDir, fmt, freePort, repoRoot, scratchPostgres, startChild, stopChild } from './support.ts';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 48);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
/** BENCH_DB=postgres: a fresh database per run on DATABASE_URL's server (default: the local one). */
const ON_POSTGRES = process.env.BENCH_DB === 'postgres';

async function noisyPhoto(seed: number): Promise<Buffer> {
  const width = 2300;
  const height = 1725;
  const pixels = randomBytes(width * height * 3);
  pixels[0] = seed;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 88 })
    .toBuffer();
}
const photos = [await noisyPhoto(1), await noisyPhoto(2)];
const serials = fs
  .readFileSync(path.join(repoRoot, 'campaigns/anker-2025-us-a1263.demo.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1, CLAIMS + 1)
  .map((line) => line.split(',')[0] as string);

function form(kind: string, data: Buffer): FormData {
  const body = new FormData();
  body.append('kind', kind);
  body.append('file', new Blob([new Uint8Array(data)], { type: 'image/jpeg' }), 'IMG.jpg');
  return body;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1] ?? 0;

async function runPool(work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CLAIMS) await work(next++);
    }),
  );
}

async function recallkit(worker: boolean) {
  const port = await freePort();
  const dataDir = path.join(benchDir, 'intake-data');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const postgres = ON_POSTGRES ? await scratchPostgres('intake') : undefined;
  if (ON_POSTGRES && !postgres) throw new Error('BENCH_DB=postgres: PostgreSQL is not reachable');
  const child = await startChild(
    [path.join(repoRoot, 'src/server/main.ts')],
    {
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      WORKER: String(worker),
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
      LOOKUP_RATE_LIMIT: '0',
      CLAIM_LIMIT_PER_EMAIL: '0',
      CLAIM_LIMIT_PER_ADDRESS: '0',
      CLAIM_LIMIT_PER_CLIENT: '0',
    },
    `http://127.0.0.1:${port}/readyz`,
  );
  const base = `http://127.0.0.1:${port}`;
  const uploads: number[] = [];
  const started = performance.now();
  try {
    await runPool(async (i) => {
      const created = await fetch(`${base}/api/v1/claims`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          campaign: 'anker-2025-us-a1263',
          serial: serials[i],
          model: 'A1263',
          remedy: 'gift_card',
          claimant: { name: `Owner ${i}`, email: `owner${i}@example.com`, country: 'US', language: 'en' },
        }),
      });
      if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
      const claim = (await created.json()) as { id: string; accessToken: string };
      const auth = { authorization: `Bearer ${claim.accessToken}` };
      for (const [kind, data] of [
        ['label', photos[0]],
        ['marked', photos[1]],
      ] as const) {
        const t = performance.now();
        const response = await fetch(`${base}/api/v1/claims/${claim.id}/evidence`, {
          method: 'POST',
          headers: auth,
          body: form(kind, data as Buffer),
        });
        if (response.status !== 201) throw new Error(`upload: ${response.status} ${await response.text()}`);
        uploads.push(performance.now() - t);
      }
      const submitted = await fetch(`${base}/api/v1/claims/${claim.id}/submit`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{"disposalAttested":true}',
      });
      if (submitted.status !== 200) throw new Error(`submit: ${submitted.status} ${await submitted.text()}`);
    });
  } finally {
    await stopChild(child);
    await postgres?.drop();
  }
  return { seconds: (performance.now() - started) / 1000, uploads };
}

async function bare() {
  const port = await freePort();
  const child = await startChild(
    [path.join(repoRoot, 'bench/bare-upload-server.ts')],
    { PORT: String(port) },
    `http://127.0.0.1:${port}/`,
  );
  const uploads: number[] = [];
  const started = performance.now();
  try {
    await runPool(async () => {
      for (const [kind, data] of [
        ['label', photos[0]],
        ['marked', photos[1]],
      ] as const) {
        const t = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}/upload`, {
          method: 'POST',
          body: form(kind, data as Buffer),
        });
        await response.text();
        uploads.push(performance.now() - t);
      }
    });
  } finally {
    await stopChild(child);
  }
  return { seconds: (performance.now() - started) / 1000, uploads };
}

const megabytes = (CLAIMS * ((photos[0]?.length ?? 0) + (photos[1]?.length ?? 0))) / 1e6;
console.log(
  `${ON_POSTGRES ? 'PostgreSQL' : 'PGlite'}: ${CLAIMS} claimants, ${CONCURRENCY} at a time, two photos of ${fmt((photos[0]?.length ?? 0) / 1e6, 1)} MB each (${fmt(megabytes, 0)} MB in all)`,
);
const ours = await recallkit(false);
const oneProcess = await recallkit(true);
const peer = await bare();
for (const [name, run] of [
  ['recallkit web process (workers apart)', ours],
  ['recallkit web + worker in one process', oneProcess],
  ['bare node:http (2 uploads to disk)', peer],
] as const) {
  console.log(
    `${name.padEnd(38)} ${fmt(CLAIMS / run.seconds, 1)} claims/s  ${fmt(megabytes / run.seconds, 1)} MB/s  p99 upload ${fmt(percentile(run.uploads, 99))} ms`,
  );
}
const ratio = megabytes / ours.seconds / (megabytes / peer.seconds);
console.log(
  `\nratio recallkit web process/bare MB/s: ${fmt(ratio, 2)} (target >= 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
);
console.log(
  `ratio with the worker decoding photos in the same process: ${fmt(megabytes / oneProcess.seconds / (megabytes / peer.seconds), 2)}`,
);
