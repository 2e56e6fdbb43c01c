import path from 'node:path';
import pino from 'pino';
import type { Config } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/database.ts';
import { buildApp } from '../../src/server/http/app.ts';
import { CatalogService } from '../../src/server/modules/catalog/catalog-service.ts';
import { seedExampleCampaigns } from '../../src/server/modules/catalog/seed-examples.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const campaignsDir = path.join(repoRoot, 'campaigns');
export const silentLogger = pino({ level: 'silent' });

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: 'memory://',
    databaseUrl: undefined,
    logLevel: 'silent',
    lookupRateLimit: 0,
    catalogRefreshMs: 60_000,
    seedExamples: true,
    trustProxy: false,
    campaignsDir,
    ...overrides,
  };
}

/** The HTTP app over a database with the example campaigns loaded, for `app.inject`. */
export async function appWithExamples(db: Db, options: { lookupRateLimit?: number } = {}) {
  await seedExampleCampaigns(db, campaignsDir, silentLogger);
  const catalog = new CatalogService(db, silentLogger, 60_000);
  await catalog.start();
  const app = await buildApp({
    db,
    catalog,
    logger: silentLogger,
    lookupRateLimit: options.lookupRateLimit ?? 0,
    trustProxy: false,
    webRoot: '/nonexistent',
  });
  return {
    app,
    catalog,
    async close() {
      catalog.stop();
      await app.close();
    },
  };
}
