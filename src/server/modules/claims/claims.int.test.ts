import { sql } from 'kysely';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { claimsApiSuite } from '../../../../test/support/claims.ts';
import { signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';
import type { JobWorker } from '../../jobs/worker.ts';

describe.each(await testDatabases())('claims API on $name', ({ open }) => {
  const suite = claimsApiSuite(open);
  const { drawnCodes, photo, claimBody, create, upload, submit, status, outboxFor } = suite;
  let db: Db;
  let harness: typeof suite.harness;
  let worker: JobWorker;
  beforeAll(() => {
    ({ db, harness, worker } = suite);
  });

  it('takes a claim from draft to verification: photos, submission, e-mail in the owner’s language, status link', async () => {
    const created = await create(claimBody());
    expect(created.statusCode).toBe(201);
    const claim = created.json();
    expect(claim).toMatchObject({
      status: 'draft',
      code: expect.stringMatching(/^RK-[A-Z0-9]{4}-[A-Z0-9]{4}$/),
    });
    expect(claim.statusUrl).toBe(`http://recalls.test/c/${claim.id}#t=${claim.accessToken}`);
    expect((await status(claim)).json()).toMatchObject({
      next: 'add_evidence',
      missingEvidence: ['label', 'marked'],
    });

    expect((await upload(claim, 'label', await photo('#eee'))).statusCode).toBe(201);
    const marked = await upload(claim, 'marked', await photo('#ddd'));
    expect(marked.statusCode).toBe(201);
    expect(marked.json()).toMatchObject({
      kind: 'marked',
      format: 'jpeg',
      width: 1200,
      height: 900,
      replaced: false,
    });
    expect((await status(claim)).json()).toMatchObject({ next: 'submit', missingEvidence: [] });

    const submitted = await submit(claim);
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json()).toMatchObject({ id: claim.id, status: 'submitted' });
    await worker.drain();

    // Blank photos: nothing can be read, so the owner is asked, in Spanish, for new ones.
    const after = (await status(claim)).json();
    expect(after.status).toBe('needs_info');
    expect(after.next).toBe('provide_info');
    expect(after.timeline.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'evidence_added',
      'evidence_added',
      'submitted',
      'status_changed',
      'status_changed',
    ]);
    expect(after.timeline.at(-1).note).toContain('No pudimos leer el número de serie');
    const [started, mail, infoNeeded] = await outboxFor(claim.id);
    // The code in writing, with a link back to the draft, as soon as it was shown.
    expect(started).toMatchObject({ template: 'claim_started', language: 'es' });
    expect(started?.subject).toBe(`Su código de reclamación ${claim.code}`);
    expect(started?.text_body).toMatch(new RegExp(`http://recalls\\.test/c/${claim.id}#t=`));
    expect(started?.html_body).toContain('ANKER');
    expect(infoNeeded).toMatchObject({ template: 'info_needed', language: 'es' });
    expect(infoNeeded?.text_body).toContain('No pudimos leer la palabra RECALLED');
    expect(mail).toMatchObject({ template: 'claim_received', language: 'es', state: 'held' });
    expect(mail?.subject).toBe(`Hemos recibido su reclamación ${claim.code}`);
    const link = /http:\/\/recalls\.test\/c\/(clm_[\w-]+)#t=([\w-]+)/.exec(mail?.text_body ?? '');
    expect(link?.[1]).toBe(claim.id);
    expect((await status({ id: claim.id, accessToken: link?.[2] as string })).statusCode).toBe(200);

    const photoResponse = await harness.app.inject({
      method: 'GET',
      url: `/api/v1/claims/${claim.id}/evidence/${marked.json().id}`,
      headers: { authorization: `Bearer ${claim.accessToken}` },
    });
    expect(photoResponse.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(photoResponse.rawPayload).metadata()).width).toBe(1200);
  });

  it('answers 401 without the claim’s own token, and does not say whether the claim exists', async () => {
    const one = (await create(claimBody())).json();
    const two = (await create(claimBody())).json();
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token-wrong-token-123' },
      { authorization: `Bearer ${two.accessToken}` },
    ]) {
      const response = await harness.app.inject({ method: 'GET', url: `/api/v1/claims/${one.id}`, headers });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('unauthorized');
    }
    const unknown = await harness.app.inject({
      method: 'GET',
      url: '/api/v1/claims/clm_doesnotexist',
      headers: { authorization: `Bearer ${one.accessToken}` },
    });
    expect(unknown.statusCode).toBe(401);
  });

  it('returns the first answer to a retried create or submit with the same Idempotency-Key', async () => {
    const body = claimBody();
    const first = await create(body, { 'idempotency-key': 'create-1' });
    const again = await create(body, { 'idempotency-key': 'create-1' });
    expect(again.statusCode).toBe(201);
    // The same claim and code; the stored answer keeps no bearer token, so the retry gets a
    // fresh one, and both work.
    const { accessToken: firstToken, statusUrl: _a, ...firstRest } = first.json();
    const { accessToken: againToken, statusUrl: _b, ...againRest } = again.json();
    expect(againRest).toEqual(firstRest);
    expect(againToken).not.toBe(firstToken);
    for (const accessToken of [firstToken, againToken])
      expect((await status({ id: firstRest.id, accessToken })).statusCode).toBe(200);
    const stored = await db.kysely
      .selectFrom('idempotency_key')
      .select('response')
      .where('key', '=', 'create-1')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.response)).not.toContain(firstToken);
    expect(
      (
        await create(
          { ...body, claimant: { ...body.claimant, name: 'Someone Else' } },
          { 'idempotency-key': 'create-1' },
        )
      ).json().error.code,
    ).toBe('idempotency_key_reused');
    expect((await create(body, { 'idempotency-key': 'not a valid key!' })).json().error.code).toBe(
      'idempotency_key_invalid',
    );

    const claim = first.json();
    await upload(claim, 'label', await photo('#aaa'));
    await upload(claim, 'marked', await photo('#bbb'));
    const s1 = await submit(claim, { 'idempotency-key': 'submit-1' });
    const s2 = await submit(claim, { 'idempotency-key': 'submit-1' });
    expect([s1.statusCode, s2.statusCode]).toEqual([200, 200]);
    expect(s2.json()).toEqual(s1.json());
    expect((await outboxFor(claim.id)).filter((m) => m.template === 'claim_received')).toHaveLength(1);
  });

  it('gives a new claim another code when the one drawn belongs to a claim already', async () => {
    const first = (await create(claimBody())).json();
    drawnCodes.push(first.code, first.code);
    const second = await create(claimBody());
    expect(second.statusCode).toBe(201);
    expect(second.json().code).toMatch(/^RK-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(second.json().code).not.toBe(first.code);
    expect(drawnCodes).toEqual([]);
    // The attempts that found the code taken left nothing behind: one claim, one timeline line.
    const rows = await db.kysely
      .selectFrom('claim')
      .innerJoin('claim_event', 'claim_event.claim_id', 'claim.id')
      .select('claim.id')
      .where('claim.code', 'in', [first.code, second.json().code])
      .execute();
    expect(rows.map((row) => row.id).sort()).toEqual([first.id, second.json().id].sort());
  });

  it('refuses a second claim for a unit with 409 and mails the first claimant a link instead', async () => {
    const body = claimBody();
    const first = (await create(body)).json();
    // A second draft for the same serial while the first is still a draft: allowed.
    const rival = (
      await create({ ...body, claimant: { ...body.claimant, email: 'rival@example.com' } })
    ).json();
    for (const claim of [first, rival]) {
      await upload(claim, 'label', await photo('#123'));
      await upload(claim, 'marked', await photo('#456'));
    }
    expect((await submit(first)).statusCode).toBe(200);
    const lost = await submit(rival, { 'accept-language': 'zh-CN', 'idempotency-key': 'rival-submit' });
    expect(lost.statusCode).toBe(409);
    expect(lost.json().error).toMatchObject({ code: 'claim_duplicate_unit' });
    expect(lost.json().error.message).toMatch(/该序列号已有申请/);
    // The refused submission left nothing behind: still a draft, no timeline line, no e-mail,
    // no verification; and its retry gets the same answer.
    const rivalRow = await db.kysely
      .selectFrom('claim')
      .select(['status', 'submitted_at'])
      .where('id', '=', rival.id)
      .executeTakeFirstOrThrow();
    expect(rivalRow).toEqual({ status: 'draft', submitted_at: null });
    const rivalEvents = await db.kysely
      .selectFrom('claim_event')
      .select('type')
      .where('claim_id', '=', rival.id)
      .execute();
    expect(rivalEvents.map((event) => event.type)).not.toContain('submitted');
    expect((await outboxFor(rival.id)).map((mail) => mail.template)).toEqual(['claim_started']);
    const verifications = await db.kysely
      .selectFrom('job')
      .select('id')
      .where('queue', '=', 'claim.verify')
      .where(sql<boolean>`payload->>'claimId' = ${rival.id}`)
      .execute();
    expect(verifications).toEqual([]);
    const retried = await submit(rival, { 'idempotency-key': 'rival-submit' });
    expect([retried.statusCode, retried.json().error.code]).toEqual([409, 'claim_duplicate_unit']);

    const again = await create({ ...body, claimant: { ...body.claimant, email: 'third@example.com' } });
    expect(again.statusCode).toBe(409);
    const links = (await outboxFor(first.id)).filter((m) => m.template === 'claim_link');
    expect(links).toHaveLength(1); // at most one an hour, however often someone tries
    expect(links[0]?.to_address).toBe(body.claimant.email);
    // The mailed link works, and so does the one the owner holds: a stranger's attempt on the
    // serial must not cut the owner off.
    expect((await status(first)).statusCode).toBe(200);
    const token = /#t=([\w-]+)/.exec(links[0]?.text_body ?? '')?.[1] as string;
    expect((await status({ id: first.id, accessToken: token })).statusCode).toBe(200);

    // Once the first claim lets go of the unit, a retry of the refused submission still gets
    // the answer stored for its key; a new submission takes the unit.
    await db.kysely.updateTable('claim').set({ status: 'withdrawn' }).where('id', '=', first.id).execute();
    const replayed = await submit(rival, { 'idempotency-key': 'rival-submit' });
    expect([replayed.statusCode, replayed.json().error.code]).toEqual([409, 'claim_duplicate_unit']);
    const taken = await submit(rival, { 'idempotency-key': 'rival-submit-2' });
    expect([taken.statusCode, taken.json().status]).toEqual([200, 'submitted']);
  });

  it('checks the unit, the remedy, the address and the evidence', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ serial: 'AAAABBBBCCCCDDDD' }, 422, 'unit_not_affected'],
      [{ model: 'A1257' }, 422, 'unit_not_affected'],
      [{ campaign: 'no-such-recall' }, 404, 'campaign_not_found'],
      [{ remedy: 'refund' }, 422, 'remedy_not_offered'],
      [{ remedy: 'replacement' }, 422, 'address_required'],
      [{ claimant: { name: 'X', email: 'not-an-email', country: 'US' } }, 400, 'invalid_request'],
      [{ serial: 'A'.repeat(101) }, 400, 'invalid_request'],
    ];
    for (const [override, statusCode, code] of cases) {
      const response = await create(claimBody(override));
      expect(response.statusCode, code).toBe(statusCode);
      expect(response.json().error.code, JSON.stringify(override)).toBe(code);
    }
    const draft = (await create(claimBody())).json();
    const early = await submit(draft, { 'accept-language': 'es' });
    expect(early.statusCode).toBe(422);
    expect(early.json().error).toMatchObject({ code: 'evidence_missing' });
    expect(early.json().error.message).toMatch(/^Aún faltan fotos: label, marked/);
  });

  it('takes a claim without the unit on proof of purchase, and always sends it to a person', async () => {
    const claim = (
      await create(
        claimBody({ hasUnit: false, orderNumber: '113-5550123', incidentDescription: 'It caught fire.' }),
      )
    ).json();
    expect((await status(claim)).json()).toMatchObject({ hasUnit: false, requiredEvidence: [] });
    expect((await submit(claim)).statusCode).toBe(200);
    await worker.drain();
    const after = await db.kysely
      .selectFrom('claim_event')
      .select('detail')
      .where('claim_id', '=', claim.id)
      .where('to_status', '=', 'needs_review')
      .executeTakeFirstOrThrow();
    expect(after.detail).toMatchObject({ reasons: ['no_unit_always_reviewed'] });

    const receiptOnly = (await create(claimBody({ hasUnit: false }))).json();
    expect((await submit(receiptOnly)).json().error.code).toBe('proof_of_purchase_required');
    await upload(receiptOnly, 'receipt', await photo('#fff', 800, 1600));
    expect((await submit(receiptOnly)).statusCode).toBe(200);
  });

  it('limits claims per e-mail address', async () => {
    const email = 'many.units@example.com';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await create(
        claimBody({
          claimant: {
            name: 'Sam',
            email: i % 2 ? email.toUpperCase() : email,
            country: 'US',
            language: 'en',
          },
        }),
      );
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expect(response.json().error.code).toBe('claim_limit_email');
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it('limits claims per client address, and a claim from another address still goes through', async () => {
    const limits = harness.config.claimLimits;
    const before = limits.perClient;
    limits.perClient = 2;
    try {
      const from = (remoteAddress: string) =>
        harness.app.inject({ method: 'POST', url: '/api/v1/claims', payload: claimBody(), remoteAddress });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await from('203.0.113.9')).statusCode);
      const refused = await from('203.0.113.9');
      expect(statuses).toEqual([201, 201, 429]);
      expect(refused.json().error.code).toBe('claim_limit_client');
      expect((await from('198.51.100.4')).statusCode).toBe(201);
    } finally {
      limits.perClient = before;
    }
  });

  it('creates one claim when the same request races itself with one Idempotency-Key', async () => {
    const body = claimBody();
    const [a, b] = await Promise.all([
      create(body, { 'idempotency-key': 'race-1' }),
      create(body, { 'idempotency-key': 'race-1' }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.json().id).toBe(a.json().id);
    const rows = await db.kysely
      .selectFrom('claim')
      .select('id')
      .where('email_key', '=', body.claimant.email.toLowerCase())
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('mails fresh links to the claims on an address, and answers the same when there are none', async () => {
    const body = claimBody();
    const claim = (await create(body)).json();
    await upload(claim, 'label', await photo('#111111'));
    await upload(claim, 'marked', await photo('#222222'));
    await submit(claim);
    const recover = (email: string) =>
      harness.app.inject({ method: 'POST', url: '/api/v1/claims/recover', payload: { email } });
    const known = await recover(body.claimant.email.toUpperCase());
    const unknown = await recover('nobody@example.com');
    expect([known.statusCode, unknown.statusCode]).toEqual([202, 202]);
    expect(unknown.json()).toEqual(known.json());
    const links = (await outboxFor(claim.id)).filter((m) => m.template === 'claim_link');
    expect(links).toHaveLength(1);
    const token = /#t=([\w-]+)/.exec(links[0]?.text_body ?? '')?.[1] as string;
    expect((await status({ id: claim.id, accessToken: token })).statusCode).toBe(200);
    // Anyone can ask for a link to be mailed: that must never cut the owner off the link they hold.
    expect((await status(claim)).statusCode).toBe(200);
  });

  it('limits claims per postal address, however the address is written', async () => {
    const spellings = [
      { line1: '12 Rue de la Paix', city: 'Paris', postalCode: '75002', country: 'US' },
      { line1: '12, rue de la PAIX', city: 'Paris', postalCode: '75 002', country: 'US' },
      { line1: '12 Rue  de la Páix', city: 'PARIS', postalCode: '75002', country: 'US' },
      { line1: '12 rue de la paix.', city: 'Paris', postalCode: '75002', country: 'US' },
    ];
    const statuses: number[] = [];
    for (const address of spellings) {
      const response = await create(claimBody({ remedy: 'replacement', address }));
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expect(response.json().error.code).toBe('claim_limit_address');
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it('shows the outbox to signed-in admins only, in the console, and nowhere else', async () => {
    // The mail holds claim links (bearer tokens) and gift card codes.
    const page = await harness.app.inject({ method: 'GET', url: '/dev/outbox' });
    expect(page.statusCode).toBe(404);
    expect(page.json().error.code).toBe('not_found');
    const anonymous = await harness.app.inject({ method: 'GET', url: '/api/v1/console/outbox' });
    expect(anonymous.statusCode).toBe(401);
    const reviewer = await signIn(harness.app, db, 'reviewer');
    expect((await reviewer.get('/api/v1/console/outbox')).statusCode).toBe(403);
    expect((await reviewer.get('/api/v1/console/session')).json().features).toEqual({ outbox: false });
    const admin = await signIn(harness.app, db, 'admin');
    expect((await admin.get('/api/v1/console/session')).json().features).toEqual({ outbox: true });
    const outbox = await admin.get('/api/v1/console/outbox');
    expect(outbox.statusCode).toBe(200);
    expect(outbox.headers['cache-control']).toBe('no-store');
    expect(
      outbox
        .json()
        .messages.map((m: { subject: string }) => m.subject)
        .join('\n'),
    ).toContain('Hemos recibido su reclamación');
  });
});
