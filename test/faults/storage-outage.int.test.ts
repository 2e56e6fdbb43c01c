import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { demoUnits } from '../support/claims.ts';
import { postClaim } from '../support/owner-http.ts';
import { freePort, type RecallkitProcess, startRecallkit } from '../support/processes.ts';

/** The S3-compatible store stops during uploads: a retryable 503, nothing half-written. */
describe('the photo store going away', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-s3-outage-'));
  let web: RecallkitProcess | undefined;
  let s3: { close(): Promise<void> } | undefined;
  afterAll(async () => {
    await web?.stop();
    await s3?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers uploads 503 with Retry-After while the bucket is down, and takes them once it is back', async () => {
    const port = await freePort();
    const startS3 = async () => {
      const server = new S3rver({
        port,
        address: '127.0.0.1',
        silent: true,
        directory: path.join(dir, 's3'),
        configureBuckets: [{ name: 'evidence', configs: [] }],
      });
      await server.run();
      s3 = server;
    };
    await startS3();
    web = await startRecallkit({
      DATA_DIR: path.join(dir, 'data'),
      STORAGE_URL: `s3://evidence/recallkit?endpoint=http://127.0.0.1:${port}&region=us-east-1`,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      WORKER: 'false',
    });
    const unit = demoUnits('anker-2025-us-a1263')[40] as { serial: string; model: string };
    const created = await postClaim(web.base, unit, 'bucket@example.com');
    const claim = (await created.json()) as { id: string; accessToken: string };
    const auth = { authorization: `Bearer ${claim.accessToken}` };
    const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#4a7' } })
      .jpeg()
      .toBuffer();
    const upload = () => {
      const form = new FormData();
      form.append('kind', 'label');
      form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'label.jpg');
      return fetch(`${web?.base}/api/v1/claims/${claim.id}/evidence`, {
        method: 'POST',
        body: form,
        headers: auth,
      });
    };

    await s3?.close();
    const refused = await upload();
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe('unavailable');
    const status = await (await fetch(`${web.base}/api/v1/claims/${claim.id}`, { headers: auth })).json();
    expect(status.evidence).toEqual([]); // nothing half-written
    expect(web.alive()).toBe(true);

    await startS3();
    expect((await upload()).status).toBe(201);
  }, 120_000);
});
