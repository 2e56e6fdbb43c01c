import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsHarness, demoUnits } from '../../../../test/support/claims.ts';
import { type ConsoleClient, signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';
import { rollUp } from './rollup.ts';

const US = 'anker-2025-us-a1263';
const GLOBAL = 'anker-2025-global-5-models';

const incident = (overrides: Record<string, unknown> = {}) => ({
  model: 'A1263',
  kind: 'fire',
  injury: 'minor_burn',
  propertyDamage: true,
  damageCost: { amountMinor: 120000, currency: 'USD' },
  occurredOn: '2025-07-02',
  country: 'US',
  description: 'It caught fire on the nightstand while charging.',
  contact: { name: 'Pat Doe', email: 'pat@example.com', language: 'en' },
  mayContact: true,
  ...overrides,
});

describe.each(await testDatabases())('reporting on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof claimsHarness>>;
  let manager: ConsoleClient;
  let supervisor: ConsoleClient;

  beforeAll(async () => {
    db = await open();
    harness = await claimsHarness(db, {
      lookupCountFlushMs: 50,
      config: { claimLimits: { windowHours: 24, perEmail: 5, perAddress: 5, perClient: 0 } },
    });
    manager = await signIn(harness.app, db, 'manager');
    supervisor = await signIn(harness.app, db, 'supervisor');
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  const report = async (slug: string, month: string) =>
    (await manager.get(`/api/v1/console/reports/cpsc-monthly?campaign=${slug}&month=${month}`)).json();
  /** A claim approved by a person and its gift card issued: fulfilled, moved to `at`. */
  async function fulfilledAt(at: string, campaign = US) {
    const claim = await harness.inReview({ campaign, remedy: 'gift_card', language: 'en' });
    const decided = await supervisor.post(`/api/v1/console/claims/${claim.id}/decision`, {
      action: 'approve',
    });
    expect(decided.json().status).toBe('approved');
    await harness.worker.drain();
    await db.kysely
      .updateTable('claim_event')
      .set({ at: new Date(at) })
      .where('claim_id', '=', claim.id)
      .where('to_status', '=', 'fulfilled')
      .execute();
    return claim;
  }

  it('takes incident reports from anyone, linked to the recall when the unit is in one', async () => {
    const serial = demoUnits(US)[5]?.serial as string;
    const linked = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      payload: incident({ serial: serial.toLowerCase() }),
      headers: { 'accept-language': 'es' },
    });
    expect(linked.statusCode).toBe(201);
    expect(linked.json()).toMatchObject({ campaign: US, id: expect.stringMatching(/^inc_/) });
    expect(linked.json().message).toMatch(/forma parte de una retirada/);
    // Before the recall (announced 2025-06-12), and a model no recall names: recorded all the same.
    const before = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      payload: incident({
        occurredOn: '2025-03-01',
        injury: 'death',
        propertyDamage: false,
        damageCost: undefined,
      }),
    });
    expect(before.json().campaign).toBe(US);
    const unknown = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      payload: incident({ model: 'Z9999', kind: 'smoke', injury: 'none' }),
    });
    expect(unknown.json()).toMatchObject({ campaign: null });

    const bad = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      payload: incident({ kind: 'flood', occurredOn: 'yesterday' }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');

    // A claim for the same unit shows beside the incident.
    await harness.create({
      campaign: US,
      serial,
      model: 'A1263',
      remedy: 'gift_card',
      hasUnit: false,
      orderNumber: '113-5',
      claimant: { name: 'Pat Doe', email: 'pat@example.com', country: 'US', language: 'en' },
    });
    const list = (await supervisor.get(`/api/v1/console/incidents?campaign=${US}`)).json().incidents;
    expect(list).toHaveLength(2);
    expect(list.map((i: { beforeRecall: boolean }) => i.beforeRecall).sort()).toEqual([false, true]);
    const after = (await supervisor.get(`/api/v1/console/incidents?campaign=${US}&when=after`)).json()
      .incidents;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ serial, damageCost: { amountMinor: 120000, currency: 'USD' } });
    expect((await harness.app.inject({ method: 'GET', url: '/api/v1/console/incidents' })).statusCode).toBe(
      401,
    );
  });

  it('takes up to five photos with a report, on its own token, and shows them to staff without metadata', async () => {
    const created = (
      await harness.app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        payload: incident({ model: 'Z1234', injury: 'none' }),
      })
    ).json();
    const upload = (data: Buffer, token = created.photoToken, type = 'image/jpeg') => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(data)], { type }), 'photo.jpg');
      return harness.app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${created.id}/photos`,
        payload: form,
        headers: { authorization: `Bearer ${token}` },
      });
    };
    const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#a33' } })
      .withMetadata({ exif: { IFD0: { Make: 'PhoneCo', Artist: 'Pat Doe' } } })
      .jpeg()
      .toBuffer();
    expect((await upload(photo, 'not-the-token')).statusCode).toBe(401);
    const bad = await upload(Buffer.from('not a photo at all'));
    expect(bad.statusCode).toBe(415);
    expect(bad.json().error.code).toBe('photo_unsupported_type');
    for (let i = 0; i < 5; i++) {
      const r = await upload(photo);
      expect(r.statusCode, r.body).toBe(201);
    }
    const sixth = await upload(photo);
    expect(sixth.statusCode).toBe(409);
    expect(sixth.json().error.code).toBe('incident_photos_full');

    const listed = (await supervisor.get('/api/v1/console/incidents?limit=500')).json().incidents;
    const mine = listed.find((i: { id: string }) => i.id === created.id);
    expect(mine.photos).toHaveLength(5);
    expect(mine.photos[0]).toMatchObject({ width: 1600, height: 1200 });
    const shown = await supervisor.get(`/api/v1/console/incidents/${created.id}/photos/${mine.photos[0].id}`);
    expect(shown.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(shown.rawPayload).metadata()).exif).toBeUndefined();
    expect(
      (
        await harness.app.inject({
          method: 'GET',
          url: `/api/v1/console/incidents/${created.id}/photos/${mine.photos[0].id}`,
        })
      ).statusCode,
    ).toBe(401);
  });

  it('counts the CPSC monthly figures as by hand, across a month boundary', async () => {
    // Corrected (remedy delivered): one on the last minute of November, two in December, one of
    // them a claim sent in November; one in another campaign.
    await fulfilledAt('2026-11-30T23:59:00Z');
    await fulfilledAt('2026-12-01T00:00:30Z');
    const late = await fulfilledAt('2026-12-15T12:00:00Z');
    await db.kysely
      .updateTable('claim')
      .set({ submitted_at: new Date('2026-11-20T10:00:00Z') })
      .where('id', '=', late.id)
      .execute();
    await fulfilledAt('2026-12-02T00:00:00Z', GLOBAL);

    // The first test's incidents, as reported on 3 December.
    await db.kysely
      .updateTable('incident')
      .set({ created_at: new Date('2026-12-03T10:00:00Z') })
      .execute();

    const november = await report(US, '2026-11');
    expect(november).toMatchObject({
      campaign: US,
      month: '2026-11',
      period: { from: '2026-11-01', to: '2026-11-30' },
      recallDate: '2025-06-12',
      unitsAffected: { total: 1158000, byModel: { A1263: 1158000 } },
      unitsCorrected: {
        thisPeriod: {
          total: 1,
          byRemedy: { refund: 0, replacement: 0, repair: 0, other: 1 },
          byLocation: { consumers: 1, retailers: null },
        },
        toDate: { total: 1 },
      },
    });
    const december = await report(US, '2026-12');
    expect(december.unitsCorrected.thisPeriod.total).toBe(2);
    expect(december.unitsCorrected.toDate.total).toBe(3);
    // Incidents were reported in the first test (this month): one before the recall (a death), one after.
    expect(december.incidents.thisPeriod).toEqual({
      total: 2,
      beforeRecall: 1,
      afterRecall: 1,
      injuries: 1,
      deaths: 1,
    });
    expect(november.incidents.thisPeriod.total).toBe(0);
    const csv = await manager.get(
      `/api/v1/console/reports/cpsc-monthly?campaign=${US}&month=2026-12&format=csv`,
    );
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain('unitsCorrected.thisPeriod.total,2');
  });

  it('shows a recall’s progress in public, without personal data, and managers’ updates in three languages', async () => {
    const published = await manager.post(`/api/v1/console/campaigns/${US}/progress-updates`, {
      text: {
        en: 'Replacement units are shipping again.',
        es: 'Las unidades de repuesto vuelven a enviarse.',
      },
    });
    expect(published.statusCode).toBe(201);
    const progress = await harness.app.inject({
      method: 'GET',
      url: `/api/v1/campaigns/${US}/progress?lang=es`,
    });
    expect(progress.statusCode).toBe(200);
    expect(progress.headers['cache-control']).toBe('public, max-age=60');
    const body = progress.json();
    expect(body).toMatchObject({
      campaign: US,
      unitsAffected: 1158000,
      unitsCorrected: 3,
      incidentsReported: 2,
      updates: [{ text: 'Las unidades de repuesto vuelven a enviarse.' }],
    });
    expect(body.claimsReceived).toBeGreaterThanOrEqual(3);
    expect(body.percentCorrected).toBe(0);
    expect(JSON.stringify(body)).not.toMatch(/@example\.com|Pat Doe/);
    const zh = (
      await harness.app.inject({ method: 'GET', url: `/api/v1/campaigns/${US}/progress?lang=zh-CN` })
    ).json();
    expect(zh.updates[0].text).toBe('Replacement units are shipping again.'); // English where not written
    expect(
      (await harness.app.inject({ method: 'GET', url: '/api/v1/campaigns/nope/progress' })).statusCode,
    ).toBe(404);
  });

  it('counts owners’ lookups per recall and day, without who looked', async () => {
    const serial = demoUnits(US)[7]?.serial as string;
    for (let i = 0; i < 3; i++)
      await harness.app.inject({ method: 'GET', url: `/api/v1/lookup?serial=${serial}&country=US` });
    await harness.app.inject({ method: 'GET', url: '/api/v1/lookup?serial=AAAABBBBCCCCDDDD' });
    // Two visits to the recall page (the page says so); other fetches of the recall are not visits.
    for (let i = 0; i < 2; i++)
      await harness.app.inject({ method: 'GET', url: `/api/v1/campaigns/${US}?view=page` });
    await harness.app.inject({ method: 'GET', url: `/api/v1/campaigns/${US}` });
    await expect
      .poll(async () =>
        (await db.kysely.selectFrom('lookup_count').selectAll().execute()).map((row) => [
          row.campaign_id === '' ? '' : 'recall',
          row.country,
          Number(row.lookups),
          Number(row.affected),
        ]),
      )
      .toEqual(
        expect.arrayContaining([
          ['recall', 'US', 3, 3],
          ['', '', 1, 0],
        ]),
      );
    const month = new Date().toISOString().slice(0, 7);
    await expect.poll(async () => (await report(US, month)).recallPageVisits.thisPeriod).toBe(2);
    expect((await report(US, month)).webLookups.thisPeriod).toBe(3);
  });

  it('draws the dashboard from the daily counts, recounted from the last day counted on', async () => {
    await db.transaction((tx) => rollUp(tx.kysely));
    const again = await db.transaction((tx) => rollUp(tx.kysely)); // recounts only from today
    expect(again.from).toBe(new Date().toISOString().slice(0, 10));
    const board = (
      await manager.get(`/api/v1/console/dashboard?campaign=${US}&from=2026-11-01&to=2026-12-31`)
    ).json();
    expect(board.funnel.delivered).toBe(3);
    expect(board.correction).toMatchObject({
      unitsAffected: 1158000,
      series: [
        { day: '2026-11-30', corrected: 1 },
        { day: '2026-12-01', corrected: 2 },
        { day: '2026-12-15', corrected: 3 },
      ],
      byModel: [
        {
          key: 'A1263',
          corrected: 3,
          units: 1158000,
          series: [
            { day: '2026-11-30', corrected: 1 },
            { day: '2026-12-01', corrected: 2 },
            { day: '2026-12-15', corrected: 3 },
          ],
        },
      ],
      byCountry: [{ key: 'US', corrected: 3, units: 1158000 }],
    });
    expect(board.remedies).toEqual([{ kind: 'gift_card', currency: 'USD', n: 3, amountMinor: 9000 }]);
    expect(board.decided.person).toBeGreaterThanOrEqual(3);
    expect(board.hoursToRemedy.count).toBe(3);
    // A range before anything happened: the corrections made before it still count to date.
    const december = (
      await manager.get(`/api/v1/console/dashboard?campaign=${US}&from=2026-12-10&to=2026-12-31`)
    ).json();
    expect(december.correction.series).toEqual([{ day: '2026-12-15', corrected: 3, rate: 0 }]);
    const csv = await manager.get(
      `/api/v1/console/dashboard/export?campaign=${US}&from=2026-11-01&to=2026-12-31&chart=correction`,
    );
    expect(csv.body.split('\r\n').slice(0, 2)).toEqual(['day,corrected,rate', '2026-11-30,1,0']);
    // Every claim here came from one test client: the checks saw that, week by week (Mondays).
    const all = (await manager.get(`/api/v1/console/dashboard?from=2000-01-03&to=2099-12-31`)).json();
    const shared = all.signalsPerWeek.filter(
      (row: { signal: string }) => row.signal === 'same_client_address',
    );
    expect(shared.reduce((n: number, row: { n: number }) => n + row.n, 0)).toBeGreaterThanOrEqual(3);
    for (const row of shared) expect(new Date(`${row.week}T00:00:00Z`).getUTCDay()).toBe(1);
    const refused = await manager.get(`/api/v1/console/dashboard?from=2026-12-31&to=2026-11-01`);
    expect(refused.statusCode).toBe(400);
  });
});
