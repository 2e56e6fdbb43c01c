import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp, lookupIndexStats } from './app.ts';
import { type BlobStore, LOCAL_PHOTOS_WARNING, openBlobStore } from './blobs/blob-store.ts';
import type { Config } from './config.ts';
import { type Db, databaseOptions, openDatabase } from './db/database.ts';
import { type JobHandlers, JobWorker } from './jobs/worker.ts';
import { maintenanceJobHandlers, scheduleRetention } from './maintenance.ts';
import { operationsRegistry, serveMetrics } from './metrics.ts';
import { CatalogService } from './modules/catalog/catalog-service.ts';
import { claimJobHandlers } from './modules/claims/claim-jobs.ts';
import type { ClaimHooks } from './modules/claims/claim-lifecycle.ts';
import type { VerifyContext } from './modules/claims/verify-claim.ts';
import { evidenceJobHandlers } from './modules/evidence/evidence-jobs.ts';
import { configureOcr, shutdownOcr } from './modules/evidence/ocr.ts';
import { noticeJobHandlers, noticeMailSent } from './modules/notices/waves.ts';
import { mailSender } from './modules/notify/mailer.ts';
import { remedyClaimHooks } from './modules/remedies/grant-remedy.ts';
import { type IssueOptions, remedyJobHandlers } from './modules/remedies/issue-remedy.ts';
import { rollupJobHandlers, scheduleRollup } from './modules/reporting/rollup.ts';
import { ensureFirstAdmin, type FirstRunLogin, printFirstRunLogin } from './modules/staff/first-run.ts';
import { webhookJobHandlers } from './modules/webhooks/webhooks.ts';
import { configureSealingKeys, OWN_KEY_WARNING } from './sealing-keys.ts';
import { seedExampleCampaigns } from './seed-examples.ts';

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  catalog: CatalogService;
  blobs: BlobStore;
  /** The in-process worker (WORKER=true), if any. */
  worker: JobWorker | undefined;
  /** Base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

/** What the modules above claims do at its lifecycle's moments (claims/claim-lifecycle.ts). */
export const claimHooks: ClaimHooks = remedyClaimHooks;

/** Composition root: config -> database -> modules -> HTTP. Used by `npm start`, tests and benchmarks. */
export async function startServer(
  config: Config,
  logger: Logger,
  options: {
    db?: Db;
    webRoot?: string;
    blobs?: BlobStore;
    claimCode?: () => string;
    /** Tests decide which automatic approvals are sampled for a second review (default: at random). */
    sampleQuality?: (rate: number) => boolean;
    /** Shows the first admin's one-time login (default: printed on stderr). */
    showFirstRun?: (login: FirstRunLogin) => void;
  } = {},
): Promise<RunningServer> {
  configureSealingKeys(config);
  const db = options.db ?? (await openDatabase(databaseOptions(config)));
  try {
    if (config.seedExamples) await seedExampleCampaigns(db, config.campaignsDir, logger);
    await scheduleRetention(db);
    await scheduleRollup(db);
    await ensureFirstAdmin(db.kysely, logger, config.publicUrl, options.showFirstRun ?? printFirstRunLogin);
    const catalog = new CatalogService(db, logger, config.catalogRefreshMs);
    await catalog.start();
    const blobs = options.blobs ?? openBlobStore(config.storageUrl, config.dataDir);
    if (!config.worker && blobs.kind === 'fs') logger.warn({ storage: blobs.kind }, LOCAL_PHOTOS_WARNING);
    if (config.databaseUrl && config.secretKeys.length === 0) logger.warn(OWN_KEY_WARNING);
    configureOcr(config.ocrWorkers);
    const worker = config.worker
      ? new JobWorker(
          db,
          jobHandlers(config, blobs, options.sampleQuality ? { sampleQuality: options.sampleQuality } : {}),
          logger,
          { concurrency: config.workerConcurrency, leaseMs: config.workerLeaseMs },
        )
      : undefined;
    const app = await buildApp({
      db,
      catalog,
      logger,
      lookupRateLimit: config.lookupRateLimit,
      trustProxy: config.trustProxy,
      webRoot: options.webRoot,
      claims: {
        db,
        catalog,
        blobs,
        config,
        hooks: claimHooks,
        jobsQueued: () => worker?.wake(),
        ...(options.claimCode ? { claimCode: options.claimCode } : {}),
      },
      devOutboxPage: config.devOutboxPage,
      notices: { ratePerMinute: config.noticeRatePerMinute, bounceToken: config.noticeBounceToken },
      metricsToken: config.metricsToken,
      shedEventLoopDelayMs: config.shedEventLoopDelayMs,
      webhookAllowedHosts: config.webhookAllowedHosts,
      console: { policy: config.staffSessions, loginRateLimit: config.staffLoginRateLimit },
    });
    await app.listen({ port: config.port, host: config.host });
    const metricsServer = config.metricsPort
      ? await serveMetrics(
          config.metricsPort,
          config.host,
          operationsRegistry({ db, lookupIndex: () => lookupIndexStats(catalog) }),
        )
      : undefined;
    worker?.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
    let closed: Promise<void> | undefined;
    return {
      app,
      db,
      catalog,
      blobs,
      worker,
      url,
      close: () => {
        closed ??= (async () => {
          catalog.stop();
          metricsServer?.close();
          await app.close();
          await worker?.stop();
          await shutdownOcr();
          if (!options.db) await db.close();
        })();
        return closed;
      },
    };
  } catch (error) {
    if (!options.db) await db.close();
    throw error;
  }
}

/** Every job the application runs, by queue. `recallkit work` runs the same set. */
export function jobHandlers(
  config: Config,
  blobs: BlobStore,
  options: Pick<VerifyContext, 'sampleQuality'> & Pick<IssueOptions, 'afterProviderCall'> = {},
): JobHandlers {
  return {
    'mail.send': mailSender({
      smtpUrl: config.smtpUrl,
      from: config.mailFrom,
      settleMs: config.mailSettleMs,
      afterSend: noticeMailSent,
    }),
    ...claimJobHandlers(blobs, {
      publicUrl: config.publicUrl,
      hooks: claimHooks,
      ...(options.sampleQuality ? { sampleQuality: options.sampleQuality } : {}),
    }),
    ...evidenceJobHandlers(config, blobs),
    ...remedyJobHandlers({
      publicUrl: config.publicUrl,
      ...(options.afterProviderCall ? { afterProviderCall: options.afterProviderCall } : {}),
    }),
    ...webhookJobHandlers({ allowedHosts: config.webhookAllowedHosts }),
    ...maintenanceJobHandlers({ blobs, retentionDays: config.retentionDays }),
    ...rollupJobHandlers(),
    ...noticeJobHandlers({ publicUrl: config.publicUrl, ratePerMinute: config.noticeRatePerMinute }),
  };
}
