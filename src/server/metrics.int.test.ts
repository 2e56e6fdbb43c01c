import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsHarness } from '../../test/support/claims.ts';
import { testDatabases } from '../../test/support/databases.ts';
import type { Db } from './db/database.ts';
import { enqueue } from './jobs/queue.ts';
import { operationsRegistry, serveMetrics } from './metrics.ts';

const TOKEN = 'metrics-token-for-the-test-0123';

/** The value of one series in Prometheus text (0 when absent). */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe.each(await testDatabases())('metrics on $name', ({ open }) => {
  let db: Db;
  let h: Awaited<ReturnType<typeof claimsHarness>>;

  beforeAll(async () => {
    db = await open();
    h = await claimsHarness(db, { config: { metricsToken: TOKEN } });
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  const scrape = async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    return response.body;
  };

  it('answers only with the token, and the series move when a claim goes through', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await h.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer not-the-metrics-token-at-all' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('unauthorized');

    const before = await scrape();
    const created =
      'recallkit_http_request_duration_seconds_count{method="POST",route="/api/v1/claims",status="201"}';
    await h.inReview({ email: 'metrics@example.com' }); // created, sent, verified (to a person), mailed
    const after = await scrape();

    expect(value(after, created)).toBe(value(before, created) + 1);
    expect(value(after, 'recallkit_machine_decisions_total{verdict="review"}')).toBe(
      value(before, 'recallkit_machine_decisions_total{verdict="review"}') + 1,
    );
    expect(value(after, 'recallkit_verification_seconds_count')).toBe(
      value(before, 'recallkit_verification_seconds_count') + 1,
    );
    // No SMTP here: the claim's e-mail is held in the outbox.
    expect(value(after, 'recallkit_mail_total{outcome="held"}')).toBeGreaterThan(
      value(before, 'recallkit_mail_total{outcome="held"}'),
    );
    expect(value(after, 'recallkit_lookup_index_serials')).toBeGreaterThan(1000);
    expect(after).toContain('# TYPE recallkit_jobs_oldest_runnable_age_seconds gauge');
    // A job waiting in a queue shows in its depth, and its wait in the queue's lag.
    await enqueue(db.kysely, 'reporting.rollup', {}, { runAt: new Date(Date.now() - 60_000) });
    const queued = await scrape();
    expect(value(queued, 'recallkit_jobs{queue="reporting.rollup",state="queued"}')).toBe(1);
    expect(
      value(queued, 'recallkit_jobs_oldest_runnable_age_seconds{queue="reporting.rollup"}'),
    ).toBeGreaterThan(59);
    expect(after).toContain('# TYPE recallkit_remedies gauge');
    expect(after).toContain('recallkit_process_resident_memory_bytes');
    if (db.kind === 'postgres')
      expect(after).toMatch(/^recallkit_db_pool_connections\{state="open"\} [1-9]/m);
  });

  it('serves them without a token on METRICS_PORT, and nothing else there', async () => {
    const server = await serveMetrics(0, '127.0.0.1', operationsRegistry({ db }));
    try {
      const { port } = server.address() as { port: number };
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('recallkit_jobs');
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});

describe('metrics without METRICS_TOKEN', () => {
  it('do not exist on the main port', async () => {
    const [first] = await testDatabases();
    const db = await (first as { open: () => Promise<Db> }).open();
    const h = await claimsHarness(db);
    try {
      const response = await h.app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    } finally {
      await h.close();
      await db.close();
    }
  });
});
