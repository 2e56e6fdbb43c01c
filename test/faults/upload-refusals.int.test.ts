import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUnits } from '../support/claims.ts';
import { claimBody } from '../support/owner-http.ts';
import { type RecallkitProcess, startRecallkit } from '../support/processes.ts';

/** Answers on one kept-alive connection: a refusal must not leave the next request hanging. */
describe('uploads refused before their body is read', () => {
  let server: RecallkitProcess;
  let dataDir: string;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let claim: { id: string; accessToken: string };

  function send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(`${server.base}${url}`, { method, headers, agent }, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
        );
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  function multipart(fileName: string, bytes: Buffer) {
    const boundary = 'recallkit-test-boundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="kind"\r\n\r\nlabel\r\n` +
          `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${fileName}"\r\ncontent-type: image/jpeg\r\n\r\n`,
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-refusals-'));
    server = await startRecallkit({ DATA_DIR: dataDir, PHOTO_MAX_BYTES: String(1024 * 1024) });
    const unit = demoUnits('anker-2025-us-a1263')[0] as { serial: string; model: string };
    const created = await send(
      'POST',
      '/api/v1/claims',
      { 'content-type': 'application/json' },
      Buffer.from(JSON.stringify(claimBody(unit, 'ana@example.com'))),
    );
    expect(created.status).toBe(201);
    claim = JSON.parse(created.body);
  }, 90_000);

  afterAll(async () => {
    agent.destroy();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const bigPhoto = Buffer.alloc(4 * 1024 * 1024, 0xab);
  const refusals: [string, () => { body: Buffer; headers: Record<string, string> }, number, string][] = [
    ['a photo over PHOTO_MAX_BYTES', () => multipart('photo.jpg', bigPhoto), 413, 'photo_too_large'],
    ['a file name that is a path', () => multipart('../x.jpg', bigPhoto), 400, 'photo_bad_filename'],
    [
      'a photo sent as JSON',
      () => ({ body: bigPhoto, headers: { 'content-type': 'application/json' } }),
      413,
      'body_too_large',
    ],
  ];

  it.each(refusals)(
    '%s is refused, and the next request on the connection is answered',
    async (_name, make, status, code) => {
      const { body, headers } = make();
      const refused = await send(
        'POST',
        `/api/v1/claims/${claim.id}/evidence`,
        {
          ...headers,
          authorization: `Bearer ${claim.accessToken}`,
        },
        body,
      );
      expect(refused.status).toBe(status);
      expect(JSON.parse(refused.body).error.code).toBe(code);
      expect(refused.headers.connection).toBe('close');
      const next = await send('GET', `/api/v1/claims/${claim.id}`, {
        authorization: `Bearer ${claim.accessToken}`,
      });
      expect(next.status).toBe(200);
    },
    20_000,
  );

  it('stops within its shutdown timeout after such a refusal', async () => {
    const { body, headers } = multipart('photo.jpg', bigPhoto);
    await send(
      'POST',
      `/api/v1/claims/${claim.id}/evidence`,
      { ...headers, authorization: `Bearer ${claim.accessToken}` },
      body,
    );
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.logs()).not.toMatch(/shutdown took longer/);
  }, 20_000);
});
