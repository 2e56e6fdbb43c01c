import { type Kysely, sql } from 'kysely';
import type { Database, JobState } from '../db/schema.ts';
import { traceCarrier } from '../telemetry.ts';
import type { JobPayload, QueueName } from './registry.ts';

/**
 * A small durable queue in Postgres, the pattern of pg-boss and graphile-worker:
 *
 * - `enqueue` is an INSERT in the caller's transaction, so a job exists exactly when the change
 *   that caused it committed.
 * - Workers claim with `FOR UPDATE SKIP LOCKED`: concurrent workers (threads or processes) skip
 *   rows another is claiming instead of waiting on them, and never claim one row twice.
 * - A claim is a lease (`locked_until`). A worker that dies stops renewing it; once it lapses
 *   the job is claimed again, which counts as an attempt. Handlers are therefore written to be
 *   safe to run again (their effects are guarded by unique keys in the same database).
 * - A failed attempt is retried after an exponential backoff; past `max_attempts` the job is
 *   `dead` and waits for an operator (`recallkit jobs`).
 *
 * Why not pg-boss: pg-boss 12.35 (the version that installs here) reads queue metadata through
 * its own connection while `send()` runs inside the caller's transaction. PGlite has exactly
 * one connection, held by that transaction, so the send waits forever (tried in-process with
 * `db.executeSql` over PGlite). This queue uses only the caller's connection.
 */
export interface EnqueueOptions {
  /** Not before this time (default: now). */
  runAt?: Date;
  maxAttempts?: number;
  /** At most one unfinished job of this queue with this key; a second enqueue is a no-op. */
  singletonKey?: string;
}

/**
 * The row `enqueue` writes, for a caller that inserts it as part of a larger statement. The
 * payload carries the enqueuer's trace context (telemetry.ts), which the schemas ignore.
 */
export function jobRow<Q extends QueueName>(queue: Q, payload: JobPayload<Q>, options: EnqueueOptions = {}) {
  return {
    queue,
    payload: JSON.stringify({ ...payload, ...traceCarrier() }),
    ...(options.runAt ? { run_at: options.runAt } : {}),
    ...(options.maxAttempts ? { max_attempts: options.maxAttempts } : {}),
    singleton_key: options.singletonKey ?? null,
  };
}

export async function enqueue<Q extends QueueName>(
  db: Kysely<Database>,
  queue: Q,
  payload: JobPayload<Q>,
  options: EnqueueOptions = {},
): Promise<void> {
  await db
    .insertInto('job')
    .values(jobRow(queue, payload, options))
    .onConflict((oc) =>
      oc
        .columns(['queue', 'singleton_key'])
        .where('singleton_key', 'is not', null)
        // The index's own words, not parameters: PostgreSQL matches an ON CONFLICT to a partial
        // index by proving its predicate, which it cannot do with a parameter's value unknown
        // (the generic plan of a prepared statement, db/prepared.ts).
        .where(sql<boolean>`state in ('queued', 'active')`)
        .doNothing(),
    )
    .execute();
}

export interface ClaimedJob {
  id: string;
  queue: string;
  /** As stored; the worker validates it against the queue's schema (registry.ts) before a handler sees it. */
  payload: unknown;
  attempts: number;
  maxAttempts: number;
}

/** Claims up to `limit` runnable jobs of `queues` for `worker`, leased for `leaseMs`. */
export async function claimJobs(
  db: Kysely<Database>,
  queues: readonly string[],
  worker: string,
  limit: number,
  leaseMs: number,
): Promise<ClaimedJob[]> {
  if (queues.length === 0 || limit <= 0) return [];
  const result = await sql<{
    id: string;
    queue: string;
    payload: unknown;
    attempts: number;
    max_attempts: number;
  }>`
    UPDATE job
       SET state = 'active',
           attempts = attempts + 1,
           locked_by = ${worker},
           locked_until = now() + ${leaseMs} * interval '1 millisecond'
     WHERE id IN (
       SELECT id FROM job
        WHERE queue IN (${sql.join(queues)})
          AND ((state = 'queued' AND run_at <= now()) OR (state = 'active' AND locked_until < now()))
        ORDER BY run_at, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING id, queue, payload, attempts, max_attempts`.execute(db);
  return result.rows.map((row) => ({
    id: String(row.id),
    queue: row.queue,
    payload: row.payload,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
  }));
}

/** Marks a job done if `worker` still holds it; false when its lease was lost to another. */
export async function completeJob(db: Kysely<Database>, id: string, worker: string): Promise<boolean> {
  const result = await db
    .updateTable('job')
    .set({ state: 'done', finished_at: new Date(), locked_by: null, locked_until: null, last_error: null })
    .where('id', '=', id)
    .where('locked_by', '=', worker)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Exponential backoff with jitter: about 2 s, 4 s, 8 s … capped at one hour. */
export function backoffMs(attempts: number): number {
  const base = Math.min(2000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/**
 * Records a failed attempt: back to the queue after a backoff, or dead past max_attempts (or at
 * once with `final`, for a job that can never succeed, such as one whose payload does not fit).
 */
export async function failJob(
  db: Kysely<Database>,
  job: ClaimedJob,
  worker: string,
  error: unknown,
  retryInMs = backoffMs(job.attempts),
  final = false,
): Promise<JobState> {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const dead = final || job.attempts >= job.maxAttempts;
  await db
    .updateTable('job')
    .set({
      state: dead ? 'dead' : 'queued',
      run_at: new Date(Date.now() + (dead ? 0 : retryInMs)),
      locked_by: null,
      locked_until: null,
      last_error: message.slice(0, 2000),
      ...(dead ? { finished_at: new Date() } : {}),
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', worker)
    .execute();
  return dead ? 'dead' : 'queued';
}

/** Extends the lease of jobs `worker` is still running. */
export async function renewLeases(
  db: Kysely<Database>,
  ids: string[],
  worker: string,
  leaseMs: number,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('job')
    .set({ locked_until: sql<Date>`now() + ${leaseMs} * interval '1 millisecond'` })
    .where('id', 'in', ids)
    .where('locked_by', '=', worker)
    .where('state', '=', 'active')
    .execute();
}

export interface JobRow {
  id: string;
  queue: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lastError: string | null;
  createdAt: Date;
  payload: unknown;
}

export async function listJobs(
  db: Kysely<Database>,
  filter: { state?: JobState; queue?: string; limit?: number } = {},
): Promise<JobRow[]> {
  let query = db
    .selectFrom('job')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 50);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.queue) query = query.where('queue', '=', filter.queue);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: String(row.id),
    queue: row.queue,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    payload: row.payload,
  }));
}

/** Puts a dead job back in the queue with fresh attempts. */
export async function retryDeadJob(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('job')
    .set({ state: 'queued', attempts: 0, run_at: new Date(), finished_at: null })
    .where('id', '=', id)
    .where('state', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function jobCounts(db: Kysely<Database>): Promise<Record<JobState, number>> {
  const rows = await db
    .selectFrom('job')
    .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('state')
    .execute();
  const counts: Record<JobState, number> = { queued: 0, active: 0, done: 0, dead: 0 };
  for (const row of rows) counts[row.state] = Number(row.n);
  return counts;
}
