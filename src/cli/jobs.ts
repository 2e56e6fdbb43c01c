import type { Command } from 'commander';
import { LOCAL_PHOTOS_WARNING, openBlobStore } from '../server/blobs/blob-store.ts';
import { loadConfig } from '../server/config.ts';
import { jobCounts, listJobs, retryDeadJob } from '../server/jobs/queue.ts';
import { JobWorker } from '../server/jobs/worker.ts';
import { createLogger } from '../server/logger.ts';
import { operationsRegistry, serveMetrics } from '../server/metrics.ts';
import { configureOcr, shutdownOcr } from '../server/modules/evidence/ocr.ts';
import { listOutbox } from '../server/modules/notify/outbox.ts';
import { OWN_KEY_WARNING } from '../server/sealing-keys.ts';
import { jobHandlers } from '../server/server.ts';
import { shutdownTelemetry } from '../server/telemetry.ts';
import { withDatabase } from './context.ts';

const STATES = ['queued', 'active', 'done', 'dead'] as const;

export function registerJobCommands(program: Command) {
  program
    .command('work')
    .description('Run job workers only (mail, claim checks, draft expiry) until SIGTERM')
    .option('--concurrency <n>', 'jobs at once', (value) => Number.parseInt(value, 10))
    .option('--once', 'run until no job is runnable, then exit')
    .action(async (options: { concurrency?: number; once?: boolean }) => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      configureOcr(config.ocrWorkers);
      await withDatabase(async (db) => {
        const blobs = openBlobStore(config.storageUrl, config.dataDir);
        if (blobs.kind === 'fs' && !options.once) logger.warn({ storage: blobs.kind }, LOCAL_PHOTOS_WARNING);
        if (config.databaseUrl && config.secretKeys.length === 0) logger.warn(OWN_KEY_WARNING);
        const worker = new JobWorker(db, jobHandlers(config, blobs), logger, {
          concurrency: options.concurrency ?? config.workerConcurrency,
          leaseMs: config.workerLeaseMs,
        });
        if (options.once) {
          console.log(`${await worker.drain()} jobs run`);
          await shutdownOcr();
          return;
        }
        worker.start();
        // A worker-only process has no web port: its metrics, if wanted, come on METRICS_PORT.
        const metrics = config.metricsPort
          ? await serveMetrics(config.metricsPort, config.host, operationsRegistry({ db }))
          : undefined;
        logger.info({ worker: worker.id, metricsPort: config.metricsPort }, 'worker running');
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
        logger.info('stopping: finishing jobs in hand');
        metrics?.close();
        await worker.stop();
        await shutdownOcr();
        await shutdownTelemetry().catch((error) => logger.warn({ err: error }, 'traces not sent'));
      });
    });

  const jobs = program.command('jobs').description('The job queue: what is waiting, running, done or dead');
  jobs
    .command('list')
    .option('--state <state>', `one of ${STATES.join(', ')}`)
    .option('--queue <queue>', 'e.g. mail.send')
    .option('--limit <n>', 'rows', (value) => Number.parseInt(value, 10), 50)
    .action(async (options: { state?: (typeof STATES)[number]; queue?: string; limit: number }) => {
      if (options.state && !STATES.includes(options.state))
        throw new Error(`--state must be one of ${STATES.join(', ')}`);
      await withDatabase(async (db) => {
        const counts = await jobCounts(db.kysely);
        console.log(STATES.map((state) => `${state}: ${counts[state]}`).join('  '));
        for (const job of await listJobs(db.kysely, options)) {
          const error = job.lastError ? `  ${job.lastError.slice(0, 120)}` : '';
          console.log(
            `${job.id}\t${job.queue}\t${job.state}\tattempt ${job.attempts}/${job.maxAttempts}\t${job.runAt.toISOString()}${error}`,
          );
        }
      });
    });
  jobs
    .command('retry')
    .argument('<id>', 'a dead job')
    .description('Put a dead job back in the queue with fresh attempts')
    .action(async (id: string) => {
      const retried = await withDatabase((db) => retryDeadJob(db.kysely, id));
      if (!retried) {
        console.error(`recallkit: job ${id} is not dead (or does not exist)`);
        process.exitCode = 1;
        return;
      }
      console.log(`job ${id} queued again`);
    });

  program
    .command('outbox')
    .description('The newest e-mails (what would be or was sent), for development without SMTP')
    .option('--limit <n>', 'messages', (value) => Number.parseInt(value, 10), 10)
    .action(async (options: { limit: number }) => {
      const messages = await withDatabase((db) => listOutbox(db.kysely, options.limit));
      for (const m of messages) {
        console.log(
          `--- ${m.created_at.toISOString()} ${m.state} to ${m.to_address} (${m.language}, ${m.template})`,
        );
        console.log(`Subject: ${m.subject}\n\n${m.text_body}`);
      }
    });
}
