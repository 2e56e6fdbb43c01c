import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../src/server/db/database.ts';
import { appWithExamples } from './support/app.ts';

/** Every answer carries the security headers; HSTS only where the request came over HTTPS. */
describe('security headers', () => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof appWithExamples>>;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    harness = await appWithExamples(db, { trustProxy: true });
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  it.each([
    '/api/v1/lookup?serial=AH7M4Z2K9C1QR8T3',
    '/api/v1/lookup?serial=',
    '/api/v1/console/session',
    '/api/docs',
    '/healthz',
    '/nowhere',
  ])('%s', async (url) => {
    const response = await harness.app.inject({ url });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(response.headers['strict-transport-security']).toBeUndefined();
    const overHttps = await harness.app.inject({ url, headers: { 'x-forwarded-proto': 'https' } });
    expect(overHttps.headers['strict-transport-security']).toMatch(/^max-age=31536000/);
  });
});
