import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appWithExamples } from '../../../../test/support/app.ts';
import { type ConsoleClient, signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';

const US = 'anker-2025-us-a1263';

describe.each(await testDatabases())('managing campaigns in the console on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof appWithExamples>>;
  let manager: ConsoleClient;
  let analyst: ConsoleClient;

  beforeAll(async () => {
    db = await open();
    harness = await appWithExamples(db);
    manager = await signIn(harness.app, db, 'manager');
    analyst = await signIn(harness.app, db, 'analyst');
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  const upload = (client: ConsoleClient, slug: string, csv: string, name = 'list.csv') => {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), name);
    return harness.app.inject({
      method: 'POST',
      url: `/api/v1/console/campaigns/${slug}/eligibility`,
      payload: form,
      headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken },
    });
  };
  const lookup = (serial: string) =>
    harness.app.inject({ method: 'GET', url: `/api/v1/lookup?serial=${serial}` }).then((r) => r.json());

  it('lists every campaign with its claims and list size', async () => {
    const list = (await analyst.get('/api/v1/console/campaigns')).json().campaigns;
    const us = list.find((c: { slug: string }) => c.slug === US);
    expect(us).toMatchObject({ status: 'active', models: ['A1263'] });
    expect(us.serials).toBeGreaterThan(100);
  });

  it('imports an uploaded eligibility list: counts, rejected rows with reasons, and the lookup answers at once', async () => {
    const csv =
      'serial,model\nAH7M4Z2K9C1QZZZ1,A1263\nAH7M4Z2K9C1QZZZ2,A1263\nnot a serial!,A1263\nAH7M4Z2K9C1QZZZ3,A9999\n';
    const response = await upload(manager, US, csv, 'cpsc-update.csv');
    expect(response.statusCode, response.body).toBe(201);
    const result = response.json();
    expect(result).toMatchObject({
      fileName: 'cpsc-update.csv',
      rowsTotal: 4,
      rowsAdded: 2,
      rowsRejected: 2,
    });
    expect(result.rejectedSample).toContain('model_unknown');
    expect(result.rejectedSample.split('\n')[0]).toBe('line,serial,model,code,reason');
    await harness.catalog.refresh();
    expect((await lookup('AH7M4Z2K9C1QZZZ1')).affected).toBe(true);

    const again = (await upload(manager, US, csv)).json();
    expect(again).toMatchObject({ rowsAdded: 0, rowsUnchanged: 2 });
    const imports = (await manager.get(`/api/v1/console/campaigns/${US}`)).json().imports;
    expect(imports[0]).toMatchObject({ rowsUnchanged: 2, actor: manager.email });
    expect(imports.length).toBeGreaterThanOrEqual(3); // the demo list, and both uploads

    const badHeader = await upload(manager, US, 'number,product\nX,Y\n');
    expect(badHeader.statusCode).toBe(422);
    expect(badHeader.json().error.code).toBe('import_refused');
    expect((await upload(analyst, US, csv)).statusCode).toBe(403);
  });

  it('edits the triage policy and refuses an invalid definition with the reasons', async () => {
    const { definition } = (await manager.get(`/api/v1/console/campaigns/${US}`)).json();
    const invalid = await manager.put(`/api/v1/console/campaigns/${US}`, {
      definition: { ...definition, triage: { ...definition.triage, qualitySampleRate: 3 } },
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().error.message).toContain('triage.qualitySampleRate');
    const edited = await manager.put(`/api/v1/console/campaigns/${US}`, {
      definition: { ...definition, triage: { ...definition.triage, qualitySampleRate: 0.2 } },
    });
    expect(edited.json()).toMatchObject({ outcome: 'updated' });
    const after = (await manager.get(`/api/v1/console/campaigns/${US}`)).json().definition;
    expect(after.triage.qualitySampleRate).toBe(0.2);
    const renamed = await manager.put(`/api/v1/console/campaigns/${US}`, {
      definition: { ...definition, slug: 'other' },
    });
    expect(renamed.statusCode).toBe(422);
  });

  it('moves a new campaign from draft to active to closed, and the public lookup follows', async () => {
    const { definition } = (await manager.get(`/api/v1/console/campaigns/${US}`)).json();
    const draft = { ...definition, slug: 'anker-2026-test', status: 'draft', demoSerials: undefined };
    const created = await manager.post('/api/v1/console/campaigns', { definition: draft });
    expect(created.statusCode, created.body).toBe(201);
    expect((await manager.post('/api/v1/console/campaigns', { definition: draft })).json().error.code).toBe(
      'campaign_exists',
    );
    await upload(manager, 'anker-2026-test', 'serial,model\nAH7M4Z2K9C1QTST1,A1263\n');
    await harness.catalog.refresh();
    expect(
      (await harness.app.inject({ method: 'GET', url: '/api/v1/campaigns/anker-2026-test' })).statusCode,
    ).toBe(404);

    const skip = await manager.post('/api/v1/console/campaigns/anker-2026-test/status', { status: 'closed' });
    expect(skip.statusCode).toBe(409);
    expect(skip.json().error.code).toBe('campaign_transition_invalid');
    expect(
      (await manager.post('/api/v1/console/campaigns/anker-2026-test/status', { status: 'active' })).json()
        .status,
    ).toBe('active');
    await harness.catalog.refresh();
    expect(
      (await harness.app.inject({ method: 'GET', url: '/api/v1/campaigns/anker-2026-test' })).statusCode,
    ).toBe(200);
    expect(
      (await manager.post('/api/v1/console/campaigns/anker-2026-test/status', { status: 'closed' })).json()
        .status,
    ).toBe('closed');
    const audit = await db.kysely
      .selectFrom('audit_event')
      .select('action')
      .where('target_id', '=', 'anker-2026-test')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'campaign.created',
      'campaign.status_changed',
      'campaign.status_changed',
    ]);
  });
});
