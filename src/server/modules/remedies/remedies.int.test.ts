import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../test/support/app.ts';
import { claimsHarness, type InReviewOptions } from '../../../../test/support/claims.ts';
import { type ConsoleClient, signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';
import { enqueue } from '../../jobs/queue.ts';
import { JobWorker } from '../../jobs/worker.ts';
import { hashSecret, unseal } from '../../secrets.ts';
import { jobHandlers } from '../../server.ts';
import { findCampaign } from '../catalog/catalog.queries.ts';
import { codeIsValid } from './codes.ts';
import { exportPayouts } from './export-payouts.ts';
import { exportShipments } from './export-shipments.ts';
import { grantRemedy } from './grant-remedy.ts';
import { importGiftCardPool } from './import-gift-card-pool.ts';
import { importPayoutResults } from './import-payout-results.ts';
import { importTracking } from './import-tracking.ts';
import { receiveReturn } from './receive-return.ts';

const US = 'anker-2025-us-a1263';
const GLOBAL = 'anker-2025-global-5-models';
const CN = 'anker-2025-cn';
const ADDRESS = { line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' };

/**
 * A gift card provider as a store platform runs one: it issues a card per Idempotency-Key and
 * answers a repeated key with the same card.
 */
function giftCardProvider() {
  const byKey = new Map<string, { id: string; code: string }>();
  let calls = 0;
  const server = http.createServer((request, response) => {
    calls++;
    const key = String(request.headers['idempotency-key']);
    if (!byKey.has(key))
      byKey.set(key, {
        id: `card_${byKey.size + 1}`,
        code: `PROV-${String(byKey.size + 1).padStart(4, '0')}`,
      });
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(byKey.get(key)));
  });
  return {
    server,
    issued: () => byKey.size,
    calls: () => calls,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/cards`,
  };
}

describe.each(await testDatabases())('remedies on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof claimsHarness>>;
  let reviewer: ConsoleClient;
  let fulfilment: ConsoleClient;
  let manager: ConsoleClient;
  const provider = giftCardProvider();

  beforeAll(async () => {
    await new Promise<void>((resolve) => provider.server.listen(0, '127.0.0.1', resolve));
    db = await open();
    // Many claims from one test client: no limit per client address here.
    harness = await claimsHarness(db, {
      config: { claimLimits: { windowHours: 24, perEmail: 5, perAddress: 5, perClient: 0 } },
    });
    reviewer = await signIn(harness.app, db, 'supervisor');
    fulfilment = await signIn(harness.app, db, 'fulfilment');
    manager = await signIn(harness.app, db, 'manager');
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
    provider.server.close();
  });

  async function approved(options: InReviewOptions) {
    const claim = await harness.inReview(options);
    const decided = await reviewer.post(`/api/v1/console/claims/${claim.id}/decision`, { action: 'approve' });
    expect(decided.json().status, decided.body).toBe('approved');
    return claim;
  }
  const owner = async (claim: { id: string; accessToken: string }) => (await harness.status(claim)).json();
  const mails = (claimId: string, template = 'remedy_sent') =>
    db.kysely
      .selectFrom('outbox_message')
      .select(['text_body', 'language'])
      .where('claim_id', '=', claimId)
      .where('template', '=', template)
      .execute();
  /** The remedy row, its code opened (it is sealed at rest). */
  const remedyOf = async (claimId: string) => {
    const row = await db.kysely
      .selectFrom('remedy')
      .selectAll()
      .where('claim_id', '=', claimId)
      .executeTakeFirstOrThrow();
    return { ...row, code: row.code === null ? null : unseal(row.code) };
  };

  it('sends a gift card from the campaign’s pool, by e-mail and on the status page', async () => {
    const claim = await approved({ remedy: 'gift_card', language: 'en' });
    expect((await owner(claim)).fulfilment).toMatchObject({
      kind: 'gift_card',
      state: 'pending',
      code: null,
    });
    await harness.worker.drain();
    const view = await owner(claim);
    expect(view).toMatchObject({ status: 'fulfilled', next: 'none' });
    expect(view.fulfilment).toMatchObject({ state: 'issued', amountMinor: 3000, currency: 'USD' });
    const pooled = await db.kysely
      .selectFrom('gift_card_code')
      .select(['claim_id', 'code'])
      .where('code_sha256', '=', hashSecret(view.fulfilment.code))
      .executeTakeFirstOrThrow();
    expect(pooled.claim_id).toBe(claim.id);
    // Sealed at rest, in the pool and on the remedy: the database never holds the code in clear.
    const remedy = await db.kysely
      .selectFrom('remedy')
      .select('code')
      .where('claim_id', '=', claim.id)
      .executeTakeFirstOrThrow();
    for (const stored of [pooled.code, remedy.code as string]) {
      expect(stored).toMatch(/^enc:v1:/);
      expect(stored).not.toContain(view.fulfilment.code);
    }
    const [mail] = await mails(claim.id);
    expect(mail?.text_body).toContain(`Your gift card code is ${view.fulfilment.code} (worth $30.00)`);
  });

  it('ships a replacement: the warehouse file, then tracking, then the owner’s link', async () => {
    const claim = await approved({
      remedy: 'replacement',
      language: 'es',
      address: ADDRESS,
      name: 'Marta López',
    });
    await harness.worker.drain();
    expect((await owner(claim)).fulfilment).toMatchObject({ kind: 'replacement', state: 'ready_to_ship' });
    const exported = await fulfilment.post('/api/v1/console/fulfilment/shipments');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('text/csv');
    const lines = exported.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'order_id,sku,quantity,name,address_line1,address_line2,city,region,postal_code,country,phone,email,claim_code',
    );
    const remedy = await remedyOf(claim.id);
    const line = lines.find((l) => l.startsWith(remedy.id));
    expect(line).toContain(',A1388,1,Marta López,1 Main St,,Springfield,IL,62701,US,');
    expect((await fulfilment.post('/api/v1/console/fulfilment/shipments')).statusCode).toBe(204); // nothing twice

    const tracking = `order_id,carrier,tracking_number\n${remedy.id},UPS,1Z999AA10123456784\nrem_nope,UPS,1Z1\n`;
    const form = new FormData();
    form.append('file', new Blob([tracking], { type: 'text/csv' }), 'tracking.csv');
    const imported = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/console/fulfilment/tracking',
      payload: form,
      headers: { cookie: fulfilment.cookie, 'x-csrf-token': fulfilment.csrfToken },
    });
    expect(imported.json()).toMatchObject({ shipped: 1, rejected: [{ line: 3, reason: 'no such order' }] });
    const view = await owner(claim);
    expect(view.status).toBe('fulfilled');
    expect(view.fulfilment).toMatchObject({
      state: 'shipped',
      carrier: 'UPS',
      trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
    });
    expect((await mails(claim.id))[0]?.text_body).toContain('Su producto de repuesto está en camino con UPS');
    // The same file again changes nothing and mails nobody.
    expect(await importTracking(db, tracking, 'http://recalls.test')).toMatchObject({
      shipped: 0,
      unchanged: 1,
    });
    expect(await mails(claim.id)).toHaveLength(1);
  });

  it('pays a refund of the stated price: payout file, a failure, then paid', async () => {
    const claim = await approved({
      campaign: GLOBAL,
      remedy: 'refund',
      country: 'DE',
      language: 'en',
      purchasePrice: { amountMinor: 3999, currency: 'EUR' },
    });
    // Outside the US the campaign holds the refund until the owner confirms the drop-off.
    expect((await owner(claim)).fulfilment).toMatchObject({ state: 'awaiting_disposal' });
    expect((await harness.confirmDisposal(claim)).statusCode).toBe(200);
    await harness.worker.drain();
    expect((await owner(claim)).fulfilment).toMatchObject({
      state: 'ready_to_pay',
      amountMinor: 3999,
      currency: 'EUR',
    });
    const first = await exportPayouts(db, 'finance');
    const remedy = await remedyOf(claim.id);
    expect(first?.csv).toContain(`${remedy.id},${(await owner(claim)).code},Ana García,`);
    expect(first?.csv).toContain(',39.99,EUR,Recall refund ');
    const failed = await importPayoutResults(
      db,
      `payout_id,status,reason\n${remedy.id},failed,IBAN closed\n`,
      'http://recalls.test',
    );
    expect(failed.failed).toBe(1);
    expect(await remedyOf(claim.id)).toMatchObject({ state: 'ready_to_pay', failure_reason: 'IBAN closed' });
    const second = await exportPayouts(db, 'finance');
    expect(second?.csv).toContain(remedy.id);
    expect(
      (await importPayoutResults(db, `payout_id,status\n${remedy.id},paid\n`, 'http://recalls.test')).paid,
    ).toBe(1);
    expect((await owner(claim)).status).toBe('fulfilled');
    expect((await mails(claim.id))[0]?.text_body).toContain('We have paid you €39.99.');
  });

  it('issues a voucher only once the returned unit is scanned (China: return first)', async () => {
    const claim = await approved({
      campaign: CN,
      remedy: 'voucher',
      country: 'CN',
      language: 'zh-CN',
      address: { line1: '1 人民路', city: '深圳', postalCode: '518000', country: 'CN' },
    });
    await harness.worker.drain();
    const waiting = await owner(claim);
    expect(waiting).toMatchObject({ next: 'return_unit', fulfilment: { state: 'awaiting_return' } });
    const batch = await exportShipments(db, 'warehouse');
    const remedy = await remedyOf(claim.id);
    expect(batch?.csv).toContain(`${remedy.id}-BAG,RETURN-BAG,1,Ana García,1 人民路`);
    expect(
      (
        await importTracking(
          db,
          `order_id,carrier,tracking_number\n${remedy.id}-BAG,SF Express,SF1234567890\n`,
          'http://recalls.test',
        )
      ).bags,
    ).toBe(1);
    expect((await mails(claim.id))[0]?.text_body).toContain('我们已通过 SF Express 给您寄出防护袋');
    expect((await owner(claim)).fulfilment.state).toBe('awaiting_return');

    expect(
      (await fulfilment.post('/api/v1/console/fulfilment/returns', { reference: waiting.code })).statusCode,
    ).toBe(200);
    await harness.worker.drain();
    const done = await owner(claim);
    expect(done.status).toBe('fulfilled');
    expect(done.disposal.confirmedAt).not.toBeNull();
    expect(done.fulfilment).toMatchObject({
      kind: 'voucher',
      state: 'issued',
      amountMinor: 25000,
      currency: 'CNY',
    });
    expect(codeIsValid(done.fulfilment.code)).toBe(true);
    expect(done.fulfilment.code).toMatch(/^AKCN-/);
    await expect(receiveReturn(db, waiting.code, 'warehouse')).rejects.toThrow(/return_not_expected/);
  });

  it('makes one remedy of two approvals at once', async () => {
    const claim = await harness.inReview({ remedy: 'gift_card' });
    const row = await db.kysely
      .selectFrom('claim')
      .selectAll()
      .where('id', '=', claim.id)
      .executeTakeFirstOrThrow();
    const campaign = await findCampaign(db.kysely, US);
    const approve = () => db.transaction((tx) => grantRemedy(tx.kysely, row, campaign?.definition as never));
    await Promise.all([approve(), approve(), approve()]);
    const remedies = await db.kysely
      .selectFrom('remedy')
      .select('id')
      .where('claim_id', '=', claim.id)
      .execute();
    expect(remedies).toHaveLength(1);
    const jobs = await db.kysely
      .selectFrom('job')
      .select('id')
      .where('queue', '=', 'remedy.issue')
      .where('singleton_key', '=', remedies[0]?.id as string)
      .execute();
    expect(jobs).toHaveLength(1);
  });

  it('issues once when the job runs again after it finished', async () => {
    const claim = await approved({ remedy: 'gift_card' });
    await harness.worker.drain();
    const remedy = await remedyOf(claim.id);
    for (let i = 0; i < 3; i++) {
      await enqueue(db.kysely, 'remedy.issue', { remedyId: remedy.id });
      await harness.worker.drain();
    }
    expect((await remedyOf(claim.id)).code).toBe(remedy.code);
    expect(
      await db.kysely.selectFrom('gift_card_code').select('code').where('claim_id', '=', claim.id).execute(),
    ).toHaveLength(1);
    expect(await mails(claim.id)).toHaveLength(1);
  });

  it('asks an HTTP provider with the same idempotency key after a worker died between issuing and recording', async () => {
    // The US campaign's gift cards come from the provider for this test.
    const { definition } = (await manager.get(`/api/v1/console/campaigns/${US}`)).json();
    const withProvider = structuredClone(definition);
    withProvider.jurisdictions[0].remedies[1].provider = { type: 'http', url: provider.url() };
    expect(
      (await manager.put(`/api/v1/console/campaigns/${US}`, { definition: withProvider })).statusCode,
    ).toBe(200);
    try {
      const claim = await approved({ remedy: 'gift_card' });
      let dies = true;
      const dying = new JobWorker(
        db,
        jobHandlers(harness.config, harness.blobs, {
          afterProviderCall: () => {
            if (dies) {
              dies = false;
              throw new Error('worker killed after the provider answered');
            }
          },
        }),
        silentLogger,
        { backoff: () => 0 },
      );
      await dying.drain();
      const remedy = await remedyOf(claim.id);
      expect(remedy).toMatchObject({ state: 'issued', external_ref: 'card_1', code: 'PROV-0001' });
      expect(provider.calls()).toBe(2);
      expect(provider.issued()).toBe(1);
      expect(await mails(claim.id)).toHaveLength(1);
    } finally {
      await manager.put(`/api/v1/console/campaigns/${US}`, { definition });
    }
  });

  it('gives every claim its own pool code when two worker processes issue at once', async () => {
    const claims = [];
    for (let i = 0; i < 12; i++) claims.push(await approved({ remedy: 'gift_card' }));
    const second = new JobWorker(db, jobHandlers(harness.config, harness.blobs), silentLogger, {
      backoff: () => 0,
    });
    await Promise.all([harness.worker.drain(), second.drain()]);
    const codes = await db.kysely
      .selectFrom('remedy')
      .select(['code', 'state'])
      .where(
        'claim_id',
        'in',
        claims.map((c) => c.id),
      )
      .execute();
    expect(codes.every((c) => c.state === 'issued')).toBe(true);
    expect(new Set(codes.map((c) => c.code)).size).toBe(12);
    const assigned = await db.kysely
      .selectFrom('gift_card_code')
      .select('claim_id')
      .where(
        'claim_id',
        'in',
        claims.map((c) => c.id),
      )
      .execute();
    expect(assigned).toHaveLength(12);
  });

  it('waits for codes when the pool is empty, and issues once codes are imported', async () => {
    const cn = await findCampaign(db.kysely, CN);
    expect(cn).toBeDefined();
    const { definition } = (await manager.get(`/api/v1/console/campaigns/${GLOBAL}`)).json();
    const pooled = structuredClone(definition);
    for (const j of pooled.jurisdictions)
      for (const r of j.remedies)
        if (r.kind === 'gift_card') r.provider = { type: 'code_pool', lowPoolThreshold: 1 };
    await manager.put(`/api/v1/console/campaigns/${GLOBAL}`, { definition: pooled });
    try {
      const claim = await approved({ campaign: GLOBAL, remedy: 'gift_card', country: 'US' });
      await harness.worker.drain();
      expect((await remedyOf(claim.id)).state).toBe('pending');
      const campaign = await findCampaign(db.kysely, GLOBAL);
      const imported = await importGiftCardPool(db, campaign as never, 'code\nGLOB-0001\nGLOB-0002\n');
      expect(imported).toMatchObject({ added: 2, requeued: 1 });
      await harness.worker.drain();
      expect(await remedyOf(claim.id)).toMatchObject({ state: 'issued', code: 'GLOB-0001' });
      // One code left is the campaign's threshold: the fulfilment team and managers are told.
      const alerts = await db.kysely
        .selectFrom('outbox_message')
        .select(['to_address', 'text_body'])
        .where('template', '=', 'pool_low')
        .execute();
      expect(alerts.map((a) => a.to_address)).toEqual(
        expect.arrayContaining([fulfilment.email, manager.email]),
      );
      expect(alerts[0]?.text_body).toContain(`The gift card pool of ${GLOBAL} has 1 code left.`);
    } finally {
      await manager.put(`/api/v1/console/campaigns/${GLOBAL}`, { definition });
    }
  });
});
