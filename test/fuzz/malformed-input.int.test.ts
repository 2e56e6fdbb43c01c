import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/server/db/database.ts';
import { appWithExamples } from '../support/app.ts';
import { demoUnits } from '../support/claims.ts';
import { STAFF_PASSWORD, signIn } from '../support/console.ts';
import { testDatabases } from '../support/databases.ts';

/**
 * Hundreds of malformed inputs, generated, against a listening server: every one gets a 4xx in
 * the error envelope, none a 5xx; the server keeps serving; nothing is left behind.
 */
interface Input {
  name: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

const CAMPAIGN = 'anker-2025-us-a1263';
const unit = demoUnits(CAMPAIGN)[5] as { serial: string; model: string };

function validClaim(): Record<string, unknown> {
  return {
    campaign: CAMPAIGN,
    serial: unit.serial,
    model: unit.model,
    remedy: 'gift_card',
    hasUnit: true,
    orderNumber: '113-123',
    incidentDescription: 'It got hot.',
    claimant: {
      name: 'Ana García',
      email: 'fuzz@example.com',
      phone: '+1 555 0100',
      country: 'US',
      language: 'es',
    },
    address: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
  };
}

/** Every string leaf of `value`, as a path of keys. */
function stringPaths(value: unknown, at: string[] = []): string[][] {
  if (typeof value === 'string') return [at];
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, inner]) => stringPaths(inner, [...at, key]));
  return [];
}

function withValue(body: Record<string, unknown>, at: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  let node = copy as Record<string, unknown>;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[at[at.length - 1] as string] = value;
  return copy;
}

const BAD_STRINGS: [string, unknown][] = [
  ['NUL', 'Ana\u0000García'],
  ['lone surrogate', 'Ana \ud800'],
  ['lone low surrogate', '\udc00 Ana'],
  ['number', 42],
  ['null', null],
  ['array', ['a']],
  ['object', { a: 1 }],
  ['100k characters', 'x'.repeat(100_000)],
];

