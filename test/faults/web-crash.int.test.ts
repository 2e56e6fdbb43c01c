import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { demoUnits } from '../support/claims.ts';
import { postClaim } from '../support/owner-http.ts';
import { type RecallkitProcess, startRecallkit } from '../support/processes.ts';

/** Every file under `dir`, relative. */
function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * The web process killed with SIGKILL in the middle of uploads: after a restart no photo row
 * and no file of them is left, and the client's retry succeeds.
 */
describe('a web process killed mid-upload', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-web-crash-'));
  let web: RecallkitProcess | undefined;
  afterAll(async () => {
    await web?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves no orphan row or file, and the retry with the same Idempotency-Key succeeds', async () => {
    const env = { DATA_DIR: dataDir, WORKER: 'false', LOOKUP_RATE_LIMIT: '0', CLAIM_LIMIT_PER_CLIENT: '0' };
    web = await startRecallkit(env);
    const unit = demoUnits('anker-2025-us-a1263')[30] as { serial: string; model: string };
    const created = await postClaim(web.base, unit, 'crash@example.com');
    const claim = (await created.json()) as { id: string; accessToken: string };
    const photo = await sharp({
      create: {
        width: 2400,
        height: 1800,
        channels: 3,
        background: '#777',
        noise: { type: 'gaussian', mean: 128, sigma: 50 },
      },
    })
      .jpeg({ quality: 95 })
      .toBuffer();
    const boundary = 'crashboundary';
    const head = Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="kind"\r\n\r\nlabel\r\n--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="label.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const body = Buffer.concat([head, photo, tail]);
    const headers = {
      authorization: `Bearer ${claim.accessToken}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(body.length),
      'idempotency-key': 'label-upload-1',
    };

    // Four uploads in flight, each stopped halfway, when the process is killed.
    const port = new URL(web.base).port;
    const inFlight = Array.from({ length: 4 }, () => {
      const request = http.request({
        host: '127.0.0.1',
        port,
        path: `/api/v1/claims/${claim.id}/evidence`,
        method: 'POST',
        headers,
      });
      request.on('error', () => {});
      request.write(body.subarray(0, Math.floor(body.length / 2)));
      return request;
    });
    const spool = path.join(dataDir, 'blobs', 'spool');
    const deadline = Date.now() + 10_000;
    while (files(spool).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(files(spool).length).toBeGreaterThan(0); // the uploads were being written
    web.child.kill('SIGKILL');
    await web.exited;
    for (const request of inFlight) request.destroy();

    web = await startRecallkit(env);
    const status = await (
      await fetch(`${web.base}/api/v1/claims/${claim.id}`, {
        headers: { authorization: headers.authorization },
      })
    ).json();
    expect(status.evidence).toEqual([]); // no row for a photo that never arrived whole
    await expect.poll(() => files(spool), { timeout: 5000 }).toEqual([]); // its spooled halves swept
    expect(files(path.join(dataDir, 'blobs', 'originals'))).toEqual([]);

    const retried = await fetch(`${web.base}/api/v1/claims/${claim.id}/evidence`, {
      method: 'POST',
      headers,
      body: new Uint8Array(body),
    });
    expect(retried.status).toBe(201);
    expect(files(path.join(dataDir, 'blobs', 'originals'))).toHaveLength(1);
  }, 120_000);
});
