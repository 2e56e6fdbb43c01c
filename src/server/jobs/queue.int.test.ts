import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/support/app.ts';
import { createPostgresDatabase, testDatabases } from '../../../test/support/databases.ts';
import { type Db, openDatabase } from '../db/database.ts';
import { claimJobs, enqueue, jobCounts, listJobs, retryDeadJob } from './queue.ts';
import { type JobHandlers, JobWorker } from './worker.ts';

const noBackoff = () => 0;
/** The queue these tests run their own handlers on; each test's jobs carry ids with its own tag. */
const QUEUE = 'mail.send';
const message = (tag: string, n: number | string = 1) => ({ messageId: `${tag}-${n}` });

describe.each(await testDatabases())('job queue on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => db?.close());
  // Every test uses the same queue: each starts with none of another's jobs in it.
  beforeEach(async () => {
    await db.kysely.deleteFrom('job').execute();
  });
  const jobsTagged = async (tag: string) =>
    (await listJobs(db.kysely, { queue: QUEUE })).filter((job) =>
      String((job.payload as { messageId?: unknown }).messageId).startsWith(`${tag}-`),
    );

  it('enqueues in the caller’s transaction: a rolled-back change leaves no job', async () => {
    await db
      .transaction(async (tx) => {
        await enqueue(tx.kysely, QUEUE, message('rollback', 1));
        throw new Error('the change failed');
      })
      .catch(() => {});
    await db.transaction((tx) => enqueue(tx.kysely, QUEUE, message('rollback', 2)));
    const jobs = await jobsTagged('rollback');
    expect(jobs.map((job) => job.payload)).toEqual([message('rollback', 2)]);
  });

  it('retries a failing job with backoff until it succeeds, and records each attempt', async () => {
    let calls = 0;
    const handlers: JobHandlers = {
      [QUEUE]: async () => {
        calls++;
        if (calls < 3) throw new Error(`attempt ${calls} failed`);
      },
    };
    await enqueue(db.kysely, QUEUE, message('flaky'));
    const worker = new JobWorker(db, handlers, silentLogger, { backoff: noBackoff });
    await worker.drain();
    expect(calls).toBe(3);
    const [job] = await jobsTagged('flaky');
    expect(job).toMatchObject({ state: 'done', attempts: 3, lastError: null });
  });

  it('moves a job that keeps failing to dead, where an operator can retry it', async () => {
    let fixed = false;
    const handlers: JobHandlers = {
      [QUEUE]: async () => {
        if (!fixed) throw new Error('the SMTP relay refused');
      },
    };
    await enqueue(db.kysely, QUEUE, message('broken'), { maxAttempts: 3 });
    const worker = new JobWorker(db, handlers, silentLogger, { backoff: noBackoff });
    await worker.drain();
    const [dead] = await jobsTagged('broken');
    expect(dead).toMatchObject({ state: 'dead', attempts: 3 });
    expect(dead?.lastError).toMatch(/SMTP relay refused/);
    expect((await jobCounts(db.kysely)).dead).toBeGreaterThanOrEqual(1);

    fixed = true;
    expect(await retryDeadJob(db.kysely, dead?.id as string)).toBe(true);
    await worker.drain();
    expect((await jobsTagged('broken'))[0]).toMatchObject({
      state: 'done',
      attempts: 1,
    });
  });

  it('keeps one unfinished job per singleton key', async () => {
    await enqueue(db.kysely, QUEUE, message('single', 1), { singletonKey: 'draft-1' });
    await enqueue(db.kysely, QUEUE, message('single', 2), { singletonKey: 'draft-1' });
    expect(await jobsTagged('single')).toEqual([expect.objectContaining({ payload: message('single', 1) })]);
  });

  it('keeps enqueuing once its statement has run often enough to get a generic plan', async () => {
    // PostgreSQL plans a prepared statement's first five runs with the values, then tries a plan
    // without them: an ON CONFLICT that named its partial index's states as parameters failed there.
    for (let n = 0; n < 8; n++) {
      await enqueue(db.kysely, QUEUE, message('generic', n), { singletonKey: `key-${n % 2}` });
    }
    const jobs = await jobsTagged('generic');
    expect(jobs.map((job) => job.payload)).toEqual(
      expect.arrayContaining([message('generic', 0), message('generic', 1)]),
    );
    expect(jobs).toHaveLength(2);
  });

  it('runs a job again when the worker that claimed it died, once its lease lapsed', async () => {
    await enqueue(db.kysely, QUEUE, message('orphan'));
    // A worker claims it with a short lease and dies: it neither completes nor renews.
    const [claimed] = await claimJobs(db.kysely, [QUEUE], 'dead-worker', 1, 100);
    expect(claimed?.attempts).toBe(1);
    const ran: unknown[] = [];
    const survivor = new JobWorker(db, { [QUEUE]: async (job) => void ran.push(job.payload) }, silentLogger);
    expect(await survivor.drain()).toBe(0); // still leased
    await new Promise((resolve) => setTimeout(resolve, 150));
    await survivor.drain();
    expect(ran).toEqual([message('orphan')]);
    expect((await jobsTagged('orphan'))[0]).toMatchObject({
      state: 'done',
      attempts: 2,
    });
  });

  it('sends a job whose payload does not fit its queue to dead at once, with the reason, without running it', async () => {
    // Written by hand (or by another version): enqueue() would not compile with this payload.
    await db.kysely
      .insertInto('job')
      .values({
        queue: QUEUE,
        payload: JSON.stringify({ messageId: 42, tag: 'malformed' }),
        singleton_key: null,
      })
      .execute();
    let ran = 0;
    const worker = new JobWorker(db, { [QUEUE]: async () => void ran++ }, silentLogger, {
      backoff: noBackoff,
    });
    await worker.drain();
    expect(ran).toBe(0);
    const [malformed] = (await listJobs(db.kysely, { queue: QUEUE })).filter(
      (job) => (job.payload as { tag?: string }).tag === 'malformed',
    );
    expect(malformed).toMatchObject({ state: 'dead', attempts: 1 });
    expect(malformed?.lastError).toMatch(/MalformedPayload: .*messageId/s);
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
        for (let i = 0; i < 150; i++) await enqueue(tx.kysely, QUEUE, message('race', i));
      });
      const handlerFor = (db: Db, name: string): JobHandlers => ({
        [QUEUE]: async (job) => {
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
