import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { type Db, openDatabase } from './db/database.ts';
import { buildApp } from './http/app.ts';
import { CatalogService } from './modules/catalog/catalog-service.ts';
import { seedExampleCampaigns } from './modules/catalog/seed-examples.ts';

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  catalog: CatalogService;
  /** Base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

/** Composition root: config -> database -> modules -> HTTP. Used by `npm start`, tests and benchmarks. */
export async function startServer(
  config: Config,
  logger: Logger,
  options: { db?: Db; webRoot?: string } = {},
): Promise<RunningServer> {
  const db = options.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  try {
    if (config.seedExamples) await seedExampleCampaigns(db, config.campaignsDir, logger);
    const catalog = new CatalogService(db, logger, config.catalogRefreshMs);
    await catalog.start();
    const app = await buildApp({
      db,
      catalog,
      logger,
      lookupRateLimit: config.lookupRateLimit,
      trustProxy: config.trustProxy,
      webRoot: options.webRoot,
    });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
    let closed: Promise<void> | undefined;
    return {
      app,
      db,
      catalog,
      url,
      close: () => {
        closed ??= (async () => {
          catalog.stop();
          await app.close();
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
