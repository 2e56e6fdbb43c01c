// npm run bench:intake — concurrent claimants, each creating a claim, uploading two ~3 MB
// photos and submitting, against the real server (`node src/server/main.ts`, PGlite under
// .bench/, or with BENCH_DB=postgres a fresh PostgreSQL database); in the same run, a bare
// node:http server streaming the same uploads to disk. Each run starts with BENCH_WARMUP
// untimed claims (default: one per claimant) so that both servers are measured warm. Prints
// claims/s, MB/s, p99 per upload, the CPU each process spent per claim (the load client shares
// the machine's cores with the servers), and the ratio (target >= 0.5): the median of
// BENCH_ROUNDS rounds of both servers. The load client runs with the servers' garbage-collector
// tuning (src/server/gc-tuning.ts): it streams the same Buffers, and without it its own full
// collections measured the client more than the servers. The bare server
// runs on Node's defaults. A second bare run flushes each upload and its directory to disk
// before answering, as the blob store does: its ratio shows what durability alone costs.
import '../src/server/gc-tuning.ts';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import {
  benchDir,
  fmt,
  freePort,
  peakRssMb,
  processCpuMs,
  repoRoot,
  scratchPostgres,
  startChild,
  stopChild,
} from './support.ts';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 48);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP ?? CONCURRENCY);
/**
 * Rounds of Recallkit's web process and the bare server, one after the other and in turn
 * first: on these machines one run of either moves by 10-20 % from one minute to the next, so
 * the ratio printed is the median of the rounds', each beside the others.
 */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
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
  .slice(1, CLAIMS + WARMUP + 1)
  .map((line) => line.split(',')[0] as string);

// Every claimant's photos are their own bytes, as in a real recall: the same two files for
// every claim would make the content-addressed store rewrite one blob over itself each time.
// A JPEG comment segment after the start-of-image marker makes each photo unique; the rest is
// one Blob per photo for the whole run, which a Blob made of parts refers to without copying
// (copying 3 MB per request would load the client, and its garbage collector, more the longer
// a server takes to answer).
const bodies = photos.map((photo) => new Blob([new Uint8Array(photo.subarray(2))]));
function photoOf(claimant: number, which: number): Blob {
  const note = Buffer.from(`bench claimant ${claimant} photo ${which}`);
  const comment = Buffer.alloc(4 + note.length);
  comment.writeUInt16BE(0xfffe, 0);
  comment.writeUInt16BE(2 + note.length, 2);
  note.copy(comment, 4);
  return new Blob([Buffer.from([0xff, 0xd8]), comment, bodies[which] as Blob], { type: 'image/jpeg' });
}
function form(kind: string, file: Blob): FormData {
  const body = new FormData();
  body.append('kind', kind);
  body.append('file', file, 'IMG.jpg');
  return body;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1] ?? 0;

interface Run {
  seconds: number;
  uploads: number[];
  /** CPU ms per timed claim: this load client, the server process, PostgreSQL (when local). */
  cpu: { client: number; server?: number; postgres?: number };
  /** The server process's peak resident memory, MB. */
  peakRss?: number;
}

/**
 * Runs `work` for WARMUP untimed claims, then for CLAIMS timed ones, CONCURRENCY at a time;
 * `work(i, uploads)` pushes each upload's time to `uploads`, which only timed claims get.
 */
async function drive(
  serverPid: number,
  work: (i: number, uploads: number[] | undefined) => Promise<void>,
): Promise<Run> {
  const pool = async (from: number, to: number, uploads?: number[]) => {
    let next = from;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < to) await work(next++, uploads);
      }),
    );
  };
  await pool(CLAIMS, CLAIMS + WARMUP);
  const uploads: number[] = [];
  const server = () => processCpuMs((pid) => pid === serverPid);
  const postgres = () =>
    ON_POSTGRES ? processCpuMs((_pid, command) => command.startsWith('postgres')) : undefined;
  const before = { client: process.cpuUsage(), server: server(), postgres: postgres() };
  const started = performance.now();
  await pool(0, CLAIMS, uploads);
  const seconds = (performance.now() - started) / 1000;
  const spent = (now: number | undefined, then: number | undefined) =>
    now === undefined || then === undefined ? undefined : (now - then) / CLAIMS;
  const client = process.cpuUsage(before.client);
  return {
    seconds,
    uploads,
    cpu: {
      client: (client.user + client.system) / 1000 / CLAIMS,
      server: spent(server(), before.server),
      postgres: spent(postgres(), before.postgres),
    },
    peakRss: peakRssMb(serverPid),
  };
}

/**
 * Where every run of this invocation keeps what it stored, each in a directory of its own, all
 * deleted when the last run is over. Nothing is deleted while a server is measured: this
 * machine's ext4 has no journal, and such an ext4 passes over every inode freed in the last one
 * to five minutes when it makes a new file, so after one run's data directory (PGlite's ~1,500
 * files and the photos) was deleted, the next runs spent a millisecond more of kernel CPU on
 * each file they made (perf: `recently_deleted`, 8 % of the web process's CPU). The runs of
 * one invocation need about 1.3 GB of disk each at 200 claims, seven runs in all.
 */
const runsDir = fs.mkdtempSync(path.join(benchDir, 'intake-'));
let runs = 0;
const runDir = (name: string) => path.join(runsDir, `${++runs}-${name}`);

