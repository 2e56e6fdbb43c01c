import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appWithExamples } from '../../test/support/app.ts';
import { demoUnits } from '../../test/support/claims.ts';
import { testDatabases } from '../../test/support/databases.ts';
import { claimBody } from '../../test/support/owner-http.ts';
import type { Db } from './db/database.ts';

/** Keeps the event loop busy, as a burst past what the process can serve does. */
function busy(ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // nothing: the loop serves no one meanwhile
  }
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unit = demoUnits('anker-2025-us-a1263')[11] as { serial: string; model: string };

describe('load shedding', () => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof appWithExamples>>;

  beforeAll(async () => {
    const [first] = await testDatabases();
    db = await (first as { open: () => Promise<Db> }).open();
    harness = await appWithExamples(db, { config: { shedEventLoopDelayMs: 50 } });
    await harness.app.ready();
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  const lookup = () =>
    harness.app.inject({
      method: 'GET',
      url: '/api/v1/lookup?serial=AH7M4Z2K9C1QR8T3',
      headers: { 'accept-language': 'es' },
    });

  it('refuses at once with 503 and Retry-After while overloaded, keeps /healthz, and recovers', async () => {
    // Serving first: under the test suite's own load the loop can be late at start-up, so wait
    // for a calm sample rather than assume one.
    await expect.poll(async () => (await lookup()).statusCode, { timeout: 10_000, interval: 100 }).toBe(200);
    // Overloaded: the loop is late by far more than 50 ms, sample after sample.
    for (let i = 0; i < 5; i++) {
      busy(150);
      await pause(1);
    }
    const refused = await lookup();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json().error.code).toBe('unavailable');
    expect(refused.json().error.message).toMatch(/inténtelo/i);
    expect((await harness.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // A refused request does none of its work: no claim behind a 503 (the owner's retry would meet it).
    const claim = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/claims',
      payload: claimBody(unit, 'ana@example.com'),
    });
    expect(claim.statusCode).toBe(503);

    // The burst over, it serves again within a few samples.
    await expect.poll(async () => (await lookup()).statusCode, { timeout: 5000, interval: 100 }).toBe(200);
    const claims = await db.kysely
      .selectFrom('claim')
      .select('id')
      .where('serial', '=', unit.serial)
      .execute();
    expect(claims).toEqual([]);
  });
});
