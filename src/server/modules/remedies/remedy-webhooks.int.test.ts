import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsHarness, type InReviewOptions } from '../../../../test/support/claims.ts';
import { type ConsoleClient, signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';
import { exportShipments } from './export-shipments.ts';
import { importTracking } from './import-tracking.ts';

/**
 * A webhook receiver as a partner writes one: it verifies the Standard Webhooks headers with the
 * Standard Webhooks library and each secret it knows (two during a rotation), and also the
 * deprecated `Recallkit-Signature` header the way its documentation says.
 */
function webhookReceiver(secretOf: () => string, otherSecrets: () => string[] = () => []) {
  const received: {
    type: string;
    id: string;
    valid: boolean;
    fresh: boolean;
    /** Which of the receiver's secrets verified the Standard Webhooks signature. */
    standard: boolean[];
    data: Record<string, unknown>;
  }[] = [];
  let failFirst = 0;
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const header = String(request.headers['recallkit-signature'] ?? '');
      const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
      const expected = createHmac('sha256', secretOf()).update(`${parts.t}.${body}`).digest();
      const given = Buffer.from(parts.v1 ?? '', 'hex');
      const valid = given.length === expected.length && timingSafeEqual(given, expected);
      const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) <= 300;
      if (failFirst > 0) {
        failFirst--;
        response.statusCode = 503;
        response.end('busy');
        return;
      }
      const event = JSON.parse(body);
      const standard = [secretOf(), ...otherSecrets()].map((secret) => {
        try {
          new StandardWebhook(secret).verify(body, request.headers as Record<string, string>);
          return true;
        } catch {
          return false;
        }
      });
      if (request.headers['webhook-id'] !== event.id) standard.fill(false); // the signed id is the event's
      received.push({ type: event.type, id: event.id, valid, fresh, standard, data: event.data });
      response.statusCode = valid && fresh ? 200 : 400;
      response.end('ok');
    });
  });
  return {
    server,
    received,
    failNext: (n: number) => {
      failFirst = n;
    },
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
  };
}

