import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUnits } from '../support/claims.ts';
import { type OwnPostgres, ownPostgresAvailable, startOwnPostgres } from '../support/own-postgres.ts';
import { postClaim } from '../support/owner-http.ts';
import { type RecallkitProcess, startRecallkit } from '../support/processes.ts';

/**
 * The database goes away under load, twice: its backends are terminated, then its server is
 * stopped and started. The web process (with its worker) must stay up, answer 503 with
 * Retry-After in the envelope while the database is gone, and lose no acknowledged claim.
 */
describe.runIf(ownPostgresAvailable())('a database outage under load', () => {
  let postgres: OwnPostgres;
  let server: RecallkitProcess;
  let dataDir: string;
  const units = demoUnits('anker-2025-us-a1263');
  let nextUnit = 0;
  const acknowledged: { id: string; accessToken: string }[] = [];
  const answers = new Map<number, number>();
  const unexpected: string[] = [];

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE recallkit');
    await admin.end();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-outage-'));
    server = await startRecallkit({
      DATABASE_URL: postgres.url.replace(/\/postgres$/, '/recallkit'),
      DATA_DIR: dataDir,
      SEED_EXAMPLES: 'true',
      LOOKUP_RATE_LIMIT: '0',
      STAFF_LOGIN_RATE_LIMIT: '0',
      CLAIM_LIMIT_PER_CLIENT: '0',
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    postgres?.destroy();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function createClaim(): Promise<number> {
    const unit = units[nextUnit++ % units.length] as { serial: string; model: string };
    const response = await postClaim(server.base, unit, `${unit.serial.toLowerCase()}@example.com`);
    await record(response, async (body) => acknowledged.push(body as { id: string; accessToken: string }));
    return response.status;
  }

  async function record(response: Response, onCreated?: (body: unknown) => Promise<unknown>) {
    answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
    const body = await response.json();
    if (response.status === 201) await onCreated?.(body);
    else if (response.status === 503) {
      if (body.error?.code !== 'unavailable' || !(Number(response.headers.get('retry-after')) > 0))
        unexpected.push(`503 ${JSON.stringify(body)} retry-after=${response.headers.get('retry-after')}`);
    } else if (response.status !== 409) unexpected.push(`${response.status} ${JSON.stringify(body)}`);
  }

  async function underLoad<T>(work: () => Promise<T>): Promise<T> {
    let running = true;
    const loops = Array.from({ length: 4 }, async () => {
      while (running) await createClaim().catch((error) => unexpected.push(String(error)));
    });
    try {
      return await work();
    } finally {
      running = false;
      await Promise.all(loops);
    }
  }

  it('survives its connections being terminated, three times, while claims are created', async () => {
    await underLoad(async () => {
      const admin = new pg.Client({ connectionString: postgres.url });
      await admin.connect();
      for (let round = 0; round < 3; round++) {
        await new Promise((resolve) => setTimeout(resolve, 700));
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'recallkit' AND pid <> pg_backend_pid()",
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 700));
      await admin.end();
    });
    expect(server.alive()).toBe(true);
    expect(unexpected).toEqual([]);
    expect(server.logs()).not.toMatch(/Unhandled 'error' event/);
    // Serving on: a claim is created at once after the last termination.
    expect(await createClaim()).toBe(201);
  }, 60_000);

  it('answers 503 with Retry-After while the server is down, and recovers by itself', async () => {
    const before = acknowledged.length;
    expect(before).toBeGreaterThan(0);
    const during: Record<string, number> = {};
    await underLoad(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      postgres.stop();
      const claim = acknowledged[0] as { id: string; accessToken: string };
      const calls: Record<string, () => Promise<Response>> = {
        create: async () => {
          await createClaim();
          return fetch(`${server.base}/readyz`);
        },
        status: () =>
          fetch(`${server.base}/api/v1/claims/${claim.id}`, {
            headers: { authorization: `Bearer ${claim.accessToken}` },
          }),
        signIn: () =>
          fetch(`${server.base}/api/v1/console/session`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'admin@recallkit.local', password: 'not-the-password-1' }),
          }),
        ready: () => fetch(`${server.base}/readyz`),
      };
      for (const [name, call] of Object.entries(calls)) {
        const response = await call();
        during[name] = response.status;
        if (name !== 'create') await record(response);
      }
      // The lookup runs from memory and does not need the database.
      const lookup = await fetch(`${server.base}/api/v1/lookup?serial=${units[0]?.serial}`);
      during.lookup = lookup.status;
      postgres.start();
    });
    expect(during).toEqual({ create: 503, status: 503, signIn: 503, ready: 503, lookup: 200 });
    await expect.poll(() => createClaim(), { timeout: 30_000, interval: 250 }).toBe(201);
    expect(server.alive()).toBe(true);
    expect(unexpected).toEqual([]);
    expect(answers.get(500)).toBeUndefined();

    // Every claim acknowledged before and during the outages is there, with its link working.
    for (const claim of acknowledged) {
      const status = await fetch(`${server.base}/api/v1/claims/${claim.id}`, {
        headers: { authorization: `Bearer ${claim.accessToken}` },
      });
      expect(status.status, claim.id).toBe(200);
    }
    const ready = await fetch(`${server.base}/readyz`);
    expect(ready.status).toBe(200);
  }, 90_000);
});
