import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../src/server/db/database.ts';
import { JobWorker } from '../../src/server/jobs/worker.ts';
import { newClaimCode } from '../../src/server/modules/claims/claim-access.ts';
import { shutdownOcr } from '../../src/server/modules/evidence/ocr.ts';
import { jobHandlers } from '../../src/server/server.ts';
import { appWithExamples, campaignsDir, silentLogger } from './app.ts';

/** The serials of a campaign's demo eligibility list (`campaigns/<slug>.demo.csv`), in file order. */
export function demoSerials(slug: string): string[] {
  return demoUnits(slug).map((unit) => unit.serial);
}

/** Serial and model of each unit of a campaign's demo list, in file order. */
export function demoUnits(slug: string): { serial: string; model: string }[] {
  return fs
    .readFileSync(path.join(campaignsDir, `${slug}.demo.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [serial, model] = line.split(',');
      return { serial: serial as string, model: model as string };
    });
}

/** A claim's status as stored (what the worker has made of it so far). */
export async function storedStatus(db: Db, claimId: string): Promise<string> {
  const row = await db.kysely
    .selectFrom('claim')
    .select('status')
    .where('id', '=', claimId)
    .executeTakeFirstOrThrow();
  return row.status;
}

export interface InReviewOptions {
  campaign?: string;
  remedy?: string;
  country?: string;
  language?: string;
  email?: string;
  name?: string;
  address?: Record<string, string>;
  purchasePrice?: { amountMinor: number; currency: string };
}

/**
 * The claim API over a database with the example campaigns, and a job worker that the test
 * drains by hand (no backoff between attempts). `close` also stops the OCR worker threads.
 */
export async function claimsHarness(
  db: Db,
  options: Parameters<typeof appWithExamples>[1] & { sampleQuality?: (rate: number) => boolean } = {},
) {
  const harness = await appWithExamples(db, options);
  // No automatic approval is sampled for a second review unless a test asks.
  const sampleQuality = options.sampleQuality ?? (() => false);
  const worker = new JobWorker(
    db,
    jobHandlers(harness.config, harness.blobs, { sampleQuality }),
    silentLogger,
    {
      backoff: () => 0,
    },
  );
  type Claim = { id: string; accessToken: string };
  const nextUnit: Record<string, number> = {};
  const bearer = (claim: Claim) => ({ authorization: `Bearer ${claim.accessToken}` });
  return {
    ...harness,
    worker,
    create: (body: unknown, headers: Record<string, string> = {}) =>
      harness.app.inject({ method: 'POST', url: '/api/v1/claims', payload: body as object, headers }),
    upload: (
      claim: Claim,
      kind: string,
      data: Buffer,
      fileName = 'photo.jpg',
      headers: Record<string, string> = {},
    ) => {
      const form = new FormData();
      form.append('kind', kind);
      form.append('file', new Blob([new Uint8Array(data)], { type: 'image/jpeg' }), fileName);
      return harness.app.inject({
        method: 'POST',
        url: `/api/v1/claims/${claim.id}/evidence`,
        payload: form,
        headers: { ...bearer(claim), ...headers },
      });
    },
    submit: (claim: Claim, headers: Record<string, string> = {}, body: object = { disposalAttested: true }) =>
      harness.app.inject({
        method: 'POST',
        url: `/api/v1/claims/${claim.id}/submit`,
        payload: body,
        headers: { ...bearer(claim), ...headers },
      }),
    status: (claim: Claim) =>
      harness.app.inject({ method: 'GET', url: `/api/v1/claims/${claim.id}`, headers: bearer(claim) }),
    checks: (claim: Claim, evidenceId: string, language = 'en') =>
      harness.app.inject({
        method: 'GET',
        url: `/api/v1/claims/${claim.id}/evidence/${evidenceId}/checks`,
        headers: { ...bearer(claim), 'accept-language': language },
      }),
    confirmDisposal: (claim: Claim) =>
      harness.app.inject({
        method: 'POST',
        url: `/api/v1/claims/${claim.id}/disposal`,
        headers: bearer(claim),
      }),
    /**
     * A submitted claim waiting for a person: the owner no longer has the unit (it burnt), which
     * always goes to review. Units come from the campaign's demo list, from its 400th on.
     */
    async inReview(options: InReviewOptions = {}) {
      const campaign = options.campaign ?? 'anker-2025-us-a1263';
      const used = nextUnit[campaign] ?? 400;
      nextUnit[campaign] = used + 1;
      const unit = demoUnits(campaign)[used] as { serial: string; model: string };
      const created = await harness.app.inject({
        method: 'POST',
        url: '/api/v1/claims',
        payload: {
          campaign,
          serial: unit.serial,
          model: unit.model,
          remedy: options.remedy ?? 'gift_card',
          hasUnit: false,
          orderNumber: `113-${unit.serial.slice(0, 7)}`,
          incidentDescription: 'It swelled and caught fire on the desk.',
          claimant: {
            name: options.name ?? 'Ana García',
            email: options.email ?? `${unit.serial.toLowerCase()}@example.com`,
            country: options.country ?? 'US',
            language: options.language ?? 'es',
          },
          ...(options.address ? { address: options.address } : {}),
          ...(options.purchasePrice ? { purchasePrice: options.purchasePrice } : {}),
        },
      });
      if (created.statusCode !== 201) throw new Error(`claim not created: ${created.body}`);
      const claim = created.json() as Claim & { code: string };
      const submitted = await harness.app.inject({
        method: 'POST',
        url: `/api/v1/claims/${claim.id}/submit`,
        payload: { disposalAttested: true },
        headers: bearer(claim),
      });
      if (submitted.statusCode !== 200) throw new Error(`claim not submitted: ${submitted.body}`);
      await worker.drain();
      return claim;
    },
    async close() {
      await shutdownOcr();
      await harness.close();
    },
  };
}

const US = { campaign: 'anker-2025-us-a1263', model: 'A1263' };

/**
 * The claims API suite's setup, shared by the files that test it: a harness on the US example
 * recall with known claim codes on request, a Spanish-speaking owner, and helpers. Call it inside
 * `describe`; its hooks open and close the harness, and `suite.db` etc. are set once they ran.
 */
export function claimsApiSuite(open: () => Promise<Db>) {
  const usSerials = demoSerials(US.campaign);
  let nextSerial = 10;
  /** The claim codes the next creates draw, before random ones. */
  const drawnCodes: string[] = [];
  const suite = {
    db: undefined as unknown as Db,
    harness: undefined as unknown as Awaited<ReturnType<typeof claimsHarness>>,
    worker: undefined as unknown as JobWorker,
    drawnCodes,
    US,
    freshSerial: () => usSerials[nextSerial++] as string,
    photo: (colour: string, width = 1200, height = 900) =>
      sharp({ create: { width, height, channels: 3, background: colour } })
        .jpeg()
        .toBuffer(),
    claimBody(overrides: Record<string, unknown> = {}) {
      return {
        ...US,
        serial: suite.freshSerial(),
        remedy: 'gift_card',
        claimant: {
          name: 'Ana García',
          email: `ana.${Math.random().toString(36).slice(2)}@example.com`,
          country: 'US',
          language: 'es',
        },
        ...overrides,
      };
    },
    /** Every file under the blob directory (spooled uploads included). */
    files(blobDir: string): string[] {
      if (!fs.existsSync(blobDir)) return [];
      return fs
        .readdirSync(blobDir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);
    },
    create: (body: unknown, headers: Record<string, string> = {}) => suite.harness.create(body, headers),
    /** The owner's answers are in Spanish. */
    upload: (
      claim: { id: string; accessToken: string },
      kind: string,
      data: Buffer,
      fileName = 'photo.jpg',
    ) => suite.harness.upload(claim, kind, data, fileName, { 'accept-language': 'es' }),
    submit: (
      claim: { id: string; accessToken: string },
      headers: Record<string, string> = {},
      body: object = { disposalAttested: true },
    ) => suite.harness.submit(claim, headers, body),
    status: (claim: { id: string; accessToken: string }) => suite.harness.status(claim),
    /** Lets time pass: the draft's expiry and its job come due, and the worker runs it. */
    async expireDraftNow(claimId: string) {
      const past = new Date(Date.now() - 1000);
      await suite.db.kysely
        .updateTable('claim')
        .set({ expires_at: past })
        .where('id', '=', claimId)
        .execute();
      await suite.db.kysely
        .updateTable('job')
        .set({ run_at: past })
        .where('singleton_key', '=', claimId)
        .execute();
      await suite.worker.drain();
    },
    outboxFor: (claimId: string) =>
      suite.db.kysely
        .selectFrom('outbox_message')
        .selectAll()
        .where('claim_id', '=', claimId)
        .orderBy('created_at')
        .execute(),
  };
  beforeAll(async () => {
    suite.db = await open();
    suite.harness = await claimsHarness(suite.db, {
      claimCode: () => drawnCodes.shift() ?? newClaimCode(),
      config: {
        claimLimits: { windowHours: 24, perEmail: 3, perAddress: 3, perClient: 0 },
        photoMaxBytes: 2_000_000,
      },
    });
    suite.worker = suite.harness.worker;
  });
  afterAll(async () => {
    await suite.harness?.close();
    await suite.db?.close();
  });
  return suite;
}
