import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../src/server/blobs/blob-store.ts';
import { openDatabase } from '../src/server/db/database.ts';
import { appWithExamples } from './support/app.ts';
import { claimsHarness, demoUnits } from './support/claims.ts';
import { createPostgresDatabase, testDatabases } from './support/databases.ts';

const run = promisify(execFile);
const hasPostgres = (await testDatabases()).some((database) => database.name === 'postgres');
const US = 'anker-2025-us-a1263';

/**
 * The backup OPERATIONS.md describes, done: `pg_dump` of a database with claims and photos,
 * `pg_restore` into an empty one, and the restored database serves the claims, whose photos the
 * (copied) photo store still holds.
 */
describe.runIf(hasPostgres)('backup and restore (PostgreSQL)', () => {
  const dropped: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of dropped) await drop();
  });

  it('restores a pg_dump into an empty database: the claims, their photos and their owners’ links', async () => {
    const source = await createPostgresDatabase();
    dropped.push(source.drop);
    const db = await openDatabase({ databaseUrl: source.url, dataDir: '' });
    const h = await claimsHarness(db);
    const unit = demoUnits(US)[7] as { serial: string; model: string };
    const created = await h.create({
      campaign: US,
      serial: unit.serial,
      model: unit.model,
      remedy: 'gift_card',
      hasUnit: true,
      claimant: { name: 'Backup Owner', email: 'backup@example.com', country: 'US', language: 'en' },
    });
    expect(created.statusCode).toBe(201);
    const claim = created.json() as { id: string; accessToken: string };
    const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    expect((await h.upload(claim, 'label', photo)).statusCode).toBe(201);
    await h.worker.drain();
    const keys = (
      await db.kysely.selectFrom('evidence').select(['original_key', 'display_key']).execute()
    ).flatMap((row) => [row.original_key, row.display_key].filter((key): key is string => Boolean(key)));
    expect(keys.length).toBeGreaterThan(0);
    await h.close();
    await db.close();

    // The backup: the database in PostgreSQL's custom format, and (here) the photo directory copied.
    const dump = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-backup-')), 'recallkit.dump');
    await run('pg_dump', ['--format=custom', '--no-owner', `--file=${dump}`, source.url]);
    const photos = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-backup-photos-'));
    fs.cpSync(h.blobDir, photos, { recursive: true });

    const target = await createPostgresDatabase();
    dropped.push(target.drop);
    await run('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${target.url}`, dump]);

    const restored = await openDatabase({ databaseUrl: target.url, dataDir: '' });
    const app = await appWithExamples(restored);
    try {
      const status = await app.app.inject({
        method: 'GET',
        url: `/api/v1/claims/${claim.id}`,
        headers: { authorization: `Bearer ${claim.accessToken}` },
      });
      expect(status.statusCode).toBe(200);
      expect(status.json()).toMatchObject({ status: 'draft' });
      const stored = await restored.kysely.selectFrom('evidence').select('original_key').execute();
      expect(stored).toHaveLength(1);
      const copy = new FsBlobStore(photos);
      for (const key of keys) expect(await copy.exists(key)).toBe(true);
      // The restored database is current: nothing left to migrate.
      expect((await app.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await restored.close();
    }
  });
});
