import { strFromU8, unzipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../test/support/app.ts';
import { claimsHarness, demoUnits } from '../../../../test/support/claims.ts';
import { type ConsoleClient, signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';
import { JobWorker } from '../../jobs/worker.ts';
import { maintenanceJobHandlers, scheduleRetention } from '../../maintenance.ts';
import { erasePerson, exportPersonalData } from './privacy.ts';

const testActor = { id: null, email: 'test', role: 'cli', ip: null, userAgent: null };

describe.each(await testDatabases())('personal data: retention, export, erasure on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof claimsHarness>>;
  let reviewer: ConsoleClient;

  beforeAll(async () => {
    db = await open();
    harness = await claimsHarness(db, {
      config: { claimLimits: { windowHours: 24, perEmail: 0, perAddress: 0, perClient: 0 } },
    });
    reviewer = await signIn(harness.app, db, 'supervisor');
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  let nextUnit = 600;
  /** A claim with photos (the unit is gone: a receipt), decided by a person (rejected: closed) or not (open). */
  async function claimOf(email: string, close: boolean) {
    const unit = demoUnits('anker-2025-us-a1263')[nextUnit++] as { serial: string; model: string };
    const created = await harness.create({
      campaign: 'anker-2025-us-a1263',
      serial: unit.serial,
      model: unit.model,
      remedy: 'replacement',
      hasUnit: false,
      orderNumber: '113-7734',
      incidentDescription: 'It swelled on my desk.',
      claimant: { name: 'Zoë Kowalczyk', email, phone: '+1 555 0100', country: 'US', language: 'es' },
      address: { line1: '9 Elm St', city: 'Salem', postalCode: '01970', country: 'US' },
    });
    expect(created.statusCode).toBe(201);
    const claim = created.json();
    const receipt = await sharp({
      create: { width: 1000, height: 800, channels: 3, background: `#${nextUnit}` },
    })
      .jpeg()
      .toBuffer();
    expect((await harness.upload(claim, 'receipt', receipt)).statusCode).toBe(201);
    expect((await harness.submit(claim)).statusCode).toBe(200);
    await harness.worker.drain();
    if (close) {
      const detail = (await reviewer.get(`/api/v1/console/claims/${claim.id}`)).json();
      const rejected = await reviewer.post(`/api/v1/console/claims/${claim.id}/decision`, {
        action: 'reject',
        reason: 'not_affected',
        version: detail.version,
      });
      expect(rejected.json().status).toBe('rejected');
    }
    return claim;
  }
  const photoKeys = (claimId: string) =>
    db.kysely
      .selectFrom('evidence')
      .select(['original_key', 'display_key'])
      .where('claim_id', '=', claimId)
      .execute();
  const ageClaim = (claimId: string, days: number) =>
    db.kysely
      .updateTable('claim')
      .set({ updated_at: new Date(Date.now() - days * 86_400_000) })
      .where('id', '=', claimId)
      .execute();

  it('erases a closed claim’s personal data after RETENTION_DAYS and keeps its record', async () => {
    const old = await claimOf('old.closed@example.com', true);
    const recent = await claimOf('recent.closed@example.com', true);
    const open = await claimOf('old.open@example.com', false);
    await ageClaim(old.id, 400);
    await ageClaim(open.id, 400);
    const keys = (await photoKeys(old.id)).flatMap((p) => [p.original_key, p.display_key ?? []].flat());
    expect(keys.length).toBeGreaterThan(0);
    const decisionsBefore = await db.kysely
      .selectFrom('decision')
      .select('id')
      .where('claim_id', '=', old.id)
      .execute();
    const checksBefore = await db.kysely
      .selectFrom('check_result')
      .select('check_id')
      .where('claim_id', '=', old.id)
      .execute();

    // Two incident reports: one a year and more old, one recent.
    const report = (email: string) =>
      harness.app
        .inject({
          method: 'POST',
          url: '/api/v1/incidents',
          payload: {
            model: 'A1263',
            kind: 'fire',
            injury: 'none',
            occurredOn: '2025-07-01',
            country: 'US',
            description: 'It caught fire.',
            contact: { name: 'Old Reporter', email, language: 'en' },
            mayContact: true,
          },
        })
        .then((r) => r.json().id as string);
    const oldIncident = await report('old.reporter@example.com');
    const newIncident = await report('new.reporter@example.com');
    await db.kysely
      .updateTable('incident')
      .set({ created_at: new Date(Date.now() - 400 * 86_400_000) })
      .where('id', '=', oldIncident)
      .execute();

    await scheduleRetention(db);
    const worker = new JobWorker(
      db,
      maintenanceJobHandlers({ blobs: harness.blobs, retentionDays: 365 }),
      silentLogger,
    );
    expect(await worker.drain()).toBe(1);

    const row = await db.kysely
      .selectFrom('claim')
      .selectAll()
      .where('id', '=', old.id)
      .executeTakeFirstOrThrow();
    expect(row.claimant).toEqual({ name: '', email: '', country: 'US', language: 'es' });
    expect([row.address, row.order_number, row.incident_description, row.client_address]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(row.status).toBe('rejected');
    expect(await photoKeys(old.id)).toEqual([]);
    for (const key of keys) expect(await harness.blobs.exists(key)).toBe(false);
    expect(
      await db.kysely.selectFrom('outbox_message').select('id').where('claim_id', '=', old.id).execute(),
    ).toEqual([]);
    expect((await harness.status(old)).statusCode).toBe(401); // the owner's link is gone with the data
    // The record the reports and the audit need stays.
    expect(
      await db.kysely.selectFrom('decision').select('id').where('claim_id', '=', old.id).execute(),
    ).toEqual(decisionsBefore);
    expect(
      await db.kysely.selectFrom('check_result').select('check_id').where('claim_id', '=', old.id).execute(),
    ).toHaveLength(checksBefore.length);
    const events = await db.kysely
      .selectFrom('claim_event')
      .select('type')
      .where('claim_id', '=', old.id)
      .execute();
    expect(events.map((e) => e.type)).toContain('personal_data_erased');
    const incidentContact = async (id: string) =>
      (
        await db.kysely
          .selectFrom('incident')
          .select('contact')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).contact.email;
    expect(await incidentContact(oldIncident)).toBe('');
    expect(await incidentContact(newIncident)).toBe('new.reporter@example.com');
    // A recently closed claim and an open one keep theirs.
    for (const kept of [recent, open])
      expect(
        (
          await db.kysely
            .selectFrom('claim')
            .select('claimant')
            .where('id', '=', kept.id)
            .executeTakeFirstOrThrow()
        ).claimant.name,
      ).toBe('Zoë Kowalczyk');
    // Tomorrow's run is queued.
    const next = await db.kysely
      .selectFrom('job')
      .select('run_at')
      .where('queue', '=', 'maintenance.retention')
      .where('state', '=', 'queued')
      .execute();
    expect(next).toHaveLength(1);
    expect(next[0]?.run_at.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  it('exports everything about a person as a zip, then erases it on request', async () => {
    const first = await claimOf('Person.Two+recall@Example.com', true);
    const second = await claimOf('person.two@example.com', false);
    const incident = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      payload: {
        model: 'A1263',
        kind: 'smoke',
        injury: 'none',
        occurredOn: '2025-08-01',
        country: 'US',
        description: 'Smoke from the ports, in my flat at 12 Elm Street.',
        contact: { name: 'Zoë Kowalczyk', email: 'Person.Two@example.com', language: 'en' },
        mayContact: true,
      },
    });
    expect(incident.statusCode).toBe(201);
    const form = new FormData();
    const picture = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#333' } })
      .jpeg()
      .toBuffer();
    form.append('file', new Blob([new Uint8Array(picture)], { type: 'image/jpeg' }), 'p.jpg');
    const uploaded = await harness.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${incident.json().id}/photos`,
      payload: form,
      headers: { authorization: `Bearer ${incident.json().photoToken}` },
    });
    expect(uploaded.statusCode).toBe(201);
    const us = await db.kysely
      .selectFrom('campaign')
      .select('id')
      .where('slug', '=', 'anker-2025-us-a1263')
      .executeTakeFirstOrThrow();
    await db.kysely
      .insertInto('notice_recipient')
      .values({
        id: 'ntr_test',
        campaign_id: us.id,
        email: 'person.two@example.com',
        email_key: 'person.two@example.com',
        name: 'Zoë',
        country: 'US',
      })
      .execute();
    const exported = await exportPersonalData(db, harness.blobs, 'PERSON.TWO@example.com', testActor);
    expect(exported.claims).toBe(2);
    const files = unzipSync(exported.zip);
    const data = JSON.parse(strFromU8(files['claims.json'] as Uint8Array));
    expect(data.claims.map((c: { claim: { id: string } }) => c.claim.id).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    expect(data.claims[0].claim.claimant.name).toBe('Zoë Kowalczyk');
    expect(data.claims[0].emails.length).toBeGreaterThan(0);
    const photos = Object.keys(files).filter((name) => name.startsWith('photos/'));
    expect(photos).toHaveLength(exported.photos);
    expect(photos.length).toBe(2);
    const incidents = JSON.parse(strFromU8(files['incidents.json'] as Uint8Array)).incidents;
    expect(incidents).toHaveLength(1);
    expect(incidents[0].description).toContain('12 Elm Street');
    expect(Object.keys(files).filter((name) => name.startsWith('incident-photos/'))).toHaveLength(1);
    expect(JSON.parse(strFromU8(files['notices.json'] as Uint8Array)).notices).toHaveLength(1);

    const erased = await erasePerson(db, harness.blobs, 'person.two@example.com', testActor);
    expect(erased).toMatchObject({ claims: 2, incidents: 1, incidentPhotos: 1, noticeLists: 1 });
    expect(await db.kysely.selectFrom('incident_photo').select('id').execute()).toEqual([]);
    // The incident stays (what happened to which unit, when); who reported it does not.
    const kept = await db.kysely
      .selectFrom('incident')
      .selectAll()
      .where('id', '=', incident.json().id)
      .executeTakeFirstOrThrow();
    expect(kept).toMatchObject({
      kind: 'smoke',
      model_code: 'A1263',
      description: '(erased)',
      may_contact: false,
    });
    expect(JSON.stringify(kept.contact)).not.toMatch(/Zo|example\.com/);
    const again = await exportPersonalData(db, harness.blobs, 'person.two@example.com', testActor);
    expect(again.claims).toBe(0); // nothing left that names them
    expect(
      (
        await db.kysely
          .selectFrom('claim')
          .select('status')
          .where('id', '=', second.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('needs_review');
  });

  it('gives admins the same in the console, audited, and nobody else', async () => {
    const claim = await claimOf('console.person@example.com', true);
    const admin = await signIn(harness.app, db, 'admin');
    expect(
      (await reviewer.post('/api/v1/console/privacy/export', { email: 'console.person@example.com' }))
        .statusCode,
    ).toBe(403);
    const exported = await admin.post('/api/v1/console/privacy/export', {
      email: 'console.person@example.com',
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(exported.rawPayload));
    expect(JSON.parse(strFromU8(files['claims.json'] as Uint8Array)).claims[0].claim.id).toBe(claim.id);
    const erased = await admin.post('/api/v1/console/privacy/erase', { email: 'console.person@example.com' });
    expect(erased.json()).toEqual({ claims: 1, photos: 1 });
    const audit = await db.kysely
      .selectFrom('audit_event')
      .select(['action', 'target_id', 'detail'])
      .where('action', 'like', 'privacy.%')
      .where('actor_id', '=', admin.staffId)
      .orderBy('id')
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['privacy.exported', 'privacy.erased']);
    expect(JSON.stringify(audit)).not.toContain('console.person@example.com'); // the trail names no address
  });
});
