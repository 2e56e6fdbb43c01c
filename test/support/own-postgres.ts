import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireAll } from './environment.ts';
import { freePort } from './processes.ts';

/** The installed PostgreSQL's server programs (Debian: /usr/lib/postgresql/<major>/bin). */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const majors = fs
    .readdirSync(root)
    .filter((major) => fs.existsSync(path.join(root, major, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? path.join(root, majors[0], 'bin') : undefined;
}

/**
 * A PostgreSQL server this test owns (initdb in a temp directory, its own port), which it can stop
 * and start at will. PostgreSQL refuses to run as root: as root it runs as the `postgres` user.
 */
export interface OwnPostgres {
  url: string;
  start(): void;
  /** Fast shutdown: every connection is cut at once. */
  stop(): void;
  destroy(): void;
}

export function ownPostgresAvailable(): boolean {
  if (postgresBin()) return true;
  if (requireAll)
    throw new Error(
      'PostgreSQL server programs are required (RECALLKIT_REQUIRE_ALL=1) but none is installed',
    );
  console.warn(
    '\n[skip] No PostgreSQL server programs under /usr/lib/postgresql: the outage test is skipped.\n',
  );
  return false;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('no PostgreSQL server programs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const run = (program: string, args: string[]) => {
    const command = path.join(bin, program);
    if (asRoot)
      execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe', cwd: dir });
    else execFileSync(command, args, { stdio: 'pipe', cwd: dir });
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const server: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']),
    stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    destroy: () => {
      try {
        server.stop();
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  server.start();
  return server;
}
