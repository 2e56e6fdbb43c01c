import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/server/db/database.ts';
import { createStaff } from '../../src/server/modules/staff/staff-accounts.ts';
import { demoUnits } from '../support/claims.ts';
import { STAFF_PASSWORD } from '../support/console.ts';
import { createPostgresDatabase, testDatabases } from '../support/databases.ts';
import { postClaim, submitClaim, uploadPhoto, WITHOUT_UNIT } from '../support/owner-http.ts';
import { freePort, type RecallkitProcess, startRecallkit, startWorkerProcess } from '../support/processes.ts';
import { startSmtpServer } from '../support/smtp.ts';

const hasPostgres = (await testDatabases()).some((database) => database.name === 'postgres');
const CLAIMS = Number(process.env.SCALE_CLAIMS ?? 300);
const US = 'anker-2025-us-a1263';

/** Runs `work` for each item, `width` at a time. */
async function inParallel<T>(items: T[], width: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    }),
  );
}

/**
 * Two web processes (`WORKER=false`) and two `recallkit work` processes, as real OS processes on
 * one PostgreSQL database and one S3-compatible bucket, with a real SMTP server: claims with
 * photos spread over both web processes, approved by a person, are each verified once, get one
 * remedy and one of each e-mail, and every photo is readable through every web process.
 */
