import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { type Db, openDatabase } from '../src/server/db/database.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..');
export const benchDir = path.join(repoRoot, '.bench');
fs.mkdirSync(benchDir, { recursive: true });

const SERIAL_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/** `count` distinct 16-character serials starting with `prefix`, deterministic for a seed. */
export function makeSerials(count: number, prefix: string, seed = 1): string[] {
  return Array.from(serialStream(count, prefix, seed));
}

/** The serials of `makeSerials`, one at a time: 20 million of them never need to be held at once. */
export function* serialStream(count: number, prefix: string, seed = 1): Generator<string> {
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    let tail = '';
    for (let j = 0; j < 6; j++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      tail += SERIAL_ALPHABET[state % SERIAL_ALPHABET.length];
    }
    // The running number keeps serials distinct; the random tail keeps them from sorting in order.
    yield `${prefix}${i
      .toString(36)
      .toUpperCase()
      .padStart(16 - prefix.length - 6, '0')}${tail}`;
  }
}

/** Lines made from `serials`, joined `per` at a time (a CSV file or COPY written in chunks). */
export function* linesInChunks(
  serials: Iterable<string>,
  line: (serial: string, index: number) => string,
  per = 100_000,
): Generator<string> {
  let chunk: string[] = [];
  let index = 0;
  for (const serial of serials) {
    chunk.push(line(serial, index++));
    if (chunk.length === per) {
      yield chunk.join('');
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

/** An eligibility list of `count` A1263 units sold in the US (`serialStream`'s serials), written to `file`. */
export function writeSerialList(file: string, count: number, prefix: string, seed: number): void {
  writeChunks(
    file,
    'serial,model,market\n',
    linesInChunks(serialStream(count, prefix, seed), (s) => `${s},A1263,US\n`),
  );
}

/** Writes `header` and then `chunks` to `file`. */
export function writeChunks(file: string, header: string, chunks: Iterable<string>): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, header);
    for (const chunk of chunks) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a child Node process and waits until `readyUrl` answers 200. */
export async function startChild(
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
  timeoutMs = 120_000,
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_CHILD_FLAGS?.split(' ').filter(Boolean) ?? []), ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    const status = await fetch(readyUrl).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${readyUrl} did not become ready`);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  non2xx: number;
  errors: number;
  total: number;
}

/** Drives `url` with autocannon; `nextPath` picks each request's path. */
export async function drive(
  url: string,
  options: { seconds: number; connections: number; nextPath: () => string },
) {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request: { path: string }) => {
          request.path = options.nextPath();
          return request;
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  } satisfies LoadResult;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * A new, empty PostgreSQL database on the server at DATABASE_URL (default: the local one), or
 * undefined when no server answers. `drop` removes it again.
 */
export async function scratchPostgres(
  name: string,
): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: server, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const database = `recallkit_bench_${name}_${process.pid}`;
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(server);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const CLOCK_TICKS_PER_SECOND = 100; // Linux's USER_HZ

/**
 * CPU time (user + system, ms) used so far by the processes `pick` chooses, read from /proc
 * (Linux); undefined elsewhere. A process's threads (GC helpers, the libuv pool) are included.
 */
export function processCpuMs(pick: (pid: number, command: string) => boolean): number | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (!pick(pid, command)) continue;
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // the process ended while it was being read
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** The most resident memory (MB) process `pid` has had so far (VmHWM, Linux); undefined elsewhere. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const line = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return line ? Number(line[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `measure` on PGlite (a fresh directory under .bench/; not with BENCH_DATABASES=postgres)
 * and then, when a server answers, on a scratch PostgreSQL database, closing each after.
 */
export async function onBothDatabases(name: string, measure: (label: string, db: Db) => Promise<void>) {
  if (process.env.BENCH_DATABASES !== 'postgres') {
    const pgliteDir = path.join(benchDir, `${name}-pglite`);
    fs.rmSync(pgliteDir, { recursive: true, force: true });
    const pglite = await openDatabase({ dataDir: pgliteDir });
    try {
      await measure('PGlite', pglite);
    } finally {
      await pglite.close();
    }
  }
  const scratch = await scratchPostgres(name);
  if (!scratch) {
    console.log('PostgreSQL (DATABASE_URL, or the local server) is not reachable: skipped.');
    return;
  }
  const postgres = await openDatabase({ databaseUrl: scratch.url, dataDir: '' });
  try {
    await measure('PostgreSQL', postgres);
  } finally {
    await postgres.close();
    await scratch.drop();
  }
}
