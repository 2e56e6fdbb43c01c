import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUnits } from '../support/claims.ts';
import { createPostgresDatabase, testDatabases } from '../support/databases.ts';
import { postClaim } from '../support/owner-http.ts';
import { type RecallkitProcess, startRecallkit, startWorkerProcess } from '../support/processes.ts';

const hasPostgres = (await testDatabases()).some((database) => database.name === 'postgres');

/**
 * A worker killed with SIGKILL in the middle of its jobs: another takes them over once their
 * lease lapses, and each claim is verified exactly once.
 */
describe.runIf(hasPostgres)('a worker killed mid-job (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let web: RecallkitProcess;
  let dataDir: string;
  let env: Record<string, string>;
  let admin: pg.Client;
  const claims: string[] = [];

  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-worker-crash-'));
    env = { DATABASE_URL: database.url, DATA_DIR: dataDir, WORKER_LEASE_SECONDS: '3', OCR_WORKERS: '1' };
    web = await startRecallkit({
      ...env,
      WORKER: 'false',
      SEED_EXAMPLES: 'true',
      LOOKUP_RATE_LIMIT: '0',
      CLAIM_LIMIT_PER_CLIENT: '0',
    });
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    // Photos with enough in them that reading each takes the worker a moment.
    const photo = (seed: number) =>
      sharp({
        create: {
          width: 1800,
          height: 1350,
          channels: 3,
          background: '#888',
          noise: { type: 'gaussian', mean: 120 + seed, sigma: 60 },
        },
      })
        .jpeg()
        .toBuffer();
    for (const [i, unit] of demoUnits('anker-2025-us-a1263').slice(20, 26).entries()) {
      const created = await postClaim(web.base, unit, `crash${i}@example.com`);
      const claim = (await created.json()) as { id: string; accessToken: string };
      const auth = { authorization: `Bearer ${claim.accessToken}` };
      for (const kind of ['label', 'marked']) {
        const form = new FormData();
        form.append('kind', kind);
        form.append(
          'file',
          new Blob([new Uint8Array(await photo(i * 2 + claims.length))], { type: 'image/jpeg' }),
          `${kind}.jpg`,
        );
        const uploaded = await fetch(`${web.base}/api/v1/claims/${claim.id}/evidence`, {
          method: 'POST',
          body: form,
          headers: auth,
        });
        expect(uploaded.status).toBe(201);
      }
      const submitted = await fetch(`${web.base}/api/v1/claims/${claim.id}/submit`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ disposalAttested: true }),
      });
      expect(submitted.status).toBe(200);
      claims.push(claim.id);
    }
  }, 120_000);

  afterAll(async () => {
    await admin?.end();
    await web?.stop();
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const jobStates = async () =>
    (
      await admin.query<{ state: string; n: string }>(
        "SELECT state, count(*) AS n FROM job WHERE queue IN ('evidence.process', 'claim.verify') GROUP BY state",
      )
    ).rows.reduce<Record<string, number>>(
      (all, row) => Object.assign(all, { [row.state]: Number(row.n) }),
      {},
    );

  it('has its jobs taken over after the lease and each claim verified once', async () => {
    const first = startWorkerProcess(env);
    // Kill it while it holds jobs.
    const deadline = Date.now() + 60_000;
    while (!((await jobStates()).active ?? 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect((await jobStates()).active).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    await first.exited;
    const orphaned = (await jobStates()).active;

    const second = startWorkerProcess(env);
    try {
      const done = Date.now() + 120_000;
      for (;;) {
        const states = await jobStates();
        if (!states.queued && !states.active) break;
        if (Date.now() > done)
          throw new Error(`jobs still waiting: ${JSON.stringify(states)}\n${second.logs()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    expect(orphaned).toBeGreaterThan(0);
    expect((await jobStates()).dead).toBeUndefined();
    // Each claim left `verifying` exactly once: verified once, whoever ran it.
    const verdicts = await admin.query<{ claim_id: string; n: string }>(
      "SELECT claim_id, count(*) AS n FROM claim_event WHERE from_status = 'verifying' GROUP BY claim_id",
    );
    expect(Object.fromEntries(verdicts.rows.map((row) => [row.claim_id, Number(row.n)]))).toEqual(
      Object.fromEntries(claims.map((id) => [id, 1])),
    );
  }, 240_000);
});
