import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN, labelPhoto, markedPhoto } from '../../../../eval/synthetic-evidence.ts';
import { knownClaimCodes } from '../../../../test/support/app.ts';
import { claimsHarness, demoSerials } from '../../../../test/support/claims.ts';
import { signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';
import { claimJobs, enqueue } from '../../jobs/queue.ts';
import type { JobWorker } from '../../jobs/worker.ts';
import { NEAR_DUPLICATE_BITS } from './duplicates.ts';
import { hammingDistance, perceptualHash } from './quality.ts';

const serials = demoSerials('anker-2025-us-a1263');
let nextSerial = 200;
/** Whether the next automatic approval is picked for a quality check. */
let sampleNext = false;
const today = () => new Date().toISOString().slice(0, 10);

describe.each(await testDatabases())('evidence checks on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof claimsHarness>>;
  let worker: JobWorker;

  beforeAll(async () => {
    db = await open();
    harness = await claimsHarness(db, { claimCode: knownClaimCodes(), sampleQuality: () => sampleNext });
    worker = harness.worker;
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  async function newClaim(name = 'Ana García', serial = serials[nextSerial++] as string) {
    const response = await harness.create({
      campaign: 'anker-2025-us-a1263',
      serial,
      model: 'A1263',
      remedy: 'gift_card',
      claimant: { name, email: `${serial.toLowerCase()}@example.com`, country: 'US', language: 'es' },
    });
    expect(response.statusCode).toBe(201);
    return { ...(response.json() as { id: string; code: string; accessToken: string }), serial };
  }
  async function upload(claim: { id: string; accessToken: string }, kind: string, data: Buffer) {
    const response = await harness.upload(claim, kind, data, `${kind}.jpg`);
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string };
  }
  const feedback = (claim: { id: string; accessToken: string }, evidenceId: string) =>
    harness.checks(claim, evidenceId, 'es').then((r) => r.json());
  const submit = (claim: { id: string; accessToken: string }) => harness.submit(claim);
  /** The e-mails of a claim, oldest first, by template. */
  const templatesOf = async (claimId: string) =>
    (
      await db.kysely
        .selectFrom('outbox_message')
        .select('template')
        .where('claim_id', '=', claimId)
        .orderBy('created_at')
        .execute()
    ).map((m) => m.template);
  const status = (claim: { id: string; accessToken: string }) => harness.status(claim).then((r) => r.json());
  const goodPhotos = async (claim: { code: string; serial: string }, seed: number, name = 'Ana García') => ({
    label: await labelPhoto({ model: 'A1263', serial: claim.serial }, seed, { ...CLEAN, rotate: 6 }),
    marked: await markedPhoto({ word: 'RECALLED', name, date: today(), code: claim.code }, seed + 1, CLEAN),
  });
  /** A claim by `name` with these photos (a good label of its own with `seed`), submitted and verified. */
  async function verifiedClaim(name: string, seed: number, marked?: Buffer) {
    const claim = await newClaim(name);
    const photos = await goodPhotos(claim, seed, name);
    await upload(claim, 'label', photos.label);
    await upload(claim, 'marked', marked ?? photos.marked);
    await worker.drain();
    expect((await submit(claim)).statusCode).toBe(200);
    await worker.drain();
    return { ...claim, photos };
  }
  const photoUnique = (claimId: string) =>
    db.kysely
      .selectFrom('check_result')
      .selectAll()
      .where('claim_id', '=', claimId)
      .where('check_id', '=', 'photo_unique')
      .executeTakeFirstOrThrow();

  it('reads a label with the serial rules of the claim’s campaign (the US recall: never O or I)', async () => {
    // A serial of its own, outside the sequence: the other tests keep the photos they were written with.
    const claim = await newClaim('Ana García', serials[150]);
    // A print that mixes O and I with 0 and 1: the re-read of its serial line may use neither letter.
    const label = await upload(
      claim,
      'label',
      await labelPhoto({ model: 'A1263', serial: 'OI0I1O0I1OI0O1I0' }, 3, CLEAN),
    );
    await worker.drain();
    const row = await db.kysely
      .selectFrom('evidence')
      .select('analysis')
      .where('id', '=', label.id)
      .executeTakeFirstOrThrow();
    const lines = (row.analysis as { ocr: { lines: string[] } }).ocr.lines;
    // Re-reads come back as one run of capitals and digits: "S/N:…" with no space after the colon.
    const serialRereads = lines.filter((line) => /^S\/N:\S/.test(line));
    expect(serialRereads.length, JSON.stringify(lines)).toBeGreaterThan(0);
    for (const line of serialRereads) expect(line).not.toMatch(/[OI]/);
  });

  it('reads each photo within seconds of the upload and says what it could not read, in the owner’s language', async () => {
    const claim = await newClaim();
    const photos = await goodPhotos(claim, 11);
    const label = await upload(claim, 'label', photos.label);
    const blank = await upload(claim, 'marked', await markedPhoto({ name: 'Ana García' }, 12, CLEAN));
    expect((await feedback(claim, label.id)).state).toBe('processing');
    await worker.drain();

    const onLabel = await feedback(claim, label.id);
    expect(onLabel.state).toBe('ready');
    expect(onLabel.checks).toEqual(
      expect.arrayContaining([
        { id: 'serial_matches', outcome: 'pass' },
        { id: 'model_matches', outcome: 'pass' },
      ]),
    );
    expect(onLabel.messages).toEqual(['Pudimos leer el número de serie y el modelo.']);
    const onBlank = await feedback(claim, blank.id);
    expect(onBlank.checks).toEqual(
      expect.arrayContaining([
        // Not written, so not read: unsure, never a fail, and the owner is asked to write it.
        { id: 'word_recalled', outcome: 'unsure' },
        { id: 'claim_code_present', outcome: 'unsure' },
        { id: 'name_present', outcome: 'pass' },
      ]),
    );
    expect(onBlank.messages).toEqual(
      expect.arrayContaining([
        'No pudimos leer la palabra RECALLED. Escríbala en mayúsculas grandes con un rotulador permanente.',
        `No pudimos leer el código de reclamación ${claim.code}. Escríbalo con claridad, tal como aparece.`,
      ]),
    );

    // The owner retakes photo 2 before sending: the claim is approved without a person.
    await upload(claim, 'marked', photos.marked);
    await worker.drain();
    expect((await submit(claim)).statusCode).toBe(200);
    await worker.drain();
    // Approved, and the gift card from the campaign's pool is already with the owner.
    const done = await status(claim);
    expect(done.status).toBe('fulfilled');
    expect(done.fulfilment).toMatchObject({
      kind: 'gift_card',
      state: 'issued',
      amountMinor: 3000,
      currency: 'USD',
    });
    expect(done.fulfilment.code).toMatch(/^DEMO-/);
    const checks = await db.kysely
      .selectFrom('check_result')
      .selectAll()
      .where('claim_id', '=', claim.id)
      .execute();
    expect(Object.fromEntries(checks.map((c) => [c.check_id, c.outcome]))).toEqual({
      serial_matches: 'pass',
      model_matches: 'pass',
      word_recalled: 'pass',
      date_current: 'pass',
      name_present: 'pass',
      claim_code_present: 'pass',
      photo_unique: 'pass',
      image_quality: 'pass',
      exif_plausible: 'unsure', // generated photos carry no EXIF: never a reason to refuse
    });
    const [decision] = await db.kysely
      .selectFrom('decision')
      .selectAll()
      .where('claim_id', '=', claim.id)
      .execute();
    expect(decision).toMatchObject({ actor: 'system', action: 'approve', reasons: [] });
    expect(await templatesOf(claim.id)).toEqual([
      'claim_started',
      'claim_received',
      'approved',
      'remedy_sent',
    ]);
  });

  it('catches a photo reused from another claim, re-encoded and resized, and sends the claim to a person', async () => {
    const first = await verifiedClaim('Mary Johnson', 21);
    const sharp = (await import('sharp')).default;
    const copy = await sharp(first.photos.marked).resize({ width: 1100 }).jpeg({ quality: 70 }).toBuffer();
    const second = await verifiedClaim('Mary Johnson', 23, copy);

    expect((await status(second)).status).toBe('needs_review');
    const unique = await photoUnique(second.id);
    expect(unique.outcome).toBe('fail');
    expect((unique.detail.matches as { otherClaim: string }[]).map((m) => m.otherClaim)).toContain(first.id);
    const decision = await db.kysely
      .selectFrom('decision')
      .selectAll()
      .where('claim_id', '=', second.id)
      .executeTakeFirstOrThrow();
    expect(decision.action).toBe('review');
    expect(decision.reasons).toContain('photo_unique');
  });

  it('finds a reused photo cropped beyond its hash’s reach through the hash of its centre', async () => {
    const sharp = (await import('sharp')).default;
    const first = await verifiedClaim('Tom Baker', 31);
    const { photos } = first;

    // 8 % off each side, duller, smaller: the photo’s own hash moves beyond the lookup’s reach.
    const { width = 0, height = 0 } = await sharp(photos.marked).metadata();
    const copy = await sharp(photos.marked)
      .extract({
        left: Math.round(width * 0.08),
        top: Math.round(height * 0.08),
        width: Math.round(width * 0.84),
        height: Math.round(height * 0.84),
      })
      .modulate({ saturation: 0.7 })
      .resize({ width: 900 })
      .jpeg({ quality: 70 })
      .toBuffer();
    expect(hammingDistance(await perceptualHash(photos.marked), await perceptualHash(copy))).toBeGreaterThan(
      NEAR_DUPLICATE_BITS,
    );

    const second = await verifiedClaim('Tom Baker', 33, copy);
    const unique = await photoUnique(second.id);
    expect(unique.outcome).toBe('fail');
    const matches = unique.detail.matches as { otherClaim: string; reason: string; distance: number }[];
    expect(matches).toContainEqual(
      expect.objectContaining({ otherClaim: first.id, reason: 'near_duplicate' }),
    );
    expect((await status(second)).status).toBe('needs_review');
  });

  it('records a verification once when its worker dies and the job runs again, or runs twice', async () => {
    const claim = await newClaim();
    const photos = await goodPhotos(claim, 31);
    await upload(claim, 'label', photos.label);
    await upload(claim, 'marked', photos.marked);
    await worker.drain();
    expect((await submit(claim)).statusCode).toBe(200);
    // A worker claims the verification and dies: its lease lapses unrenewed.
    const [taken] = await claimJobs(db.kysely, ['claim.verify'], 'dead-worker', 1, 60_000);
    expect(taken).toBeDefined();
    await db.kysely
      .updateTable('job')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('id', '=', taken?.id as string)
      .execute();
    await worker.drain();
    // And the same job delivered twice does nothing more.
    await enqueue(db.kysely, 'claim.verify', { claimId: claim.id });
    await worker.drain();

    expect((await status(claim)).status).toBe('fulfilled');
    const decisions = await db.kysely
      .selectFrom('decision')
      .select('action')
      .where('claim_id', '=', claim.id)
      .execute();
    expect(decisions).toEqual([{ action: 'approve' }]);
    expect((await templatesOf(claim.id)).filter((template) => template === 'approved')).toHaveLength(1);
  });

  it('holds an automatic approval picked for the quality sample until a supervisor confirms it', async () => {
    const claim = await newClaim();
    const photos = await goodPhotos(claim, 41);
    await upload(claim, 'label', photos.label);
    await upload(claim, 'marked', photos.marked);
    await worker.drain();
    sampleNext = true;
    try {
      expect((await submit(claim)).statusCode).toBe(200);
      await worker.drain();
    } finally {
      sampleNext = false;
    }
    expect((await status(claim)).status).toBe('second_review');
    const pending = await db.kysely
      .selectFrom('decision')
      .selectAll()
      .where('claim_id', '=', claim.id)
      .executeTakeFirstOrThrow();
    expect(pending).toMatchObject({
      actor: 'system',
      action: 'approve',
      state: 'pending',
      quality_sample: true,
    });

    const supervisor = await signIn(harness.app, db, 'supervisor');
    const queue = (await supervisor.get('/api/v1/console/claims?status=second_review')).json();
    expect(queue.claims.map((c: { id: string }) => c.id)).toContain(claim.id);
    const confirmed = await supervisor.post(`/api/v1/console/claims/${claim.id}/decision`, {
      action: 'approve',
    });
    expect(confirmed.json()).toMatchObject({ status: 'approved' });
    expect(await templatesOf(claim.id)).toEqual(['claim_started', 'claim_received', 'approved']);
  });
});
