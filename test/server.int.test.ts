import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { campaignsDir, repoRoot } from './support/app.ts';
import { ensureWebBuilt } from './support/browser.ts';
import { freePort } from './support/processes.ts';

describe('the server process (npm start)', () => {
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
      },
    });
    let logs = '';
    child.stdout.on('data', (chunk) => (logs += chunk));
    child.stderr.on('data', (chunk) => (logs += chunk));
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
      // An empty database gets an admin whose one-time login is printed, and it works.
      const firstRun = logLines.find((l) =>
        String(l.msg).startsWith('First run: sign in to the staff console'),
      );
      expect(firstRun).toMatchObject({ email: 'admin@recallkit.local' });
      const session = await fetch(`${base}/api/v1/console/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: firstRun.email, password: firstRun.password }),
      });
      expect(await session.json()).toMatchObject({ staff: { role: 'admin', mustChangePassword: true } });

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
