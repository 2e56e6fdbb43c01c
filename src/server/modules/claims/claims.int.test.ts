import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsHarness, demoSerials } from '../../../../test/support/claims.ts';
import { signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import { pixelDamagedPng } from '../../../../test/support/photos.ts';
import type { BlobStore, Spool } from '../../blobs/blob-store.ts';
import type { Db } from '../../db/database.ts';
import type { JobWorker } from '../../jobs/worker.ts';
import { deleteUnreferencedBlobs } from '../evidence/evidence-blobs.ts';
import { newClaimCode } from './claim-access.ts';

const US = { campaign: 'anker-2025-us-a1263', model: 'A1263' };
const usSerials = demoSerials(US.campaign);
let nextSerial = 10;
const freshSerial = () => usSerials[nextSerial++] as string;

const photo = (colour: string, width = 1200, height = 900) =>
  sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();

function claimBody(overrides: Record<string, unknown> = {}) {
  return {
    ...US,
    serial: freshSerial(),
    remedy: 'gift_card',
    claimant: {
      name: 'Ana García',
      email: `ana.${Math.random().toString(36).slice(2)}@example.com`,
      country: 'US',
      language: 'es',
    },
    ...overrides,
  };
}

function files(blobDir: string): string[] {
  if (!fs.existsSync(blobDir)) return [];
  return fs
    .readdirSync(blobDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

describe.each(await testDatabases())('claims API on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof claimsHarness>>;
  let worker: JobWorker;
  /** The claim codes the next creates draw, before random ones. */
  const drawnCodes: string[] = [];

  beforeAll(async () => {
    db = await open();
    harness = await claimsHarness(db, {
      claimCode: () => drawnCodes.shift() ?? newClaimCode(),
      config: {
        claimLimits: { windowHours: 24, perEmail: 3, perAddress: 3, perClient: 0 },
        photoMaxBytes: 2_000_000,
      },
    });
    worker = harness.worker;
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  const create = (body: unknown, headers: Record<string, string> = {}) => harness.create(body, headers);
  // The owner's answers are in Spanish.
  const upload = (
    claim: { id: string; accessToken: string },
    kind: string,
    data: Buffer,
    fileName = 'photo.jpg',
  ) => harness.upload(claim, kind, data, fileName, { 'accept-language': 'es' });
  const submit = (
    claim: { id: string; accessToken: string },
    headers: Record<string, string> = {},
    body: object = { disposalAttested: true },
  ) => harness.submit(claim, headers, body);
  const status = (claim: { id: string; accessToken: string }) => harness.status(claim);
  /** Lets time pass: the draft's expiry and its job come due, and the worker runs it. */
  const expireDraftNow = async (claimId: string) => {
    const past = new Date(Date.now() - 1000);
    await db.kysely.updateTable('claim').set({ expires_at: past }).where('id', '=', claimId).execute();
    await db.kysely.updateTable('job').set({ run_at: past }).where('singleton_key', '=', claimId).execute();
    await worker.drain();
  };
  const outboxFor = (claimId: string) =>
    db.kysely
      .selectFrom('outbox_message')
      .selectAll()
      .where('claim_id', '=', claimId)
      .orderBy('created_at')
      .execute();

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
    const [mail, infoNeeded] = await outboxFor(claim.id);
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
    expect(again.json()).toEqual(first.json());
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
    expect(await outboxFor(rival.id)).toEqual([]);
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
    // The new link works; the earlier ones do not.
    expect((await status(first)).statusCode).toBe(401);
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

  it('refuses every bad photo with a clear error and leaves no row or file behind', async () => {
    const claim = (await create(claimBody())).json();
    const jpeg = await photo('#321');
    const before = files(harness.blobDir).length;
    const cases: [string, Buffer, string, number, string][] = [
      ['label', Buffer.from('%PDF-1.4 a document'), 'doc.jpg', 415, 'photo_unsupported_type'],
      ['label', jpeg.subarray(0, 400), 'cut.jpg', 422, 'photo_corrupt'],
      ['label', Buffer.alloc(0), 'empty.jpg', 400, 'photo_empty'],
      ['label', Buffer.concat([jpeg, Buffer.alloc(2_100_000)]), 'big.jpg', 413, 'photo_too_large'],
      ['label', jpeg, '../../etc/passwd', 400, 'photo_bad_filename'],
      ['selfie', jpeg, 'photo.jpg', 400, 'evidence_kind_invalid'],
    ];
    for (const [kind, data, name, statusCode, code] of cases) {
      const response = await upload(claim, kind, data, name);
      expect(response.statusCode, code).toBe(statusCode);
      expect(response.json().error.code).toBe(code);
      expect(response.json().error.message.length).toBeGreaterThan(10);
    }
    expect(
      await db.kysely.selectFrom('evidence').select('id').where('claim_id', '=', claim.id).execute(),
    ).toEqual([]);
    expect(files(harness.blobDir).length).toBe(before);
    expect((await upload(claim, 'label', jpeg)).statusCode).toBe(201); // and it still works
  });

  it('leaves no file behind when the connection drops halfway through an upload, and takes the next one', async () => {
    const claim = (await create(claimBody())).json();
    const jpeg = await photo('#135');
    const spoolDir = path.join(harness.blobDir, 'spool');
    const before = files(harness.blobDir).length;
    await harness.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = harness.app.server.address() as net.AddressInfo;
    const boundary = 'recallkit-test-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nlabel\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\n` +
        'Content-Type: image/jpeg\r\n\r\n',
    );
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /api/v1/claims/${claim.id}/evidence HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Authorization: Bearer ${claim.accessToken}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\n` +
        `Content-Length: ${head.length + 3_000_000}\r\n\r\n`,
    );
    socket.write(head);
    socket.write(Buffer.concat([jpeg, Buffer.alloc(1_200_000, 7)]));
    // The upload has begun to be spooled; then the phone loses its signal.
    await expect.poll(() => fs.readdirSync(spoolDir).length, { timeout: 10_000 }).toBe(1);
    socket.destroy();
    await expect.poll(() => files(harness.blobDir).length, { timeout: 10_000 }).toBe(before);
    expect(
      await db.kysely.selectFrom('evidence').select('id').where('claim_id', '=', claim.id).execute(),
    ).toEqual([]);
    expect((await upload(claim, 'label', jpeg)).statusCode).toBe(201);
  });

  it('refuses a stranger’s upload before reading it, and a label for a submitted claim, storing neither', async () => {
    const claim = (await create(claimBody())).json();
    const other = (await create(claimBody())).json();
    const jpeg = await photo('#654');
    const before = files(harness.blobDir).length;
    const stranger = await upload({ id: claim.id, accessToken: other.accessToken }, 'label', jpeg);
    expect(stranger.statusCode).toBe(401);
    expect(stranger.json().error.code).toBe('unauthorized');
    // Refused before the body is read: a stranger's oversized file is a 401, not a 413.
    const oversized = Buffer.concat([jpeg, Buffer.alloc(2_100_000)]);
    expect(
      (await upload({ id: claim.id, accessToken: other.accessToken }, 'label', oversized)).statusCode,
    ).toBe(401);

    expect((await upload(claim, 'label', await photo('#655'))).statusCode).toBe(201);
    expect((await upload(claim, 'marked', await photo('#656'))).statusCode).toBe(201);
    expect((await submit(claim)).statusCode).toBe(200);
    const afterSubmit = files(harness.blobDir).length;
    const late = await upload(claim, 'label', jpeg);
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toEqual({
      code: 'claim_not_editable',
      message: 'Esta reclamación ya no se puede cambiar.', // in the owner's language
    });
    expect(afterSubmit).toBe(before + 2);
    expect(files(harness.blobDir).length).toBe(afterSubmit);
  });

  it('decodes photos after the upload; one whose pixels are damaged must be taken again before submitting', async () => {
    const claim = (await create(claimBody())).json();
    const label = await upload(claim, 'label', await photo('#111111'));
    expect(label.statusCode).toBe(201);
    expect(label.json().state).toBe('processing');
    const damaged = await pixelDamagedPng();
    expect((await upload(claim, 'marked', damaged, 'marked.png')).statusCode).toBe(201);
    await worker.drain();
    const states = Object.fromEntries(
      (await status(claim))
        .json()
        .evidence.map((e: { kind: string; state: string; problem: string | null }) => [
          e.kind,
          [e.state, e.problem],
        ]),
    );
    expect(states).toEqual({ label: ['ready', null], marked: ['unreadable', 'photo_corrupt'] });
    const refused = await submit(claim);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('evidence_unreadable');
    await upload(claim, 'marked', await photo('#121212'));
    await worker.drain();
    expect((await submit(claim)).statusCode).toBe(200);
  });

  it('asks for the drop-off to be confirmed when the campaign holds the remedy until then', async () => {
    const claim = (
      await create(
        claimBody({
          campaign: 'anker-2025-global-5-models',
          model: 'A1257',
          serial: 'AG4K8BEFSFUT21QZ',
          remedy: 'refund',
          claimant: { name: 'Jonas Weber', email: 'jonas@example.de', country: 'DE', language: 'en' },
        }),
      )
    ).json();
    const early = await harness.confirmDisposal(claim);
    expect(early.statusCode).toBe(409); // a draft is not sent yet
    await upload(claim, 'label', await photo('#212121'));
    await upload(claim, 'marked', await photo('#222222'));
    await worker.drain();
    expect((await submit(claim)).statusCode).toBe(200);
    // Sent but not decided: nothing to confirm yet.
    const waiting = (await status(claim)).json();
    expect(waiting.disposal).toMatchObject({ confirmBeforeRemedy: true, confirmedAt: null });
    expect(waiting.disposal.attestedAt).not.toBeNull();
    expect(waiting.next).toBe('wait');
    await worker.drain();

    // The claim reaches a person (the blank photos sent it back to the owner; here it is moved on
    // directly), who approves it: the refund waits for the drop-off.
    await db.kysely
      .updateTable('claim')
      .set({ status: 'needs_review', risk_score: 0 })
      .where('id', '=', claim.id)
      .execute();
    const reviewer = await signIn(harness.app, db, 'reviewer');
    const approved = await reviewer.post(`/api/v1/console/claims/${claim.id}/decision`, {
      action: 'approve',
    });
    expect(approved.json().status).toBe('approved');
    const held = (await status(claim)).json();
    expect(held.next).toBe('confirm_disposal');
    expect(held.fulfilment).toMatchObject({ kind: 'refund', state: 'awaiting_disposal' });
    expect((await upload(claim, 'label', await photo('#232323'))).statusCode).toBe(409);
    expect((await upload(claim, 'disposal', await photo('#242424'))).statusCode).toBe(201);
    const confirm = () => harness.confirmDisposal(claim);
    const first = await confirm();
    expect(first.statusCode).toBe(200);
    expect((await confirm()).json().confirmedAt).toBe(first.json().confirmedAt);
    await worker.drain();
    const after = (await status(claim)).json();
    expect(after.next).toBe('wait');
    // Released: the refund of the campaign's default price waits for the next payout file.
    expect(after.fulfilment).toMatchObject({ state: 'ready_to_pay', amountMinor: 4999, currency: 'USD' });
    expect(after.status).toBe('fulfilling');
    expect(after.disposal.confirmedAt).toBe(first.json().confirmedAt);
    expect(after.timeline.filter((e: { type: string }) => e.type === 'disposal_confirmed')).toHaveLength(1);
  });

  it('replaces a photo without losing the others, and keeps the replaced one on record', async () => {
    const claim = (await create(claimBody())).json();
    expect((await upload(claim, 'label', await photo('#010101'))).json().replaced).toBe(false);
    await upload(claim, 'marked', await photo('#020202'));
    const retake = await upload(claim, 'label', await photo('#030303'));
    expect(retake.json().replaced).toBe(true);
    const { evidence, timeline } = (await status(claim)).json();
    expect(timeline.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'evidence_added',
      'evidence_added',
      'evidence_replaced',
    ]);
    expect(evidence.map((e: { kind: string }) => e.kind).sort()).toEqual(['label', 'marked']);
    const all = await db.kysely
      .selectFrom('evidence')
      .select(['kind', 'replaced_at'])
      .where('claim_id', '=', claim.id)
      .execute();
    expect(all).toHaveLength(3);
  });

  it('deletes a draft nobody submitted in time, with its photos', async () => {
    const claim = (await create(claimBody())).json();
    await upload(claim, 'label', await photo('#0a0b0c'));
    await worker.drain(); // the display copy is made
    const keys = await db.kysely
      .selectFrom('evidence')
      .select(['original_key', 'display_key'])
      .where('claim_id', '=', claim.id)
      .executeTakeFirstOrThrow();
    expect(await harness.blobs.exists(keys.original_key)).toBe(true);
    await expireDraftNow(claim.id);
    expect(
      await db.kysely.selectFrom('claim').select('id').where('id', '=', claim.id).executeTakeFirst(),
    ).toBeUndefined();
    expect(keys.display_key).not.toBeNull();
    expect(await harness.blobs.exists(keys.original_key)).toBe(false);
    expect(await harness.blobs.exists(String(keys.display_key))).toBe(false);
    expect((await status(claim)).statusCode).toBe(401);
  });

  it('stops a draft from expiring once it is submitted', async () => {
    const claim = (await create(claimBody())).json();
    await upload(claim, 'label', await photo('#0b0c0d'));
    await upload(claim, 'marked', await photo('#0c0d0e'));
    const expiryJobs = () =>
      db.kysely
        .selectFrom('job')
        .select('state')
        .where('queue', '=', 'claim.expire_draft')
        .where('singleton_key', '=', claim.id)
        .execute();
    expect(await expiryJobs()).toEqual([{ state: 'queued' }]);
    expect((await submit(claim)).statusCode).toBe(200);
    // Nothing is left for an operator to find in the job list, and the draft's deadline passing
    // does not take the claim.
    expect(await expiryJobs()).toEqual([]);
    await expireDraftNow(claim.id);
    expect((await status(claim)).json().status).not.toBe('draft');
    expect((await status(claim)).statusCode).toBe(200);
  });

  it('keeps a photo that another claim also uses when a draft expires', async () => {
    const same = await photo('#0d0e0f');
    const keeper = (await create(claimBody())).json();
    const abandoned = (await create(claimBody())).json();
    await upload(keeper, 'label', same);
    await upload(abandoned, 'label', same);
    await worker.drain();
    const keys = await db.kysely
      .selectFrom('evidence')
      .select(['original_key', 'display_key'])
      .where('claim_id', '=', abandoned.id)
      .executeTakeFirstOrThrow();
    await expireDraftNow(abandoned.id);
    expect((await status(abandoned)).statusCode).toBe(401);
    expect(await harness.blobs.exists(keys.original_key)).toBe(true);
    expect(await harness.blobs.exists(String(keys.display_key))).toBe(true);
    expect((await status(keeper)).json().evidence).toHaveLength(1);
  });

  /** Two drafts: the first with a decoded photo whose very bytes the second is about to upload. */
  const twoDraftsSharingAPhoto = async (colour: string) => {
    const same = await photo(colour);
    const abandoned = (await create(claimBody())).json();
    const keeper = (await create(claimBody())).json();
    await upload(abandoned, 'label', same);
    await worker.drain();
    return { same, abandoned, keeper };
  };
  /** Runs `work` with one method of the app's blob store replaced; `standIn` gets the real one. */
  const withBlobStoreMethod = async <K extends 'put' | 'exists'>(
    name: K,
    standIn: (real: BlobStore[K]) => BlobStore[K],
    work: () => Promise<void>,
  ) => {
    const blobs: BlobStore = harness.blobs;
    blobs[name] = standIn(blobs[name].bind(blobs) as BlobStore[K]);
    try {
      await work();
    } finally {
      delete (blobs as Partial<BlobStore>)[name]; // the store's own method again
    }
  };
  const photoOf = (claimId: string) =>
    db.kysely
      .selectFrom('evidence')
      .select(['original_key', 'display_key', 'state'])
      .where('claim_id', '=', claimId)
      .executeTakeFirstOrThrow();

  it('keeps a photo when a draft with the same bytes expires while another claim is uploading them', async () => {
    const { same, abandoned, keeper } = await twoDraftsSharingAPhoto('#1a1b1c');
    // The abandoned draft expires, and its photos are cleaned up, between the moment the
    // keeper's upload has stored the (same) blob and the moment its row commits.
    // The upload was spooled to the store's directory while it arrived: storing it is the
    // spooled file's adoption under its key.
    const spool = harness.blobs.spool as Spool;
    const adopt = spool.adopt;
    let raced = false;
    spool.adopt = async (spooled, key) => {
      await adopt(spooled, key);
      if (raced) return;
      raced = true;
      await expireDraftNow(abandoned.id);
    };
    try {
      expect((await upload(keeper, 'label', same)).statusCode).toBe(201);
    } finally {
      spool.adopt = adopt;
    }
    expect(raced).toBe(true);
    expect((await status(abandoned)).statusCode).toBe(401);
    expect(await harness.blobs.exists((await photoOf(keeper.id)).original_key)).toBe(true);
    await worker.drain();
    expect((await status(keeper)).json().evidence.map((e: { state: string }) => e.state)).toEqual(['ready']);
  });

  it('keeps a photo when a draft with the same bytes is cleaned up while another claim’s row for it is being written', async () => {
    const { same, abandoned, keeper } = await twoDraftsSharingAPhoto('#2a2b2c');
    // The keeper's upload is inside its transaction, its row written but not committed, when
    // the abandoned draft expires and its photos are cleaned up.
    let cleanup: Promise<void> | undefined;
    await withBlobStoreMethod(
      'exists',
      (exists) => async (key) => {
        const found = await exists(key);
        if (cleanup) return found;
        let settled = false;
        cleanup = expireDraftNow(abandoned.id).finally(() => {
          settled = true;
        });
        // On PostgreSQL the cleanup runs on another connection: go on once it waits for the
        // photo's lock (or, were there no lock, once it is done). PGlite has one connection,
        // which this transaction holds, so the cleanup waits for it in any case.
        while (db.kind === 'postgres' && !settled) {
          const { rows } = await sql<{ waiting: number }>`
            select count(*)::int as waiting from pg_locks where locktype = 'advisory' and not granted`.execute(
            db.kysely,
          );
          if ((rows[0]?.waiting ?? 0) > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return found;
      },
      async () => {
        expect((await upload(keeper, 'label', same)).statusCode).toBe(201);
        await cleanup;
      },
    );
    expect((await status(abandoned)).statusCode).toBe(401);
    expect(await harness.blobs.exists((await photoOf(keeper.id)).original_key)).toBe(true);
  });

  it('keeps a display copy that a cleanup deletes while another claim’s photo job is storing it', async () => {
    const { same, abandoned, keeper } = await twoDraftsSharingAPhoto('#3a3b3c');
    const displayKey = (await photoOf(abandoned.id)).display_key;
    await upload(keeper, 'label', same);
    // The keeper's photo job has stored the display copy (the same bytes as the abandoned
    // draft's) when that draft goes and its photos are cleaned up.
    let raced = false;
    await withBlobStoreMethod(
      'put',
      (put) => async (key, data, contentType) => {
        await put(key, data, contentType);
        if (key !== displayKey || raced) return;
        raced = true;
        await db.kysely.deleteFrom('claim').where('id', '=', abandoned.id).execute();
        await deleteUnreferencedBlobs(db, harness.blobs, [key]);
      },
      async () => {
        await worker.drain();
      },
    );
    expect(raced).toBe(true);
    expect(await photoOf(keeper.id)).toMatchObject({ state: 'ready', display_key: displayKey });
    expect(await harness.blobs.exists(String(displayKey))).toBe(true);
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
    expect((await status(claim)).statusCode).toBe(401); // the old link no longer works
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

  it('shows the outbox on the development page', async () => {
    const page = await harness.app.inject({ method: 'GET', url: '/dev/outbox' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Hemos recibido su reclamación');
  });
});
