import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { inJobSpan } from '../telemetry.ts';
import { backoffMs, type ClaimedJob, claimJobs, completeJob, failJob, renewLeases } from './queue.ts';
import { isQueueName, type JobPayload, parsePayload, type QueueName } from './registry.ts';

export interface JobContext {
  db: Db;
  logger: Logger;
}

/** A job as its handler sees it: the payload validated against its queue's schema. */
export interface Job<Q extends QueueName> extends Omit<ClaimedJob, 'queue' | 'payload'> {
  queue: Q;
  payload: JobPayload<Q>;
}
export type JobHandler<Q extends QueueName> = (job: Job<Q>, context: JobContext) => Promise<void>;
/** The handlers of some queues, each typed by its queue's payload. */
export type JobHandlers = { [Q in QueueName]?: JobHandler<Q> };

/** A payload that does not fit its queue's schema: the job can never succeed. */
export class MalformedPayload extends Error {
  override name = 'MalformedPayload';
}

export interface WorkerOptions {
  /** Jobs run at once by this worker. */
  concurrency?: number;
  /** How often an idle worker looks for work. */
  pollMs?: number;
  /** How long a claim lasts without renewal; a dead worker's jobs run again after this. */
  leaseMs?: number;
  /** Delay before a failed attempt runs again (default: exponential backoff). */
  backoff?: (attempts: number) => number;
}

/** Runs jobs of the queues it has handlers for, until stopped. */
export class JobWorker {
  readonly id = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly running = new Map<string, Promise<void>>();
  private readonly queues: string[];
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly backoff: (attempts: number) => number;
  private timer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = true;
  private readonly db: Db;
  private readonly handlers: JobHandlers;
  private readonly logger: Logger;

  constructor(db: Db, handlers: JobHandlers, logger: Logger, options: WorkerOptions = {}) {
    this.db = db;
    this.handlers = handlers;
    this.logger = logger.child({ worker: this.id });
    this.queues = Object.keys(handlers).filter((queue) => handlers[queue as QueueName]);
    this.concurrency = options.concurrency ?? 4;
    this.pollMs = options.pollMs ?? 500;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.backoff = options.backoff ?? backoffMs;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.renewTimer = setInterval(
      () => {
        renewLeases(this.db.kysely, [...this.running.keys()], this.id, this.leaseMs).catch((error) =>
          this.logger.warn({ err: error }, 'could not renew job leases'),
        );
      },
      Math.max(50, Math.floor(this.leaseMs / 3)),
    );
    this.renewTimer.unref();
    this.wake();
  }

  /** Look for work now (after this process enqueued some). */
  wake(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.ticking ??= this.tick().finally(() => {
      this.ticking = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(() => this.wake(), this.pollMs);
      this.timer.unref();
    });
  }

  /** Stops claiming and waits for the jobs in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    await Promise.allSettled(this.running.values());
    clearInterval(this.renewTimer);
  }

  /** Runs jobs until none is runnable (tests and `recallkit work --once`). */
  async drain(): Promise<number> {
    let ran = 0;
    for (;;) {
      const claimed = await this.claim();
      if (claimed === 0 && this.running.size === 0) return ran;
      ran += claimed;
      await Promise.race([...this.running.values()]);
    }
  }

  private async tick(): Promise<void> {
    try {
      while (!this.stopped && (await this.claim()) > 0 && this.running.size < this.concurrency) {
        // a full batch: there may be more
      }
    } catch (error) {
      this.logger.error({ err: error }, 'could not claim jobs');
    }
  }

  private async claim(): Promise<number> {
    const free = this.concurrency - this.running.size;
    if (free <= 0) return 0;
    const jobs = await claimJobs(this.db.kysely, this.queues, this.id, free, this.leaseMs);
    for (const job of jobs) {
      const run = this.run(job).finally(() => {
        this.running.delete(job.id);
        this.wake();
      });
      this.running.set(job.id, run);
    }
    return jobs.length;
  }

  private async run(job: ClaimedJob): Promise<void> {
    const logger = this.logger.child({ job: job.id, queue: job.queue, attempt: job.attempts });
    try {
      if (!isQueueName(job.queue) || !this.handlers[job.queue])
        throw new Error(`No handler for queue ${job.queue}`);
      const queue = job.queue;
      await inJobSpan(job, () => this.dispatch(queue, job, logger));
      if (!(await completeJob(this.db.kysely, job.id, this.id))) {
        logger.warn('job finished after its lease was taken over');
      }
    } catch (error) {
      try {
        const final = error instanceof MalformedPayload;
        const state = await failJob(this.db.kysely, job, this.id, error, this.backoff(job.attempts), final);
        logger[state === 'dead' ? 'error' : 'warn']({ err: error, state }, 'job failed');
      } catch (recordError) {
        // The lease will lapse and the job run again.
        logger.error({ err: recordError }, 'could not record a failed job');
      }
    }
  }

  private async dispatch<Q extends QueueName>(queue: Q, job: ClaimedJob, logger: Logger): Promise<void> {
    const handler = this.handlers[queue] as JobHandler<Q>;
    const parsed = parsePayload(queue, job.payload);
    if (!parsed.ok) throw new MalformedPayload(parsed.reason);
    await handler({ ...job, queue, payload: parsed.payload }, { db: this.db, logger });
  }
}
