import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { campaignsDir, silentLogger } from '../../../test/support/app.ts';
import { createPostgresDatabase, testDatabases } from '../../../test/support/databases.ts';
import { applyCampaign, readCampaignFile } from '../modules/catalog/apply-campaign.ts';
import { CatalogService } from '../modules/catalog/catalog-service.ts';
import { type Db, openDatabase, readerOf } from './database.ts';

const hasPostgres = (await testDatabases()).some((database) => database.name === 'postgres');
const campaign = (slug: string) => readCampaignFile(path.join(campaignsDir, `${slug}.yaml`));

describe.runIf(hasPostgres)('DATABASE_READ_URL (PostgreSQL)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('builds the lookup index from the replica and writes to the primary', async () => {
    // Two databases stand for a primary and a replica that lags it: the replica has one recall,
    // the primary two.
    const primary = await createPostgresDatabase();
    const replica = await createPostgresDatabase();
    cleanup.push(primary.drop, replica.drop);
    const replicaDb = await openDatabase({ databaseUrl: replica.url, dataDir: '' });
    cleanup.push(() => replicaDb.close());
    await applyCampaign(replicaDb, campaign('anker-2025-us-a1263'));

    const db: Db = await openDatabase({ databaseUrl: primary.url, readUrl: replica.url, dataDir: '' });
    cleanup.push(() => db.close());
    await applyCampaign(db, campaign('anker-2025-us-a1263'));
    await applyCampaign(db, campaign('anker-2025-cn'));
    expect(readerOf(db)).toBe(db.reader);

    const catalog = new CatalogService(db, silentLogger, 60_000);
    await catalog.start();
    try {
      expect(catalog.current().campaigns.map((c) => c.slug)).toEqual(['anker-2025-us-a1263']);
    } finally {
      catalog.stop();
    }
    const written = await db.kysely.selectFrom('campaign').select('slug').orderBy('slug').execute();
    expect(written.map((row) => row.slug)).toEqual(['anker-2025-cn', 'anker-2025-us-a1263']);
  });

  it('reads from the primary without one, and refuses a replica for the embedded database', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      expect(readerOf(db)).toBe(db);
    } finally {
      await db.close();
    }
    await expect(openDatabase({ dataDir: 'memory://', readUrl: 'postgres://127.0.0.1/x' })).rejects.toThrow(
      /DATABASE_READ_URL needs DATABASE_URL/,
    );
  });
});