/** Variations of a JSON body: every string field made bad, and the body itself broken. */
function jsonInputs(
  name: string,
  method: string,
  url: string,
  body: Record<string, unknown>,
  headers = {},
): Input[] {
  const json = { 'content-type': 'application/json', ...headers };
  const inputs: Input[] = [];
  for (const at of stringPaths(body))
    for (const [kind, value] of BAD_STRINGS)
      inputs.push({
        name: `${name} ${at.join('.')} ${kind}`,
        method,
        url,
        headers: json,
        body: JSON.stringify(withValue(body, at, value)),
      });
  const text = JSON.stringify(body);
  const broken: [string, string | Buffer, Record<string, string>?][] = [
    ['truncated', text.slice(0, text.length / 2)],
    ['trailing garbage', `${text}}}`],
    ['empty', ''],
    ['null', 'null'],
    ['array', '[]'],
    ['string', '"x"'],
    ['number', '1e999999'],
    ['deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['wide', `[${'1,'.repeat(300_000)}1]`],
    ['prototype pollution', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'],
    [
      'invalid UTF-8',
      Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
    ],
    ['text/plain', text, { 'content-type': 'text/plain' }],
    ['xml', '<claim/>', { 'content-type': 'application/xml' }],
    ['no content type', text, {}],
    ['utf-16', text, { 'content-type': 'application/json; charset=utf-16' }],
  ];
  for (const [kind, raw, type] of broken)
    inputs.push({
      name: `${name} body ${kind}`,
      method,
      url,
      headers: { ...(type ?? json), ...headers },
      body: raw,
    });
  return inputs;
}

function multipart(
  parts: { name: string; fileName?: string; type?: string; data: Buffer | string }[],
  boundary = 'fuzzboundary',
) {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.fileName === undefined ? '' : `; filename="${part.fileName}"`}`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: ${disposition}\r\n${part.type ? `content-type: ${part.type}\r\n` : ''}\r\n`,
      ),
    );
    chunks.push(Buffer.from(part.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

async function photoInputs(url: string, auth: Record<string, string>): Promise<Input[]> {
  const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#777' } })
    .jpeg()
    .toBuffer();
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#777' } })
    .png()
    .toBuffer();
  // A PNG header claiming 100,000 x 100,000 pixels.
  const pixelBomb = Buffer.from(png);
  pixelBomb.writeUInt32BE(100_000, 16);
  pixelBomb.writeUInt32BE(100_000, 20);
  const files: [string, Buffer | string, string?, string?][] = [
    ['zero bytes', Buffer.alloc(0)],
    ['truncated JPEG', jpeg.subarray(0, Math.floor(jpeg.length / 3))],
    ['JPEG header only', jpeg.subarray(0, 20)],
    ['corrupt JPEG', Buffer.concat([jpeg.subarray(0, 2), Buffer.alloc(2000, 0x41)])],
    ['random bytes', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))],
    ['pixel bomb', pixelBomb, 'bomb.png', 'image/png'],
    ['JPEG and HTML polyglot', Buffer.concat([Buffer.from('<html><script>alert(1)</script>'), jpeg])],
    [
      'SVG with script',
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      'x.svg',
      'image/svg+xml',
    ],
    ['GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;'), 'x.gif', 'image/gif'],
    ['PDF', '%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF', 'x.pdf', 'application/pdf'],
    ['text', 'hello', 'x.txt', 'text/plain'],
  ];
  const inputs: Input[] = [];
  for (const [name, data, fileName, type] of files) {
    const form = multipart([
      { name: 'kind', data: 'label' },
      { name: 'file', fileName: fileName ?? 'photo.jpg', type: type ?? 'image/jpeg', data },
    ]);
    inputs.push({
      name: `upload ${name}`,
      method: 'POST',
      url,
      headers: { ...auth, 'content-type': form.type },
      body: form.body,
    });
  }
  for (const fileName of [
    '../x.jpg',
    '..\\x.jpg',
    '/etc/passwd',
    'a\u0000.jpg',
    `${'x'.repeat(300)}.jpg`,
    'a\nb.jpg',
    'C:\\x.jpg',
  ]) {
    const form = multipart([
      { name: 'kind', data: 'label' },
      { name: 'file', fileName, data: 'x' },
    ]);
    inputs.push({
      name: `upload file name ${JSON.stringify(fileName).slice(0, 30)}`,
      method: 'POST',
      url,
      headers: { ...auth, 'content-type': form.type },
      body: form.body,
    });
  }
  const forms: [string, ReturnType<typeof multipart>][] = [
    ['no file', multipart([{ name: 'kind', data: 'label' }])],
    ['no kind', multipart([{ name: 'file', fileName: 'a.jpg', data: jpeg }])],
    [
      'unknown kind',
      multipart([
        { name: 'kind', data: 'selfie' },
        { name: 'file', fileName: 'a.jpg', data: 'x' },
      ]),
    ],
    [
      'NUL kind',
      multipart([
        { name: 'kind', data: 'lab\u0000el' },
        { name: 'file', fileName: 'a.jpg', data: 'x' },
      ]),
    ],
    [
      'long field',
      multipart([
        { name: 'kind', data: 'x'.repeat(5000) },
        { name: 'file', fileName: 'a.jpg', data: 'x' },
      ]),
    ],
    ['many fields', multipart(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: 'x' })))],
    [
      'two files',
      multipart([
        { name: 'kind', data: 'label' },
        { name: 'file', fileName: 'a.jpg', data: 'x' },
        { name: 'file2', fileName: 'b.jpg', data: 'y' },
      ]),
    ],
    [
      'file as a field',
      multipart([
        { name: 'kind', data: 'label' },
        { name: 'file', data: jpeg.toString('latin1') },
      ]),
    ],
  ];
  for (const [name, form] of forms)
    inputs.push({
      name: `upload ${name}`,
      method: 'POST',
      url,
      headers: { ...auth, 'content-type': form.type },
      body: form.body,
    });
  const good = multipart([
    { name: 'kind', data: 'label' },
    { name: 'file', fileName: 'a.jpg', data: 'x' },
  ]);
  const raw: [string, string, Buffer | string][] = [
    ['no boundary', 'multipart/form-data', good.body],
    ['wrong boundary', 'multipart/form-data; boundary=other', good.body],
    ['no closing boundary', good.type, good.body.subarray(0, good.body.length - 20)],
    ['garbage', good.type, 'garbage garbage garbage'],
    ['empty', good.type, ''],
    ['boundary only', good.type, '--fuzzboundary--\r\n'],
    ['header without end', good.type, '--fuzzboundary\r\ncontent-disposition: form-data; name="kind"'],
    ['boundary of 300 characters', `multipart/form-data; boundary=${'b'.repeat(300)}`, 'x'],
    ['JSON', 'application/json', '{"kind":"label"}'],
    ['photo as JSON', 'application/json', jpeg],
    ['urlencoded', 'application/x-www-form-urlencoded', 'kind=label'],
  ];
  for (const [name, type, body] of raw)
    inputs.push({
      name: `upload ${name}`,
      method: 'POST',
      url,
      headers: { ...auth, 'content-type': type },
      body,
    });
  return inputs;
}

