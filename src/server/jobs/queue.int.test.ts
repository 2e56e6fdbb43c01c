import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/support/app.ts';
import { createPostgresDatabase, testDatabases } from '../../../test/support/databases.ts';
import { type Db, openDatabase } from '../db/database.ts';
import { claimJobs, enqueue, jobCounts, listJobs, retryDeadJob } from './queue.ts';
import { type JobHandlers, JobWorker } from './worker.ts';

const noBackoff = () => 0;

describe.each(await testDatabases())('job queue on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => db?.close());

  it('enqueues in the caller’s transaction: a rolled-back change leaves no job', async () => {
    await db
      .transaction(async (tx) => {
        await enqueue(tx.kysely, 'test.rollback', { n: 1 });
        throw new Error('the change failed');
      })
      .catch(() => {});
    await db.transaction((tx) => enqueue(tx.kysely, 'test.rollback', { n: 2 }));
    const jobs = await listJobs(db.kysely, { queue: 'test.rollback' });
    expect(jobs.map((job) => job.payload)).toEqual([{ n: 2 }]);
  });

  it('retries a failing job with backoff until it succeeds, and records each attempt', async () => {
    let calls = 0;
    const handlers: JobHandlers = {
      'test.flaky': async () => {
        calls++;
        if (calls < 3) throw new Error(`attempt ${calls} failed`);
      },
    };
    await enqueue(db.kysely, 'test.flaky', {});
    const worker = new JobWorker(db, handlers, silentLogger, { backoff: noBackoff });
    await worker.drain();
    expect(calls).toBe(3);
    const [job] = await listJobs(db.kysely, { queue: 'test.flaky' });
    expect(job).toMatchObject({ state: 'done', attempts: 3, lastError: null });
  });

  it('moves a job that keeps failing to dead, where an operator can retry it', async () => {
    let fixed = false;
    const handlers: JobHandlers = {
      'test.broken': async () => {
        if (!fixed) throw new Error('the SMTP relay refused');
      },
    };
    await enqueue(db.kysely, 'test.broken', {}, { maxAttempts: 3 });
    const worker = new JobWorker(db, handlers, silentLogger, { backoff: noBackoff });
    await worker.drain();
    const [dead] = await listJobs(db.kysely, { queue: 'test.broken' });
    expect(dead).toMatchObject({ state: 'dead', attempts: 3 });
    expect(dead?.lastError).toMatch(/SMTP relay refused/);
    expect((await jobCounts(db.kysely)).dead).toBeGreaterThanOrEqual(1);

    fixed = true;
    expect(await retryDeadJob(db.kysely, dead?.id as string)).toBe(true);
    await worker.drain();
    expect((await listJobs(db.kysely, { queue: 'test.broken' }))[0]).toMatchObject({
      state: 'done',
      attempts: 1,
    });
  });

  it('keeps one unfinished job per singleton key', async () => {
    await enqueue(db.kysely, 'test.single', { first: true }, { singletonKey: 'draft-1' });
    await enqueue(db.kysely, 'test.single', { first: false }, { singletonKey: 'draft-1' });
    expect(await listJobs(db.kysely, { queue: 'test.single' })).toHaveLength(1);
  });

  it('keeps enqueuing once its statement has run often enough to get a generic plan', async () => {
    // PostgreSQL plans a prepared statement's first five runs with the values, then tries a plan
    // without them: an ON CONFLICT that named its partial index's states as parameters failed there.
    for (let n = 0; n < 8; n++) {
      await enqueue(db.kysely, 'test.generic', { n }, { singletonKey: `key-${n % 2}` });
    }
    const jobs = await listJobs(db.kysely, { queue: 'test.generic' });
    expect(jobs.map((job) => job.payload)).toEqual(expect.arrayContaining([{ n: 0 }, { n: 1 }]));
    expect(jobs).toHaveLength(2);
  });

  it('runs a job again when the worker that claimed it died, once its lease lapsed', async () => {
    await enqueue(db.kysely, 'test.orphan', { claim: 'clm_1' });
    // A worker claims it with a short lease and dies: it neither completes nor renews.
    const [claimed] = await claimJobs(db.kysely, ['test.orphan'], 'dead-worker', 1, 100);
    expect(claimed?.attempts).toBe(1);
    const ran: unknown[] = [];
    const survivor = new JobWorker(
      db,
      { 'test.orphan': async (job) => void ran.push(job.payload) },
      silentLogger,
    );
    expect(await survivor.drain()).toBe(0); // still leased
    await new Promise((resolve) => setTimeout(resolve, 150));
    await survivor.drain();
    expect(ran).toEqual([{ claim: 'clm_1' }]);
    expect((await listJobs(db.kysely, { queue: 'test.orphan' }))[0]).toMatchObject({
      state: 'done',
      attempts: 2,
    });
  });
});

describe('two worker processes on one PostgreSQL', async () => {
  const hasPostgres = (await testDatabases()).some((d) => d.name === 'postgres');
  it.runIf(hasPostgres)('never run one job twice', async () => {
    const created = await createPostgresDatabase();
    // Separate pools: as separate processes would be.
    const one = await openDatabase({ databaseUrl: created.url, dataDir: '' });
    const two = await openDatabase({ databaseUrl: created.url, dataDir: '' });
    try {
      await one.transaction((tx) => tx.query('CREATE TABLE ran (job_id text, worker text)'));
      await one.transaction(async (tx) => {
        for (let i = 0; i < 150; i++) await enqueue(tx.kysely, 'test.race', { i });
      });
      const handlerFor = (db: Db, name: string): JobHandlers => ({
        'test.race': async (job) => {
          await db.transaction((tx) => tx.query('INSERT INTO ran VALUES ($1, $2)', [job.id, name]));
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        },
      });
      const a = new JobWorker(one, handlerFor(one, 'a'), silentLogger, { concurrency: 5, pollMs: 20 });
      const b = new JobWorker(two, handlerFor(two, 'b'), silentLogger, { concurrency: 5, pollMs: 20 });
      await Promise.all([a.drain(), b.drain()]);
      const rows = (await one.transaction((tx) => tx.query('SELECT job_id, worker FROM ran'))).rows;
      expect(rows).toHaveLength(150);
      expect(new Set(rows.map((r) => r.job_id)).size).toBe(150);
      expect(new Set(rows.map((r) => r.worker))).toEqual(new Set(['a', 'b']));
      expect((await jobCounts(one.kysely)).done).toBe(150);
    } finally {
      await one.close();
      await two.close();
      await created.drop();
    }
  });
});
