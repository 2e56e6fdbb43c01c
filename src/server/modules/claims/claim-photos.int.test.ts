import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { claimsApiSuite } from '../../../../test/support/claims.ts';
import { signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import { pixelDamagedPng } from '../../../../test/support/photos.ts';
import type { BlobStore, Spool } from '../../blobs/blob-store.ts';
import type { Db } from '../../db/database.ts';
import type { JobWorker } from '../../jobs/worker.ts';
import { deleteUnreferencedBlobs } from '../evidence/evidence-blobs.ts';

describe.each(await testDatabases())('claim photos and draft expiry on $name', ({ open }) => {
  const suite = claimsApiSuite(open);
  const { photo, claimBody, files, create, upload, submit, status, expireDraftNow } = suite;
  let db: Db;
  let harness: typeof suite.harness;
  let worker: JobWorker;
  beforeAll(() => {
    ({ db, harness, worker } = suite);
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
});