const ADDRESS = { line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' };

describe.each(await testDatabases())('remedy webhooks on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof claimsHarness>>;
  let reviewer: ConsoleClient;
  let manager: ConsoleClient;
  let webhookSecret = '';
  let previousSecrets: string[] = [];
  const receiver = webhookReceiver(
    () => webhookSecret,
    () => previousSecrets,
  );

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    db = await open();
    harness = await claimsHarness(db, {
      config: {
        claimLimits: { windowHours: 24, perEmail: 5, perAddress: 5, perClient: 0 },
        // The test's receiver listens on the loopback, which webhooks may reach only when allowed.
        webhookAllowedHosts: new Set(['127.0.0.1']),
      },
    });
    reviewer = await signIn(harness.app, db, 'supervisor');
    manager = await signIn(harness.app, db, 'manager');
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
    receiver.server.close();
  });

  async function approved(options: InReviewOptions) {
    const claim = await harness.inReview(options);
    const decided = await reviewer.post(`/api/v1/console/claims/${claim.id}/decision`, { action: 'approve' });
    expect(decided.json().status, decided.body).toBe('approved');
    return claim;
  }
  const remedyOf = (claimId: string) =>
    db.kysely.selectFrom('remedy').selectAll().where('claim_id', '=', claimId).executeTakeFirstOrThrow();

  it('signs webhooks, retries a failing endpoint, logs the answers and re-sends on request', async () => {
    const registered = await manager.post('/api/v1/console/webhooks', {
      url: receiver.url(),
      events: ['claim.submitted', 'claim.approved', 'remedy.issued', 'shipment.sent'],
    });
    expect(registered.statusCode).toBe(201);
    webhookSecret = registered.json().secret;
    expect(webhookSecret).toMatch(/^whsec_/);
    // Kept sealed at rest: the database never holds the secret in clear.
    const stored = await db.kysely
      .selectFrom('webhook_endpoint')
      .select('secret')
      .where('id', '=', registered.json().id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).toMatch(/^enc:v1:/);
    expect(stored.secret).not.toContain(webhookSecret.slice(6));
    const claim = await harness.inReview({ remedy: 'gift_card' });
    receiver.failNext(1); // the endpoint is down for the approval's first attempt
    await reviewer.post(`/api/v1/console/claims/${claim.id}/decision`, { action: 'approve' });
    await harness.worker.drain();
    const forClaim = receiver.received.filter((e) => e.data.claimId === claim.id);
    expect(forClaim.map((e) => e.type).sort()).toEqual([
      'claim.approved',
      'claim.submitted',
      'remedy.issued',
    ]);
    expect(forClaim.every((e) => e.valid && e.fresh && e.standard[0])).toBe(true);

    const parcel = await approved({ remedy: 'replacement', address: ADDRESS });
    await harness.worker.drain();
    await exportShipments(db, 'warehouse');
    const remedy = await remedyOf(parcel.id);
    await importTracking(
      db,
      `order_id,carrier,tracking_number\n${remedy.id},USPS,9400100000000000000000\n`,
      'http://recalls.test',
    );
    await harness.worker.drain();
    expect(
      receiver.received.find((e) => e.type === 'shipment.sent' && e.data.claimId === parcel.id)?.data,
    ).toMatchObject({
      carrier: 'USPS',
      trackingNumber: '9400100000000000000000',
      trackingUrl: 'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000',
    });

    const deliveries = (
      await manager.get(`/api/v1/console/webhooks/${registered.json().id}/deliveries`)
    ).json().deliveries;
    const approvedEvent = forClaim.find((e) => e.type === 'claim.approved');
    const approvedDelivery = deliveries.find((d: { eventId: string }) => d.eventId === approvedEvent?.id);
    expect(approvedDelivery).toMatchObject({
      state: 'delivered',
      attempts: 2,
      lastStatus: 200,
      lastResponse: 'ok',
    });
    expect(
      (await manager.post(`/api/v1/console/webhooks/deliveries/${approvedDelivery.id}/resend`)).statusCode,
    ).toBe(202);
    await harness.worker.drain();
    const again = receiver.received.filter((e) => e.id === approvedDelivery.eventId);
    expect(again).toHaveLength(2); // the same event id: receivers deduplicate on it

    // Rotation: the new secret is shown once; for a day both sign every delivery, so a receiver
    // holding either verifies it.
    const oldSecret = webhookSecret;
    const rotated = await manager.post(`/api/v1/console/webhooks/${registered.json().id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    webhookSecret = rotated.json().secret;
    expect(webhookSecret).not.toBe(oldSecret);
    previousSecrets = [oldSecret];
    await reviewer
      .post(`/api/v1/console/claims/${parcel.id}/decision`, { action: 'approve' })
      .catch(() => {});
    const afterRotation = await harness.inReview({ remedy: 'gift_card' });
    await harness.worker.drain();
    const rotatedEvent = receiver.received.find((e) => e.data.claimId === afterRotation.id);
    expect(rotatedEvent?.standard).toEqual([true, true]);
    previousSecrets = [];

    // A forged signature is refused by the receiver.
    const forged = await fetch(receiver.url(), {
      method: 'POST',
      headers: { 'recallkit-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
      body: JSON.stringify({ id: 'evt_x', type: 'claim.approved', data: {} }),
    });
    expect(forged.status).toBe(400);
  });

  it('refuses private destinations when registered, and again on the address connected to at delivery', async () => {
    const refused = await manager.post('/api/v1/console/webhooks', {
      url: 'http://169.254.169.254/latest/meta-data/',
      events: ['claim.submitted'],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('webhook_destination_refused');
    // A name that resolves to the loopback now (DNS rebinding: it was public when registered);
    // only 127.0.0.1 itself is allowed here, by address.
    const rebound = receiver.url().replace('127.0.0.1', 'localhost');
    const endpoint = 'whk_rebindingtest01';
    await db.kysely
      .insertInto('webhook_endpoint')
      .values({
        id: endpoint,
        url: rebound,
        events: ['claim.submitted'],
        secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}`,
        created_by: 'test',
      })
      .execute();
    const before = receiver.received.length;
    try {
      const claim = await harness.inReview({ remedy: 'gift_card' });
      await harness.worker.drain();
      const delivery = await db.kysely
        .selectFrom('webhook_delivery')
        .selectAll()
        .where('endpoint_id', '=', endpoint)
        .where(sql<boolean>`payload->'data'->>'claimId' = ${claim.id}`)
        .executeTakeFirstOrThrow();
      expect(delivery.state).not.toBe('delivered');
      expect(delivery.last_error).toMatch(/private address/);
      // The receiver got this claim's event only from the endpoints allowed to reach it.
      const delivered = await db.kysely
        .selectFrom('webhook_delivery')
        .select('id')
        .where('state', '=', 'delivered')
        .where(sql<boolean>`payload->'data'->>'claimId' = ${claim.id}`)
        .execute();
      const got = receiver.received.slice(before).filter((event) => event.data.claimId === claim.id);
      expect(got.length).toBe(delivered.length);
    } finally {
      await db.kysely
        .updateTable('webhook_endpoint')
        .set({ active: false })
        .where('id', '=', endpoint)
        .execute();
    }
  });

  it('records an event for every endpoint that subscribed to it, each delivery with its own id and job', async () => {
    // Nothing listens on port 9: these deliveries only fail and wait for their retry.
    const subscriptions: [string, string[]][] = [
      ['http://127.0.0.1:9/a', ['claim.submitted']],
      ['http://127.0.0.1:9/b', ['claim.approved', 'claim.submitted']],
      ['http://127.0.0.1:9/c', ['claim.approved']],
    ];
    const endpoints: string[] = [];
    for (const [url, events] of subscriptions) {
      endpoints.push((await manager.post('/api/v1/console/webhooks', { url, events })).json().id);
    }
    try {
      const claim = await harness.inReview({ remedy: 'gift_card' });
      const deliveries = await db.kysely
        .selectFrom('webhook_delivery')
        .select(['id', 'endpoint_id', 'event_id', 'event_type', 'payload'])
        .where('endpoint_id', 'in', endpoints)
        .where(sql<boolean>`payload->'data'->>'claimId' = ${claim.id}`)
        .execute();
      expect(deliveries.map((d) => d.endpoint_id).sort()).toEqual([endpoints[0], endpoints[1]].sort());
      expect(new Set(deliveries.map((d) => d.id)).size).toBe(2);
      for (const delivery of deliveries) {
        expect(delivery.id).toMatch(/^dlv_[A-Za-z0-9_-]{16}$/);
        expect(delivery.event_type).toBe('claim.submitted');
        expect(delivery.payload).toMatchObject({ id: delivery.event_id, type: 'claim.submitted' });
      }
      expect(new Set(deliveries.map((d) => d.event_id)).size).toBe(1); // one event, two deliveries
      const jobs = await db.kysely
        .selectFrom('job')
        .select(['payload', 'max_attempts'])
        .where('queue', '=', 'webhook.deliver')
        .where(
          sql<string>`payload->>'deliveryId'`,
          'in',
          deliveries.map((d) => d.id),
        )
        .execute();
      expect(jobs.map((job) => (job.payload as { deliveryId: string }).deliveryId).sort()).toEqual(
        deliveries.map((d) => d.id).sort(),
      );
      expect(jobs.map((job) => job.max_attempts)).toEqual([12, 12]);
    } finally {
      for (const id of endpoints) await manager.post(`/api/v1/console/webhooks/${id}/deactivate`);
    }
  });
});