describe.runIf(hasPostgres)('scaled out: 2 web and 2 worker processes on PostgreSQL and a bucket', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-scale-'));
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let s3: { close(): Promise<void> } | undefined;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let db: Db;
  const web: RecallkitProcess[] = [];
  const workers: ReturnType<typeof startWorkerProcess>[] = [];

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const s3Port = await freePort();
    const bucket = new S3rver({
      port: s3Port,
      address: '127.0.0.1',
      silent: true,
      directory: path.join(dir, 's3'),
      configureBuckets: [{ name: 'evidence', configs: [] }],
    });
    await bucket.run();
    s3 = bucket;
    smtp = await startSmtpServer();
    const env = (name: string) => ({
      DATABASE_URL: database.url,
      DATA_DIR: path.join(dir, name),
      STORAGE_URL: `s3://evidence/recallkit?endpoint=http://127.0.0.1:${s3Port}&region=us-east-1`,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      SMTP_URL: smtp.url,
      MAIL_SETTLE_SECONDS: '0',
      LOOKUP_RATE_LIMIT: '0',
      CLAIM_LIMIT_PER_CLIENT: '0',
      CLAIM_LIMIT_PER_EMAIL: '0',
      OCR_WORKERS: '1',
      // One key for every process: each seals and opens the others' gift card codes.
      SECRET_KEY: 'scale-test-secret-key-0123456789abcdef',
    });
    // The first seeds the examples (and their gift card pool); the second finds them there.
    web.push(await startRecallkit({ ...env('web-1'), WORKER: 'false', SEED_EXAMPLES: 'true' }));
    web.push(await startRecallkit({ ...env('web-2'), WORKER: 'false' }));
    workers.push(startWorkerProcess(env('worker-1')), startWorkerProcess(env('worker-2')));
    // Each shares its work and reads photos from the bucket: no warning about a local directory or an own key.
    for (const w of web) expect(w.logs()).not.toMatch(/cannot read them|key of its own/);
    db = await openDatabase({ databaseUrl: database.url, dataDir: '', migrate: false });
  });
  afterAll(async () => {
    await Promise.all([...web.map((w) => w.stop()), ...workers.map((w) => w.stop())]);
    await db?.close();
    await smtp?.close();
    await s3?.close();
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`takes ${CLAIMS} claims with photos through both web processes: verified once, one remedy, one of each e-mail`, {
    timeout: 900_000,
  }, async () => {
    const units = demoUnits(US).slice(1000, 1000 + CLAIMS);
    // Each owner's own photo (a receipt): no two alike.
    const photoOf = (i: number) =>
      sharp({
        create: {
          width: 640,
          height: 480,
          channels: 3,
          background: { r: i % 256, g: (i >> 8) * 60, b: 128 },
        },
      })
        .jpeg()
        .toBuffer();
    const claims: { id: string; token: string; evidenceId: string; via: number }[] = [];
    await inParallel(units, 8, async (unit, i) => {
      const base = web[i % 2]?.base as string;
      const created = await postClaim(base, unit, `owner${i}@example.com`, {
        ...WITHOUT_UNIT,
        claimant: { name: `Owner ${i}`, email: `owner${i}@example.com`, country: 'US', language: 'en' },
      });
      if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
      const claim = (await created.json()) as { id: string; accessToken: string };
      // The photo through the other web process than the claim.
      const uploaded = await uploadPhoto(
        web[(i + 1) % 2]?.base as string,
        claim,
        'receipt',
        await photoOf(i),
      );
      if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
      const submitted = await submitClaim(base, claim);
      if (submitted.status !== 200) throw new Error(`submit: ${submitted.status} ${await submitted.text()}`);
      claims.push({
        id: claim.id,
        token: claim.accessToken,
        evidenceId: ((await uploaded.json()) as { id: string }).id,
        via: i % 2,
      });
    });

    // The workers read the photos and verify: without the unit, every claim goes to a person.
    const statuses = async () =>
      (await db.kysely.selectFrom('claim').select('status').execute()).filter(
        (c) => c.status === 'needs_review',
      ).length;
    await expect.poll(statuses, { timeout: 240_000, interval: 1000 }).toBe(CLAIMS);

    // A reviewer approves each, through either web process.
    await createStaff(
      db.kysely,
      { email: 'rita@recalls.example', name: 'Rita Reviewer', role: 'reviewer', password: STAFF_PASSWORD },
      'test',
    );
    const sessions = await Promise.all(
      web.map(async (w) => {
        const signIn = await fetch(`${w.base}/api/v1/console/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'rita@recalls.example', password: STAFF_PASSWORD }),
        });
        expect(signIn.status).toBe(200);
        const cookie = /rk_staff=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')?.[0] as string;
        return { base: w.base, cookie, csrf: ((await signIn.json()) as { csrfToken: string }).csrfToken };
      }),
    );
    await inParallel(claims, 8, async (claim, i) => {
      const session = sessions[i % 2] as (typeof sessions)[number];
      const decided = await fetch(`${session.base}/api/v1/console/claims/${claim.id}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf },
        body: JSON.stringify({ action: 'approve' }),
      });
      if (decided.status !== 200) throw new Error(`decision: ${decided.status} ${await decided.text()}`);
    });
    const issued = async () =>
      (await db.kysely.selectFrom('remedy').select('state').where('state', '=', 'issued').execute()).length;
    await expect.poll(issued, { timeout: 180_000, interval: 1000 }).toBe(CLAIMS);
    await expect
      .poll(
        async () =>
          (await db.kysely.selectFrom('outbox_message').select('id').where('state', '=', 'pending').execute())
            .length,
        { timeout: 60_000, interval: 500 },
      )
      .toBe(0);

    // Each claim verified once: one machine decision each.
    const machine = await db.kysely
      .selectFrom('decision')
      .select(['claim_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('actor', '=', 'system')
      .groupBy('claim_id')
      .execute();
    expect(machine).toHaveLength(CLAIMS);
    expect(machine.every((row) => Number(row.n) === 1)).toBe(true);
    // One remedy each, each a different gift card code.
    const remedies = await db.kysely.selectFrom('remedy').select(['claim_id', 'code']).execute();
    expect(new Set(remedies.map((r) => r.claim_id)).size).toBe(CLAIMS);
    expect(remedies).toHaveLength(CLAIMS);
    expect(new Set(remedies.map((r) => r.code)).size).toBe(CLAIMS);
    // Every e-mail queued went out once: as many received as sent, no Message-ID twice.
    const sent = await db.kysely
      .selectFrom('outbox_message')
      .select('id')
      .where('state', '=', 'sent')
      .execute();
    expect(sent.length).toBeGreaterThanOrEqual(CLAIMS * 2); // received, then approved with the code
    const messageIds = smtp.received.map((mail) => /^Message-ID: (.+)$/im.exec(mail.raw)?.[1]?.trim());
    expect(smtp.received).toHaveLength(sent.length);
    expect(new Set(messageIds).size).toBe(sent.length);
    // Every photo is readable through every web process.
    await inParallel(claims, 8, async (claim) => {
      for (const w of web) {
        const read = await fetch(`${w.base}/api/v1/claims/${claim.id}/evidence/${claim.evidenceId}`, {
          headers: { authorization: `Bearer ${claim.token}` },
        });
        if (read.status !== 200) throw new Error(`photo via ${w.base}: ${read.status} ${await read.text()}`);
        expect(read.headers.get('content-type')).toBe('image/jpeg');
      }
    });
  });
});
