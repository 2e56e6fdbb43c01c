import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appWithExamples } from '../../../../test/support/app.ts';
import { createPostgresDatabase, testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';
import { openDatabase } from '../../db/database.ts';
import { importSerials } from './import-serials.ts';

const US_SERIAL = 'AH7M4Z2K9C1QR8T3'; // first row of campaigns/anker-2025-us-a1263.demo.csv

describe.each(await testDatabases())('lookup API on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof appWithExamples>>;
  const get = (url: string, headers: Record<string, string> = {}) =>
    harness.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    db = await open();
    harness = await appWithExamples(db);
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  it('says a listed unit is affected, with its recall, model, remedies and next steps', async () => {
    const response = await get(`/api/v1/lookup?serial=${encodeURIComponent('ah7m-4z2k 9c1q-r8t3')}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ affected: true, normalizedSerial: US_SERIAL, suggestions: [] });
    expect(body.matches).toHaveLength(1);
    expect(body.matches[0]).toMatchObject({
      campaign: { slug: 'anker-2025-us-a1263', url: '/recalls/anker-2025-us-a1263' },
      model: { code: 'A1263', name: 'Anker PowerCore 10000' },
      matchedBy: 'serial',
      country: 'US',
      claimsOpen: true,
      remedies: [
        { kind: 'replacement', sku: 'A1388' },
        { kind: 'gift_card', value: { amountMinor: 3000, currency: 'USD' } },
      ],
    });
    expect(body.matches[0].remedies.map((r: { kind: string }) => r.kind)).not.toContain('refund');
    expect(body.matches[0].nextSteps[0]).toMatch(/Stop using/);
  });

  it('reads O and I as the 0 and 1 a campaign that never uses them meant', async () => {
    const body = (await get('/api/v1/lookup?serial=AH7M4Z2K9CIQR8T3')).json();
    expect(body.affected).toBe(true);
  });

  it('answers in Chinese and Spanish', async () => {
    const zh = (
      await get(`/api/v1/lookup?serial=${US_SERIAL}`, { 'accept-language': 'zh-CN,zh;q=0.9' })
    ).json();
    expect(zh.message).toBe('您的产品属于召回范围。请立即停止使用。');
    expect(zh.matches[0].remedies[1].label).toContain('礼品卡');
    const es = (await get(`/api/v1/lookup?serial=${US_SERIAL}&lang=es`)).json();
    expect(es.matches[0].campaign.title).toContain('Batería externa');
  });

  it('says "not affected" for an unlisted serial, and offers a look-alike that is listed', async () => {
    const none = (await get('/api/v1/lookup?serial=AAAABBBBCCCCDDDD')).json();
    expect(none).toMatchObject({ affected: false, matches: [], suggestions: [] });
    expect(none.message).toMatch(/not part of any recall/);

    // Z for 2 and S for 5: the owner misread two characters of AG5K2M8R4T6W9X3N.
    const near = (await get('/api/v1/lookup?serial=AGSK2M8R4T6W9X3N')).json();
    expect(near.affected).toBe(false);
    expect(near.suggestions[0]).toEqual({
      serial: 'AG5K2M8R4T6W9X3N',
      campaign: 'anker-2025-global-5-models',
      model: 'A1647',
    });
    expect(near.message).toContain('AG5K2M8R4T6W9X3N');
  });

  it('never answers "not recalled" to input that is not a whole serial: recognised: false', async () => {
    const complete = (await get('/api/v1/lookup?serial=AAAABBBBCCCCDDDD')).json();
    expect(complete).toMatchObject({
      affected: false,
      recognised: true,
      modelNumber: null,
      serialHelp: null,
    });

    // 12 of the 16 characters, a single letter, 17 characters: cannot tell.
    for (const partial of ['AH7M4Z2K9C1Q', 'x', 'AAAABBBBCCCCDDDDE']) {
      const body = (await get(`/api/v1/lookup?serial=${partial}`)).json();
      expect(body, partial).toMatchObject({ affected: false, recognised: false, modelNumber: null });
      expect(body.message).toMatch(/not a complete serial number/);
      expect(body.message).not.toMatch(/not part of any recall/);
      expect(body.serialHelp).toMatch(/printed on the bottom/);
    }

    // The model number typed for a serial: which model it is, and where the serial is.
    const model = (await get('/api/v1/lookup?serial=a1263&lang=es')).json();
    expect(model).toMatchObject({
      affected: false,
      recognised: false,
      normalizedSerial: null,
      model: 'A1263',
      modelNumber: { code: 'A1263', campaign: 'anker-2025-us-a1263', recalledAsWhole: false },
    });
    expect(model.message).toMatch(/^A1263 es el número de modelo de Anker PowerCore 10000/);
    expect(model.serialHelp).toMatch(/número de serie están impresos en la parte inferior/);
    // A wholly recalled model typed for a serial is answered as the recall it is.
    const whole = (await get('/api/v1/lookup?serial=A1642')).json();
    expect(whole).toMatchObject({ affected: true, recognised: true, model: 'A1642' });
    // Asked by model alone, a partly recalled model cannot be answered either.
    expect((await get('/api/v1/lookup?model=A1263')).json()).toMatchObject({
      affected: false,
      recognised: false,
      modelNumber: { code: 'A1263' },
    });
    // A model no recall names is simply not recalled.
    expect((await get('/api/v1/lookup?model=A9999')).json()).toMatchObject({
      affected: false,
      recognised: true,
    });

    const batch = (
      await harness.app.inject({
        method: 'POST',
        url: '/api/v1/lookup/batch',
        payload: { serials: ['AH7M4Z2K9C1Q', 'A1263', 'AAAABBBBCCCCDDDD', US_SERIAL] },
      })
    ).json();
    expect(batch.results.map((r: { recognised: boolean }) => r.recognised)).toEqual([
      false,
      false,
      true,
      true,
    ]);
    expect(batch).toMatchObject({ affectedCount: 1, unrecognisedCount: 2 });
  });

  it('finds one serial in two recalls and answers a whole-model recall by model', async () => {
    const byModel = (await get('/api/v1/lookup?model=a1642')).json();
    expect(byModel).toMatchObject({ affected: true, model: 'A1642', normalizedSerial: null });
    expect(byModel.matches[0]).toMatchObject({
      matchedBy: 'model',
      campaign: { slug: 'anker-2025-cn' },
      returnRequired: true,
      country: 'CN',
    });
    expect(byModel.matches[0].remedies.map((r: { kind: string }) => r.kind)).toEqual([
      'refund',
      'replacement',
      'voucher',
    ]);

    const unlistedSerialOfWholeModel = (
      await get('/api/v1/lookup?serial=AAAABBBBCCCCDDDD&model=A1680')
    ).json();
    expect(unlistedSerialOfWholeModel.affected).toBe(true);
  });

  it('checks up to 1,000 serials in one batch and answers bad ones one by one', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/lookup/batch',
      payload: { serials: [US_SERIAL, 'AAAABBBBCCCCDDDD', '', 'AG3P7X5N2W8K4R6T'] },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ affectedCount: 2, unrecognisedCount: 0 });
    expect(body.results.map((r: { affected?: boolean }) => r.affected)).toEqual([
      true,
      false,
      undefined,
      true,
    ]);
    expect(body.results[2]).toMatchObject({ serial: '', error: { code: 'serial_empty' } });

    const thousand = Array.from({ length: 1000 }, (_, i) => `AH${String(i).padStart(14, '0')}`);
    expect(
      (
        await harness.app.inject({
          method: 'POST',
          url: '/api/v1/lookup/batch',
          payload: { serials: thousand },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('refuses bad input with a clear JSON error and keeps serving', async () => {
    const cases: [string, number, string][] = [
      [`/api/v1/lookup?serial=${'A'.repeat(10_000)}`, 400, 'serial_too_long'],
      ['/api/v1/lookup?serial=AH7M%00Z2K', 400, 'text_unstorable'],
      ['/api/v1/lookup?serial=AH7M%0AZ2K', 400, 'serial_invalid_characters'],
      ['/api/v1/lookup', 400, 'query_empty'],
      ['/api/v1/lookup?serial=', 400, 'query_empty'],
      ['/api/v1/lookup?serial=%20-%20', 400, 'serial_empty'],
      [`/api/v1/lookup?serial=${encodeURIComponent("1' OR '1'='1")}`, 400, 'serial_invalid_characters'],
      [
        `/api/v1/lookup?serial=${encodeURIComponent('<script>alert(1)</script>')}`,
        400,
        'serial_invalid_characters',
      ],
      ['/api/v1/lookup?serial=AB12&country=USA', 400, 'country_invalid'],
      ['/api/v1/lookup?model=%3Cb%3E', 400, 'model_invalid'],
      ['/api/v1/lookup?serial=a&serial=b', 400, 'invalid_request'],
      ['/api/v1/campaigns/no-such-recall', 404, 'campaign_not_found'],
      ['/api/v1/nothing-here', 404, 'not_found'],
    ];
    for (const [url, status, code] of cases) {
      const response = await get(url);
      expect(response.statusCode, url.slice(0, 80)).toBe(status);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      const body = response.json();
      expect(body.error.code, url.slice(0, 80)).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(10);
    }
    const batchCases: [unknown, string | undefined, number, string][] = [
      [{ serials: Array.from({ length: 1001 }, () => 'AB') }, undefined, 400, 'batch_too_large'],
      [{ serials: [] }, undefined, 400, 'batch_empty'],
      [{ serials: 'AH7M' }, undefined, 400, 'invalid_request'],
      ['{"serials": [', 'application/json', 400, 'malformed_json'],
      ['serials=AB', 'text/plain', 415, 'unsupported_media_type'],
      [{ serials: Array.from({ length: 1000 }, () => 'A'.repeat(2000)) }, undefined, 413, 'body_too_large'],
    ];
    for (const [payload, contentType, status, code] of batchCases) {
      const response = await harness.app.inject({
        method: 'POST',
        url: '/api/v1/lookup/batch',
        payload: payload as string,
        headers: contentType
          ? { 'content-type': contentType, 'accept-language': 'es' }
          : { 'accept-language': 'es' },
      });
      expect(response.statusCode, code).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    const spanish = (await get('/api/v1/lookup', { 'accept-language': 'es-MX' })).json();
    expect(spanish.error.message).toBe('Introduzca un número de serie (o un modelo) para comprobarlo.');
    expect((await get(`/api/v1/lookup?serial=${US_SERIAL}`)).json().affected).toBe(true);
  });

  it('serves the public recall pages, health, readiness and the OpenAPI document', async () => {
    const list = (await get('/api/v1/campaigns')).json();
    expect(list.campaigns.map((c: { slug: string }) => c.slug).sort()).toEqual([
      'anker-2025-cn',
      'anker-2025-global-5-models',
      'anker-2025-us-a1263',
    ]);
    const detail = (await get('/api/v1/campaigns/anker-2025-global-5-models?lang=zh-CN')).json();
    expect(detail.regulator).toMatchObject({ authority: 'CPSC', reference: '25-466' });
    expect(detail.jurisdictions.map((j: { country: string }) => j.country)).toEqual(['US', '*']);
    expect(detail.instructions[0]).toContain('停止使用');

    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await get('/readyz')).json()).toMatchObject({
      status: 'ready',
      database: db.kind,
      storage: 'fs',
    });
    const openapi = (await get('/api/docs/json')).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/v1/lookup', '/api/v1/lookup/batch', '/api/v1/campaigns/{slug}']),
    );
    expect((await get('/api/docs/')).statusCode).toBe(200);
  });

  it('passes the caller’s request id through, or makes one', async () => {
    const echoed = await get('/healthz', { 'x-request-id': 'partner-abc-123' });
    expect(echoed.headers['x-request-id']).toBe('partner-abc-123');
    expect((await get('/healthz')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('picks up a list imported after start once the catalog refreshes', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rk-')), 'late.csv');
    fs.writeFileSync(file, 'serial,model,market\nAHLATE0000000001,A1263,US\n');
    expect((await get('/api/v1/lookup?serial=AHLATE0000000001')).json().affected).toBe(false);
    await importSerials(db, { campaignSlug: 'anker-2025-us-a1263', file, actor: 'test' });
    await harness.catalog.refresh();
    expect((await get('/api/v1/lookup?serial=AHLATE0000000001')).json().affected).toBe(true);
  });
});

describe.each(await testDatabases())('lookup rate limit on $name', ({ open }) => {
  it('answers 429 with Retry-After past LOOKUP_RATE_LIMIT requests a minute', async () => {
    const db = await open();
    const harness = await appWithExamples(db, { lookupRateLimit: 3 });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof harness.app.inject>> | undefined;
      for (let i = 0; i < 4; i++) {
        last = await harness.app.inject({
          method: 'GET',
          url: '/api/v1/lookup?serial=AB12',
          headers: { 'accept-language': 'zh' },
        });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
      expect(last?.json().error).toMatchObject({ code: 'rate_limited' });
      expect(last?.json().error.message).toMatch(/秒后重试/);
      expect((await harness.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await harness.close();
      await db.close();
    }
  });

  it('counts in the database: two servers on it allow what one would, and a restart forgets nothing', async () => {
    const db = await open();
    const first = await appWithExamples(db, { lookupRateLimit: 4 });
    const second = await appWithExamples(db, { lookupRateLimit: 4 });
    const lookup = (harness: typeof first) =>
      harness.app.inject({ method: 'GET', url: '/api/v1/lookup?serial=AB12' }).then((r) => r.statusCode);
    try {
      const statuses = [await lookup(first), await lookup(second), await lookup(first), await lookup(second)];
      expect(statuses).toEqual([200, 200, 200, 200]);
      expect(await lookup(second)).toBe(429);
      await first.close();
      const restarted = await appWithExamples(db, { lookupRateLimit: 4 });
      expect(await lookup(restarted)).toBe(429);
      await restarted.close();
    } finally {
      await second.close();
      await db.close();
    }
  });
});

describe('lookup index across processes (PostgreSQL)', async () => {
  const databases = await testDatabases();
  it.runIf(databases.some((d) => d.name === 'postgres'))(
    'sees serials that another process imported, without a restart',
    async () => {
      const created = await createPostgresDatabase();
      const serverDb = await openDatabase({ databaseUrl: created.url, dataDir: '' });
      const otherProcessDb = await openDatabase({ databaseUrl: created.url, dataDir: '' });
      const harness = await appWithExamples(serverDb, { catalogRefreshMs: 200 });
      try {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rk-')), 'other.csv');
        fs.writeFileSync(file, 'serial,model\nAG0THER000000001,A1689\n');
        await importSerials(otherProcessDb, {
          campaignSlug: 'anker-2025-global-5-models',
          file,
          actor: 'other',
        });
        // No call into the server: its poll timer (CATALOG_REFRESH_MS) has to notice the new revision.
        const lookup = async () =>
          (await harness.app.inject({ method: 'GET', url: '/api/v1/lookup?serial=AG0THER000000001' })).json();
        await expect
          .poll(async () => (await lookup()).affected, { timeout: 10_000, interval: 100 })
          .toBe(true);
        expect(await lookup()).toMatchObject({ affected: true, matches: [{ model: { code: 'A1689' } }] });
      } finally {
        await harness.close();
        await otherProcessDb.close();
        await (serverDb as Db).close();
        await created.drop();
      }
    },
  );
});
