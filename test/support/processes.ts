import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { campaignsDir, repoRoot } from './app.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A `recallkit` process (main.ts, or the CLI with `args`) run as a real OS process. */
export interface RecallkitProcess {
  child: ChildProcessWithoutNullStreams;
  base: string;
  /** Everything it wrote so far, stdout and stderr. */
  logs(): string;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
  alive(): boolean;
  stop(): Promise<void>;
}

/** Starts the server (`node src/server/main.ts`) on a free port and waits until /healthz answers. */
export async function startRecallkit(env: Record<string, string>): Promise<RecallkitProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'src/server/main.ts')], {
    // No load shedding unless a test asks: the tests share two cores with these processes.
    env: {
      ...process.env,
      PORT: String(port),
      CAMPAIGNS_DIR: campaignsDir,
      LOG_LEVEL: 'info',
      SHED_EVENT_LOOP_DELAY_MS: '0',
      ...env,
    },
  });
  let logs = '';
  child.stdout.on('data', (chunk) => (logs += chunk));
  child.stderr.on('data', (chunk) => (logs += chunk));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const proc: RecallkitProcess = {
    child,
    base,
    logs: () => logs,
    exited,
    alive: () => exitCode === undefined,
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`recallkit exited with ${exitCode}:\n${logs}`);
    if ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`recallkit was not ready within 60 s:\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return proc;
}

/** `recallkit work` as a real OS process (a test stops it with SIGTERM, or kills it). */
export function startWorkerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'src/cli/main.ts'), 'work'], {
    env: { ...process.env, CAMPAIGNS_DIR: campaignsDir, LOG_LEVEL: 'warn', ...env },
  });
  let logs = '';
  child.stdout.on('data', (chunk) => (logs += chunk));
  child.stderr.on('data', (chunk) => (logs += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    exited,
    logs: () => logs,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
