import http from 'node:http';
import { sql } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from './db/database.ts';

/*
 * Prometheus metrics (prom-client). What this process did is counted here, in the process's own
 * registry (HTTP requests, e-mails, verifications); what the shared database holds (the job queue,
 * remedies) and this process's lookup index and connection pool are read when scraped, from
 * `operationsRegistry`. A series that comes from the database is the same from every process:
 * take its max across instances, not its sum.
 */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: 'recallkit_' });

export const httpRequestSeconds = new Histogram({
  name: 'recallkit_http_request_duration_seconds',
  help: 'HTTP requests by route template, method and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processRegistry],
});

export const requestsShedTotal = new Counter({
  name: 'recallkit_http_shed_total',
  help: 'Requests refused with 503 because the process was over its load limit (SHED_EVENT_LOOP_DELAY_MS)',
  registers: [processRegistry],
});

export const mailsTotal = new Counter({
  name: 'recallkit_mail_total',
  help: 'E-mails by outcome: sent (the relay took it), held (no SMTP_URL), failed (an attempt the relay refused; retried)',
  labelNames: ['outcome'] as const,
  registers: [processRegistry],
});

export const verificationSeconds = new Histogram({
  name: 'recallkit_verification_seconds',
  help: 'From a claim sent to the machine’s verdict',
  buckets: [1, 5, 15, 30, 60, 120, 300, 900, 3600],
  registers: [processRegistry],
});

export const machineDecisionsTotal = new Counter({
  name: 'recallkit_machine_decisions_total',
  help: 'The machine’s verdicts on sent claims: approve, request_info or review',
  labelNames: ['verdict'] as const,
  registers: [processRegistry],
});

/** What the scrape reads at the time: the database's queue and remedies, this process's index and pool. */
export interface OperationsSources {
  db: Db;
  /** The lookup index this process serves from (web processes only). */
  lookupIndex?: () => { serials: number; bytes: number; builtAt: Date } | undefined;
}

export function operationsRegistry(sources: OperationsSources): Registry {
  const registry = new Registry();
  const k = sources.db.kysely;
  new Gauge({
    name: 'recallkit_jobs',
    help: 'Jobs by queue and state (queued, active, dead) in the shared database',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await k
        .selectFrom('job')
        .select(['queue', 'state', (eb) => eb.fn.countAll<string>().as('n')])
        .where('state', 'in', ['queued', 'active', 'dead'])
        .groupBy(['queue', 'state'])
        .execute();
      for (const row of rows) this.set({ queue: row.queue, state: row.state }, Number(row.n));
    },
  });
  new Gauge({
    name: 'recallkit_jobs_oldest_runnable_age_seconds',
    help: 'How long the oldest runnable queued job of each queue has waited (the queue’s lag)',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await k
        .selectFrom('job')
        .select(['queue', sql<number>`extract(epoch from now() - min(run_at))`.as('age')])
        .where('state', '=', 'queued')
        .where('run_at', '<=', sql<Date>`now()`)
        .groupBy('queue')
        .execute();
      for (const row of rows) this.set({ queue: row.queue }, Number(row.age));
    },
  });
  new Gauge({
    name: 'recallkit_remedies',
    help: 'Remedies by kind and state (issued, shipped, paid, …) in the shared database',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await k
        .selectFrom('remedy')
        .select(['kind', 'state', (eb) => eb.fn.countAll<string>().as('n')])
        .groupBy(['kind', 'state'])
        .execute();
      for (const row of rows) this.set({ kind: row.kind, state: row.state }, Number(row.n));
    },
  });
  const index = sources.lookupIndex;
  if (index) {
    new Gauge({
      name: 'recallkit_lookup_index_serials',
      help: 'Serials in this process’s lookup index',
      registers: [registry],
      collect() {
        this.set(index()?.serials ?? 0);
      },
    });
    new Gauge({
      name: 'recallkit_lookup_index_bytes',
      help: 'Bytes this process’s lookup index holds for the eligibility lists',
      registers: [registry],
      collect() {
        this.set(index()?.bytes ?? 0);
      },
    });
    new Gauge({
      name: 'recallkit_lookup_index_age_seconds',
      help: 'Since this process built its lookup index',
      registers: [registry],
      collect() {
        const built = index()?.builtAt;
        this.set(built ? (Date.now() - built.getTime()) / 1000 : 0);
      },
    });
  }
  const pool = sources.db.poolStats;
  if (pool)
    new Gauge({
      name: 'recallkit_db_pool_connections',
      help: 'This process’s PostgreSQL connections: open, idle, and requests waiting for one',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const stats = pool();
        this.set({ state: 'open' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
  return registry;
}

/** Everything, as Prometheus text: this process's counters and the operations read now. */
export async function scrape(operations: Registry): Promise<{ contentType: string; body: string }> {
  const merged = Registry.merge([processRegistry, operations]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}

/**
 * METRICS_PORT: the metrics, without a token, on a port of their own (for a scraper on a private
 * network; do not expose it). Only `GET /metrics`.
 */
export async function serveMetrics(port: number, host: string, operations: Registry): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    scrape(operations).then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      () => response.writeHead(503).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
