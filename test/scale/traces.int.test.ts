import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUnits } from '../support/claims.ts';
import { createPostgresDatabase, testDatabases } from '../support/databases.ts';
import { bearer, postClaim, submitClaim, uploadPhoto, WITHOUT_UNIT } from '../support/owner-http.ts';
import { freePort, type RecallkitProcess, startRecallkit, startWorkerProcess } from '../support/processes.ts';

const hasPostgres = (await testDatabases()).some((database) => database.name === 'postgres');
const US = 'anker-2025-us-a1263';
const SERVER = 2;
const CONSUMER = 5;

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** An OTLP/HTTP collector (JSON encoding) that keeps every span it is sent. */
async function startCollector() {
  const spans: ReceivedSpan[] = [];
  interface Otlp {
    resourceSpans: {
      resource: { attributes: { key: string; value: { stringValue?: string } }[] };
      scopeSpans: {
        spans: (Omit<ReceivedSpan, 'service' | 'attributes'> & {
          attributes?: { key: string; value: Record<string, unknown> }[];
        })[];
      }[];
    }[];
  }
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        for (const batch of (JSON.parse(body) as Otlp).resourceSpans) {
          const service =
            batch.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const scope of batch.scopeSpans)
            for (const span of scope.spans)
              spans.push({
                ...span,
                service,
                attributes: Object.fromEntries(
                  (span.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]),
                ),
              });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, spans, close: () => server.close() };
}

/**
 * OpenTelemetry traces through real processes: a web process and a `recallkit work` process on
 * PostgreSQL, sending OTLP to a collector started by the test. A claim's requests, the jobs they
 * cause in the other process and those jobs' queries form one trace.
 */
describe.runIf(hasPostgres)('traces (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-traces-'));
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let web: RecallkitProcess;
  let worker: ReturnType<typeof startWorkerProcess>;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    collector = await startCollector();
    const env = (service: string) => ({
      DATABASE_URL: database.url,
      // One photo directory for both processes (one machine).
      DATA_DIR: path.join(dir, 'data'),
      OCR_WORKERS: '1',
      SECRET_KEY: 'traces-test-secret-key-0123456789abcdef',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_SERVICE_NAME: service,
    });
    web = await startRecallkit({ ...env('recallkit-web'), WORKER: 'false', SEED_EXAMPLES: 'true' });
    worker = startWorkerProcess(env('recallkit-worker'));
  }, 120_000);
  afterAll(async () => {
    await Promise.all([web?.stop(), worker?.stop()]);
    collector?.close();
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("joins a claim's requests, its jobs in the worker process and their queries in one trace", {
    timeout: 180_000,
  }, async () => {
    const unit = demoUnits(US)[7] as { serial: string; model: string };
    const created = await postClaim(web.base, unit, 'ana@example.com', WITHOUT_UNIT);
    expect(created.status).toBe(201);
    const claim = (await created.json()) as { id: string; accessToken: string };
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a6' } })
      .jpeg()
      .toBuffer();
    expect((await uploadPhoto(web.base, claim, 'receipt', photo)).status).toBe(201);
    expect((await submitClaim(web.base, claim)).status).toBe(200);
    // The worker reads the photo and verifies; without the unit the claim goes to a person.
    await expect
      .poll(
        async () => {
          const answer = await fetch(`${web.base}/api/v1/claims/${claim.id}`, { headers: bearer(claim) });
          return ((await answer.json()) as { status: string }).status;
        },
        { timeout: 120_000, interval: 500 },
      )
      .toBe('needs_review');
    // Stopping flushes what each process still holds.
    await Promise.all([web.stop(), worker.stop()]);

    const spans = collector.spans;
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const rootOf = (span: ReceivedSpan): ReceivedSpan => {
      let at = span;
      for (let parent = byId.get(at.parentSpanId); parent; parent = byId.get(at.parentSpanId)) at = parent;
      return at;
    };
    const descendants = (of: ReceivedSpan) =>
      spans.filter((span) => {
        for (let at: ReceivedSpan | undefined = span; at; at = byId.get(at.parentSpanId))
          if (at.parentSpanId === of.spanId) return true;
        return false;
      });
    const isQuery = (span: ReceivedSpan) =>
      span.attributes['db.system.name'] === 'postgresql' || span.attributes['db.system'] === 'postgresql';

    for (const queue of ['evidence.process', 'claim.verify']) {
      const job = spans.find((span) => span.name === `job ${queue}`);
      expect(job, `a span for the ${queue} job`).toBeDefined();
      if (!job) continue;
      expect(job).toMatchObject({ service: 'recallkit-worker', kind: CONSUMER });
      // Its queries are inside it, in the worker process.
      const queries = descendants(job).filter(isQuery);
      expect(queries.length, `${queue}'s queries`).toBeGreaterThan(0);
      expect(queries.every((query) => query.service === 'recallkit-worker')).toBe(true);
      // And it descends from the owner's request to the web process, which ran queries of its own.
      const root = rootOf(job);
      expect(root).toMatchObject({ service: 'recallkit-web', kind: SERVER });
      expect(String(root.attributes['url.path'] ?? root.attributes['http.target'])).toMatch(
        new RegExp(`^/api/v1/claims/${claim.id}/(evidence|submit)$`),
      );
      expect(descendants(root).some((span) => isQuery(span) && span.service === 'recallkit-web')).toBe(true);
    }
    // Fastify names the route; probes are not traced.
    expect(spans.some((span) => span.attributes['http.route'] === '/api/v1/claims/:id/submit')).toBe(true);
    expect(spans.some((span) => /readyz|healthz/.test(String(span.attributes['url.path'] ?? '')))).toBe(
      false,
    );
  });
});