async function recallkit(worker: boolean) {
  const port = await freePort();
  const dataDir = runDir('recallkit');
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
  try {
    return await drive(child.pid as number, async (i, uploads) => {
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
      for (const [which, kind] of ['label', 'marked'].entries()) {
        const t = performance.now();
        const response = await fetch(`${base}/api/v1/claims/${claim.id}/evidence`, {
          method: 'POST',
          headers: auth,
          body: form(kind, photoOf(i, which)),
        });
        // Every answer is read to its end, as a real client does: an unread body keeps undici
        // from reusing the connection, so each request would open a new one.
        const answer = await response.text();
        if (response.status !== 201) throw new Error(`upload: ${response.status} ${answer}`);
        uploads?.push(performance.now() - t);
      }
      const submitted = await fetch(`${base}/api/v1/claims/${claim.id}/submit`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{"disposalAttested":true}',
      });
      const answer = await submitted.text();
      if (submitted.status !== 200) throw new Error(`submit: ${submitted.status} ${answer}`);
    });
  } finally {
    await stopChild(child);
    await postgres?.drop();
  }
}

async function bare(durable: boolean) {
  const port = await freePort();
  const child = await startChild(
    [path.join(repoRoot, 'bench/bare-upload-server.ts')],
    { PORT: String(port), BARE_DIR: runDir('bare'), BARE_DURABLE: durable ? '1' : '0' },
    `http://127.0.0.1:${port}/`,
  );
  try {
    return await drive(child.pid as number, async (i, uploads) => {
      for (const [which, kind] of ['label', 'marked'].entries()) {
        const t = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}/upload`, {
          method: 'POST',
          body: form(kind, photoOf(i, which)),
        });
        await response.text();
        uploads?.push(performance.now() - t);
      }
    });
  } finally {
    await stopChild(child);
  }
}

const megabytes = (CLAIMS * ((photos[0]?.length ?? 0) + (photos[1]?.length ?? 0))) / 1e6;
console.log(
  `${ON_POSTGRES ? 'PostgreSQL' : 'PGlite'}: ${CLAIMS} claimants (after ${WARMUP} untimed), ${CONCURRENCY} at a time, two photos of ${fmt((photos[0]?.length ?? 0) / 1e6, 1)} MB each (${fmt(megabytes, 0)} MB in all)`,
);
interface Round {
  ours: Run;
  peer: Run;
}
const rounds: Round[] = [];
let oneProcess: Run;
let durablePeer: Run;
try {
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      const ours = await recallkit(false);
      rounds.push({ ours, peer: await bare(false) });
    } else {
      const peer = await bare(false);
      rounds.push({ ours: await recallkit(false), peer });
    }
  }
  oneProcess = await recallkit(true);
  durablePeer = await bare(true);
} finally {
  fs.rmSync(runsDir, { recursive: true, force: true });
}
// The round of the median ratio stands for the rounds in the table and the other ratios.
const ratioOf = (round: Round) => round.peer.seconds / round.ours.seconds;
const byRatio = [...rounds].sort((a, b) => ratioOf(a) - ratioOf(b));
const { ours, peer } = byRatio[Math.floor((byRatio.length - 1) / 2)] as Round;
for (const [name, run] of [
  ['recallkit web process (workers apart)', ours],
  ['recallkit web + worker in one process', oneProcess],
  ['bare node:http (2 uploads to disk)', peer],
  ['bare, each upload flushed to disk', durablePeer],
] as const) {
  const cpu = [
    `client ${fmt(run.cpu.client, 1)}`,
    run.cpu.server === undefined ? '' : `server ${fmt(run.cpu.server, 1)}`,
    run.cpu.postgres === undefined ? '' : `PostgreSQL ${fmt(run.cpu.postgres, 1)}`,
  ].filter(Boolean);
  console.log(
    `${name.padEnd(38)} ${fmt(CLAIMS / run.seconds, 1)} claims/s  ${fmt(megabytes / run.seconds, 1)} MB/s  p99 upload ${fmt(percentile(run.uploads, 99))} ms  CPU ms/claim: ${cpu.join(', ')}  peak RSS ${run.peakRss === undefined ? '?' : fmt(run.peakRss)} MB`,
  );
}
// Both servers move the same megabytes, so a ratio of MB/s is the inverse ratio of the times.
const against = (run: Run) => run.seconds / ours.seconds;
const ratio = against(peer);
const each = rounds.map(
  (round) => `${fmt(CLAIMS / round.ours.seconds, 1)}/${fmt(CLAIMS / round.peer.seconds, 1)}`,
);
console.log(
  `\nclaims/s of Recallkit/bare in each round: ${each.join(', ')} (the table shows the median round's)`,
);
console.log(
  `ratio recallkit web process/bare MB/s: ${fmt(ratio, 2)}${ROUNDS > 1 ? `, the median of ${ROUNDS} rounds: ${rounds.map((round) => fmt(ratioOf(round), 2)).join(', ')}` : ''} (target >= 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
);
console.log(
  `ratio with the worker decoding photos in the same process: ${fmt(peer.seconds / oneProcess.seconds, 2)}`,
);
console.log(
  `ratio against the bare server flushing each upload to disk, as Recallkit does: ${fmt(against(durablePeer), 2)}`,
);
