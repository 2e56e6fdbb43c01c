import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildApp } from '../../src/server/app.ts';
import { FsBlobStore } from '../../src/server/blobs/blob-store.ts';
import { type Config, loadConfig } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/database.ts';
import { CatalogService } from '../../src/server/modules/catalog/catalog-service.ts';
import { newClaimCode } from '../../src/server/modules/claims/claim-access.ts';
import { seedExampleCampaigns } from '../../src/server/seed-examples.ts';
import { claimHooks } from '../../src/server/server.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const campaignsDir = path.join(repoRoot, 'campaigns');
export const silentLogger = pino({ level: 'silent' });

/** The defaults, on an in-memory database, quiet, without rate limits. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test' }),
    port: 0,
    host: '127.0.0.1',
    dataDir: 'memory://',
    lookupRateLimit: 0,
    catalogRefreshMs: 60_000,
    mailSettleMs: 0, // a test that merges a claim's e-mails sets its own
    shedEventLoopDelayMs: 0, // tests share two cores: a test of load shedding sets its own
    campaignsDir,
    storageUrl: `file://${fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-test-blobs-'))}`,
    ...overrides,
  };
}

/** The HTTP app over a database with the example campaigns loaded, for `app.inject`. */
export async function appWithExamples(
  db: Db,
  options: {
    lookupRateLimit?: number;
    catalogRefreshMs?: number;
    config?: Partial<Config>;
    claimCode?: () => string;
    trustProxy?: boolean;
    /** Serve the built web app from here (default: none, the API alone). */
    webRoot?: string;
    lookupCountFlushMs?: number;
  } = {},
) {
  await seedExampleCampaigns(db, campaignsDir, silentLogger);
  const catalog = new CatalogService(db, silentLogger, options.catalogRefreshMs ?? 60_000);
  await catalog.start();
  const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-blobs-'));
  const blobs = new FsBlobStore(blobDir);
  const config = testConfig({ publicUrl: 'http://recalls.test', ...options.config });
  const app = await buildApp({
    db,
    catalog,
    logger: silentLogger,
    lookupRateLimit: options.lookupRateLimit ?? 0,
    trustProxy: options.trustProxy ?? false,
    webRoot: options.webRoot ?? '/nonexistent',
    lookupCountFlushMs: options.lookupCountFlushMs,
    claims: {
      db,
      catalog,
      blobs,
      config,
      hooks: claimHooks,
      ...(options.claimCode ? { claimCode: options.claimCode } : {}),
    },
    devOutboxPage: true,
    notices: { ratePerMinute: config.noticeRatePerMinute, bounceToken: config.noticeBounceToken },
    metricsToken: config.metricsToken,
    shedEventLoopDelayMs: config.shedEventLoopDelayMs,
    webhookAllowedHosts: config.webhookAllowedHosts,
    console: { policy: config.staffSessions, loginRateLimit: 0 },
  });
  return {
    app,
    catalog,
    blobs,
    blobDir,
    config,
    async close() {
      catalog.stop();
      await app.close();
    },
  };
}

/**
 * Claim codes in a fixed order, for tests whose photos show the code: OCR of random handwriting
 * misreads a character now and then, and a test must not depend on the luck of the draw. After
 * the list, random codes.
 */
export function knownClaimCodes(): () => string {
  const codes = [
    'RK-7K3F-9Q2M',
    'RK-HWHC-KVCP',
    'RK-4TEX-M3NA',
    'RK-9HYN-E3QY',
    'RK-PACE-7R4U',
    'RK-WXAK-3N9T',
  ];
  let next = 0;
  return () => codes[next++] ?? newClaimCode();
}