function queryInputs(): Input[] {
  const serials = [
    '',
    '%00',
    'A%00B',
    '%ff%fe',
    '%ud800',
    'x'.repeat(5000),
    '%E2%80%AE',
    '<script>',
    "'; DROP TABLE claim;--",
    '%25',
    '\\',
  ];
  const inputs: Input[] = [];
  for (const serial of serials) {
    inputs.push({
      name: `lookup serial ${serial.slice(0, 20)}`,
      method: 'GET',
      url: `/api/v1/lookup?serial=${serial}`,
    });
    inputs.push({
      name: `lookup serial ${serial.slice(0, 20)} twice`,
      method: 'GET',
      url: `/api/v1/lookup?serial=${serial}&serial=x`,
    });
    inputs.push({
      name: `lookup serial ${serial.slice(0, 20)} with a bad country`,
      method: 'GET',
      url: `/api/v1/lookup?serial=${serial}&country=%00`,
    });
  }
  for (const id of ['%00', 'x'.repeat(300), '..%2F..%2Fetc', '%ff', 'clm_%ud800'])
    inputs.push({
      name: `claim status id ${id.slice(0, 20)}`,
      method: 'GET',
      url: `/api/v1/claims/${id}`,
      headers: { authorization: 'Bearer x' },
    });
  for (const authorization of [
    'Bearer',
    'Bearer \u00ff',
    `Bearer ${'x'.repeat(5000)}`,
    'Basic abc',
    'Bearer a b c',
  ])
    inputs.push({
      name: `claim status authorization ${authorization.slice(0, 15)}`,
      method: 'GET',
      url: '/api/v1/claims/clm_x',
      headers: { authorization },
    });
  return inputs;
}

function consoleInputs(auth: Record<string, string>): Input[] {
  const inputs: Input[] = [];
  for (const before of ['9999999999999999999', '-1', 'abc', '1e400', '%00', '0x10', '1.5'])
    inputs.push({
      name: `audit before ${before}`,
      method: 'GET',
      url: `/api/v1/console/audit?before=${before}`,
      headers: auth,
    });
  for (const limit of ['1000000000', '-5', 'x', '%00'])
    inputs.push({
      name: `audit limit ${limit}`,
      method: 'GET',
      url: `/api/v1/console/audit?limit=${limit}`,
      headers: auth,
    });
  for (const query of ['status=%00', 'status=nope', 'campaign=%00', 'q=%00', `campaign=${'x'.repeat(200)}`])
    inputs.push({
      name: `claims list ${query}`,
      method: 'GET',
      url: `/api/v1/console/claims?${query}`,
      headers: auth,
    });
  inputs.push(
    ...jsonInputs(
      'staff create',
      'POST',
      '/api/v1/console/staff',
      { email: 'new.person@staff.example', name: 'New Person', role: 'reviewer' },
      auth,
    ),
  );
  inputs.push(
    ...jsonInputs('sign-in', 'POST', '/api/v1/console/session', {
      email: 'nobody@staff.example',
      password: STAFF_PASSWORD,
    }),
  );
  inputs.push(
    ...jsonInputs(
      'webhook',
      'POST',
      '/api/v1/console/webhooks',
      { url: 'https://partner.example/hook', events: ['claim.approved'] },
      auth,
    ),
  );
  inputs.push({ name: 'console without a session', method: 'GET', url: '/api/v1/console/claims' });
  inputs.push({
    name: 'console with a forged cookie',
    method: 'GET',
    url: '/api/v1/console/claims',
    headers: { cookie: 'rk_staff=%00%ff' },
  });
  return inputs;
}

