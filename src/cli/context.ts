import { loadConfig } from '../server/config.ts';
import { type Db, databaseOptions, openDatabase } from '../server/db/database.ts';
import { createLogger } from '../server/logger.ts';
import { configureSealingKeys } from '../server/sealing-keys.ts';
import { seedExampleCampaigns } from '../server/seed-examples.ts';

/**
 * Opens the database the server would use, with the same configuration. On the embedded
 * database this takes the data directory's lock, so a running server makes the command stop
 * with a clear message instead of corrupting its files. An empty database gets the schema and,
 * like `npm start`, the shipped example campaigns.
 */
export async function withDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  configureSealingKeys(config);
  const db = await openDatabase(databaseOptions(config));
  try {
    if (config.seedExamples) {
      await seedExampleCampaigns(
        db,
        config.campaignsDir,
        createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel),
      );
    }
    return await work(db);
  } finally {
    await db.close();
  }
}

export function cliActor(): string {
  return `cli:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`;
}

/** Who a command acts as in the audit trail: the operating-system user, through the CLI. */
export const cliAuditActor = () => ({
  id: null,
  email: cliActor(),
  role: 'cli',
  ip: null,
  userAgent: 'recallkit',
});
