import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/server/db/database.ts';
import { startServer } from '../src/server/server.ts';
import { campaignsDir, repoRoot, testConfig } from './support/app.ts';
import { ensureWebBuilt } from './support/browser.ts';
import { freePort } from './support/processes.ts';

describe('the server process (npm start)', () => {
  it('warns at start when it leaves the work to other processes but keeps photos in a local directory', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const db = await openDatabase({ dataDir: 'memory://' });
    const server = await startServer(testConfig({ worker: false }), logger, { db, webRoot: '/nonexistent' });
    try {
      const warning = lines.map((line) => JSON.parse(line)).find((l) => l.storage === 'fs');
      expect(warning?.msg).toMatch(/processes on other hosts cannot read them/);
      expect(await (await fetch(`${server.url}/readyz`)).json()).toMatchObject({ storage: 'fs' });
    } finally {
      await server.close();
      await db.close();
    }
  });

  it('greets a person at a terminal with a short banner and readable lines, not JSON', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-terminal-'));
    const port = await freePort();
    // util-linux script(1) gives the process a terminal, as a person running npm start has.
    // The extra argument (ignored by main.ts) names the server so the test can stop it.
    const marker = `--terminal-test-${port}`;
    const command = `${process.execPath} ${path.join(repoRoot, 'src/server/main.ts')} ${marker}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        CAMPAIGNS_DIR: campaignsDir,
        LOG_LEVEL: 'info',
        // Tests share two cores: a start-up lagging under that load must not shed (as in processes.ts).
        SHED_EVENT_LOOP_DELAY_MS: '0',
      },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await expect.poll(() => output, { timeout: 30_000, interval: 200 }).toContain('Ctrl+C stops it.');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's colour codes are removed
      const plain = output.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '');
      expect(plain).toContain('Recallkit is running');
      expect(plain).toContain(`Owners:   http://localhost:${port}`);
      expect(plain).toContain(`Console:  http://localhost:${port}/console`);
      expect(plain).toContain(`Database: the embedded database in ${dataDir}`);
      expect(plain).toMatch(/admin@recallkit\.local {2}with the one-time password {2}\S{12,}/);
      // The log lines around it are for reading: no JSON.
      expect(plain).toMatch(/INFO: lookup index built/);
      expect(plain).not.toMatch(/^\{"level"/m);
    } finally {
      spawn('pkill', ['-TERM', '-f', '--', marker]);
      await exited;
    }
  });

  it('starts on an empty data directory with the examples, serves the web app, and stops cleanly on SIGTERM', async () => {
    await ensureWebBuilt();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-server-'));
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(repoRoot, 'src/server/main.ts')], {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        CAMPAIGNS_DIR: campaignsDir,
        LOG_LEVEL: 'info',
        // Tests share two cores: a start-up lagging under that load must not shed (as in processes.ts).
        SHED_EVENT_LOOP_DELAY_MS: '0',
      },
    });
    // The JSON log on standard output; what is meant for the person at the terminal on standard error.
    let logs = '';
    let terminal = '';
    child.stdout.on('data', (chunk) => (logs += chunk));
    child.stderr.on('data', (chunk) => (terminal += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await expect
        .poll(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status, {
          timeout: 30_000,
          interval: 200,
        })
        .toBe(200);
      expect(fs.existsSync(path.join(dataDir, 'recallkit.lock'))).toBe(true);

      const page = await fetch(`${base}/recalls/anker-2025-us-a1263`);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toContain('<div id="root"></div>');
      const lookup = await (await fetch(`${base}/api/v1/lookup?serial=AH7M4Z2K9C1QR8T3`)).json();
      expect(lookup.affected).toBe(true);

      const logLines = logs
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
      expect(logLines.find((l) => l.msg === 'lookup index built')).toMatchObject({
        serials: 6000,
        bytesPerSerial: 12,
      });
      expect(logLines.some((l) => typeof l.reqId === 'string')).toBe(true);
      // An empty database gets an admin whose one-time login is printed on the terminal only.
      const firstRun = logLines.find((l) =>
        String(l.msg).startsWith('First run: an admin account was created'),
      );
      expect(firstRun).toMatchObject({ email: 'admin@recallkit.local' });
      expect(firstRun.password).toBeUndefined();
      const password = /one-time password (\S+)/.exec(terminal)?.[1] as string;
      expect(password).toBeTruthy();
      expect(logs).not.toContain(password);
      const session = await fetch(`${base}/api/v1/console/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: firstRun.email, password }),
      });
      expect(await session.json()).toMatchObject({ staff: { role: 'admin', mustChangePassword: true } });

      // A claim goes through (created, read, its link mailed again): no log line holds the
      // claimant's name, e-mail, phone or token.
      const claimant = {
        name: 'Zoë Kowalczyk',
        email: 'zoe.kowalczyk@example.org',
        phone: '+1 555 867 5309',
      };
      const unit = 'AHUKYMEBE3GH49L9';
      const created = await fetch(`${base}/api/v1/claims`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          campaign: 'anker-2025-us-a1263',
          serial: unit,
          model: 'A1263',
          remedy: 'gift_card',
          hasUnit: true,
          claimant: { ...claimant, country: 'US', language: 'en' },
        }),
      });
      const claim = await created.json();
      expect(created.status, JSON.stringify(claim)).toBe(201);
      const read = await fetch(`${base}/api/v1/claims/${claim.id}`, {
        headers: { authorization: `Bearer ${claim.accessToken}` },
      });
      expect(read.status).toBe(200);
      await fetch(`${base}/api/v1/claims/recover`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: claimant.email }),
      });
      await new Promise((resolve) => setTimeout(resolve, 2000)); // the worker handles the mail jobs
      for (const secret of [claimant.name, claimant.email, claimant.phone, claim.accessToken])
        expect(logs, secret).not.toContain(secret);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(logs).toMatch(/shutting down/);
      expect(fs.existsSync(path.join(dataDir, 'recallkit.lock'))).toBe(false);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