/** Sends raw bytes and reads the answer's status line and body (for what fetch cannot send). */
function rawRequest(port: number, bytes: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', () => {}); // a reset after (or instead of) an answer: judged by what came
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

const RAW_INPUTS: [string, string][] = [
  [
    'a header of 40 KB',
    `GET /api/v1/lookup?serial=x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\nConnection: close\r\n\r\n`,
  ],
  [
    'a URL of 100 KB',
    `GET /api/v1/lookup?serial=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
  ],
  ['a broken request line', 'GARBAGE\r\n\r\n'],
  ['a bad header', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'],
  [
    'two content lengths',
    'POST /api/v1/claims HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello!',
  ],
  [
    'a bad content length',
    'POST /api/v1/claims HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n',
  ],
  [
    'a bad chunk',
    'POST /api/v1/claims HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\nConnection: close\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
  ],
  ['HTTP/0.9', 'GET /\r\n\r\n'],
];

for (const database of await testDatabases()) {
  describe(`malformed input (${database.name})`, () => {
    let db: Db;
    let harness: Awaited<ReturnType<typeof appWithExamples>>;
    let base: string;
    let port: number;
    let inputs: Input[];

    beforeAll(async () => {
      db = await database.open();
      harness = await appWithExamples(db, { config: { photoMaxBytes: 2 * 1024 * 1024 } });
      await harness.app.listen({ port: 0, host: '127.0.0.1' });
      port = (harness.app.server.address() as net.AddressInfo).port;
      base = `http://127.0.0.1:${port}`;
      const draft = await fetch(`${base}/api/v1/claims`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ...validClaim(),
          serial: (demoUnits(CAMPAIGN)[6] as { serial: string }).serial,
        }),
      });
      expect(draft.status).toBe(201);
      const claim = (await draft.json()) as { id: string; accessToken: string };
      const bearer = { authorization: `Bearer ${claim.accessToken}` };
      const admin = await signIn(harness.app, db, 'admin');
      const staff = { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken };
      inputs = [
        ...queryInputs(),
        ...jsonInputs('claim create', 'POST', '/api/v1/claims', validClaim()),
        ...jsonInputs('batch lookup', 'POST', '/api/v1/lookup/batch', { serials: ['x'], country: 'US' }),
        ...jsonInputs('recover', 'POST', '/api/v1/claims/recover', { email: 'fuzz@example.com' }),
        ...jsonInputs(
          'submit',
          'POST',
          `/api/v1/claims/${claim.id}/submit`,
          { disposalAttested: true, note: 'x' },
          bearer,
        ),
        ...(await photoInputs(`/api/v1/claims/${claim.id}/evidence`, bearer)),
        ...consoleInputs(staff),
      ];
    }, 60_000);

    afterAll(async () => {
      await harness?.close();
      await db?.close();
    });

    async function counts() {
      const rows = await db.transaction((tx) =>
        tx.query(`SELECT (SELECT count(*) FROM claim) AS claims, (SELECT count(*) FROM evidence) AS evidence,
          (SELECT count(*) FROM staff_user) AS staff, (SELECT count(*) FROM webhook_endpoint) AS endpoints`),
      );
      const files = (dir: string): number =>
        fs.existsSync(dir)
          ? fs
              .readdirSync(dir, { withFileTypes: true })
              .reduce((n, entry) => n + (entry.isDirectory() ? files(path.join(dir, entry.name)) : 1), 0)
          : 0;
      return { ...rows.rows[0], files: files(harness.blobDir) };
    }

    it('answers each with a 4xx in the envelope, never a 5xx, and leaves nothing behind', async () => {
      const before = await counts();
      const wrong: string[] = [];
      const seen = new Map<number, number>();
      for (const input of inputs) {
        const response = await fetch(`${base}${input.url}`, {
          method: input.method,
          headers: input.headers,
          ...(input.body === undefined
            ? {}
            : { body: typeof input.body === 'string' ? input.body : new Uint8Array(input.body) }),
        }).catch((error: Error) => error);
        if (response instanceof Error) {
          wrong.push(`${input.name}: ${response.message}`);
          continue;
        }
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        const text = await response.text();
        let body: { error?: { code?: unknown; message?: unknown } } | undefined;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const enveloped = typeof body?.error?.code === 'string' && typeof body.error.message === 'string';
        if (response.status < 400 || response.status >= 500 || !enveloped)
          wrong.push(`${input.name}: ${response.status} ${text.slice(0, 160)}`);
      }
      for (const [name, bytes] of RAW_INPUTS) {
        const { status, body } = await rawRequest(port, bytes);
        let code: unknown;
        try {
          code = JSON.parse(body).error?.code;
        } catch {
          code = undefined;
        }
        if (status < 400 || status >= 500 || typeof code !== 'string')
          wrong.push(`raw ${name}: ${status} ${body.slice(0, 160)}`);
      }
      console.info(
        `fuzz (${database.name}): ${inputs.length + RAW_INPUTS.length} malformed inputs; statuses ${JSON.stringify(Object.fromEntries([...seen].sort()))}`,
      );
      expect(wrong).toEqual([]);
      expect(inputs.length + RAW_INPUTS.length).toBeGreaterThanOrEqual(300);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await counts()).toEqual(before);
    }, 240_000);
  });
}
