import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/server/db/database.ts';
import { JobWorker } from '../../src/server/jobs/worker.ts';
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
