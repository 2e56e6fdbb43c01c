import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Db, type OpenDatabaseOptions, openDatabase } from '../../src/server/db/database.ts';
import { requireAll } from './environment.ts';

/** Options of openDatabase that a test may set (where the database is, the test decides). */
type TestOptions = Pick<OpenDatabaseOptions, 'preparedStatements'>;

/**
 * The databases integration tests run on: always PGlite (in memory), and PostgreSQL at
 * TEST_DATABASE_URL (default: the local server). Each `open()` gets a database of its own.
 */
export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(options?: TestOptions): Promise<Db>;
}

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
export const postgresServerUrl = process.env.TEST_DATABASE_URL || DEFAULT_SERVER;

let reachable: Promise<boolean> | undefined;
async function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: postgresServerUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      return false;
    }
  })();
  return reachable;
}

/** Creates an empty database on the PostgreSQL server and returns its URL and a dropper. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `recallkit_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresServerUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresServerUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function testDatabases(): Promise<TestDatabase[]> {
  const databases: TestDatabase[] = [
    { name: 'pglite', open: (options) => openDatabase({ ...options, dataDir: 'memory://' }) },
  ];
  if (await postgresReachable()) {
    databases.push({
      name: 'postgres',
      async open(options) {
        const created = await createPostgresDatabase();
        const db = await openDatabase({ ...options, databaseUrl: created.url, dataDir: '' });
        const close = db.close;
        return {
          ...db,
          close: async () => {
            await close();
            await created.drop();
          },
        };
      },
    });
  } else if (requireAll) {
    throw new Error(
      `PostgreSQL is required (RECALLKIT_REQUIRE_ALL=1) but ${postgresServerUrl} is not reachable`,
    );
  } else {
    console.warn(
      `\n[skip] PostgreSQL at ${postgresServerUrl} is not reachable: integration tests run on PGlite only.\n`,
    );
  }
  return databases;
}
