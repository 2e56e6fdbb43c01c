import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/server/db/database.ts';
import { JobWorker } from '../../src/server/jobs/worker.ts';
import { shutdownOcr } from '../../src/server/modules/evidence/ocr.ts';
import { jobHandlers } from '../../src/server/server.ts';
import { appWithExamples, campaignsDir, silentLogger } from './app.ts';

/** The serials of a campaign's demo eligibility list (`campaigns/<slug>.demo.csv`), in file order. */
export function demoSerials(slug: string): string[] {
  return fs
    .readFileSync(path.join(campaignsDir, `${slug}.demo.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0] as string);
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
    async close() {
      await shutdownOcr();
      await harness.close();
    },
  };
}
