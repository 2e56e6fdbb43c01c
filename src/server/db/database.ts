import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Config } from '../config.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { migrate } from './migrate.ts';
import { pglitePool } from './pglite-connection.ts';
import { preparedPool, preparedQuery } from './prepared.ts';
import type { Database } from './schema.ts';

// Dates stay ISO strings ('2025-06-12'): a calendar date has no time zone to get wrong.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type DbKind = 'pglite' | 'postgres';

/** A transaction on one connection, where typed queries and bulk COPY share the same snapshot. */
export interface Tx {
  kysely: Kysely<Database>;
  /** Runs SQL text as is (several statements allowed when there are no parameters). */
  query(text: string, params?: unknown[]): Promise<pg.QueryResult>;
  /** `COPY table (columns) FROM` CSV text, streamed; rows must already be valid CSV lines. */
  copyCsv(table: string, columns: readonly string[], csvChunks: Iterable<string>): Promise<void>;
}

export interface Db {
  kind: DbKind;
  kysely: Kysely<Database>;
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** PostgreSQL: the pool's connections (open, idle) and the requests waiting for one. */
  poolStats?: () => { total: number; idle: number; waiting: number };
  /** DATABASE_READ_URL: a replica for reads that may lag a little (see `readerOf`). */
  reader?: Db;
}

/**
 * Where reads that may lag the primary by a moment go: dashboards, regulator reports and the
 * lookup index's builds (which read the revision there too, so an index is never older than the
 * revision it says). The primary when no replica is configured.
 */
export const readerOf = (db: Db): Db => db.reader ?? db;

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; without it, the embedded PGlite under `dataDir`. */
  databaseUrl?: string | undefined;
  /** Where PGlite keeps its files; `memory://` keeps them in memory (tests). */
  dataDir: string;
  poolMax?: number;
  /**
   * Name the statements Kysely sends, so that each connection parses and plans them once
   * (default true; see prepared.ts). Off for a pooler that cannot carry them between
   * transactions (PgBouncer in transaction mode before 1.21, or without max_prepared_statements).
   */
  preparedStatements?: boolean;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** A read replica of `databaseUrl` (PostgreSQL only). */
  readUrl?: string | undefined;
}

/** The options the server and the CLI open their database with, from the configuration. */
export function databaseOptions(
  config: Pick<
    Config,
    'databaseUrl' | 'dataDir' | 'preparedStatements' | 'databasePoolMax' | 'databaseReadUrl'
  >,
): OpenDatabaseOptions {
  return {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    preparedStatements: config.preparedStatements,
    poolMax: config.databasePoolMax,
    readUrl: config.databaseReadUrl,
  };
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  if (options.readUrl && !options.databaseUrl)
    throw new Error('DATABASE_READ_URL needs DATABASE_URL: the embedded database has no replica');
  const named = options.preparedStatements ?? true;
  const db = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolMax ?? 10, named)
    : await openPglite(options.dataDir, named);
  try {
    if (options.migrate !== false) await db.transaction((tx) => migrate(tx));
  } catch (error) {
    await db.close();
    throw error;
  }
  if (!options.readUrl) return db;
  // The replica is read only: it follows the primary's schema, never migrates.
  const reader = openPostgres(options.readUrl, options.poolMax ?? 10, named);
  return {
    ...db,
    reader,
    close: async () => {
      await reader.close();
      await db.close();
    },
  };
}

/**
 * COPY rows joined into pieces of about 1 MB: each piece is one CopyData message and one socket
 * write, where a row at a time made a system call per row (most of an import's time).
 */
function* joinedInPieces(chunks: Iterable<string>, size = 1 << 20): Generator<string> {
  let piece: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    piece.push(chunk);
    length += chunk.length;
    if (length >= size) {
      yield piece.join('');
      piece = [];
      length = 0;
    }
  }
  if (piece.length > 0) yield piece.join('');
}

function openPostgres(databaseUrl: string, poolMax: number, named: boolean): Db {
  // During an outage a request waits at most 5 s for a connection, then answers 503.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax, connectionTimeoutMillis: 5000 });
  // A connection's error (backend terminated, server restart) must not take the process down:
  // an idle client's reaches the pool, which replaces it; a checked-out client's would be an
  // unhandled 'error' event, so every client listens from the start. The query in flight
  // rejects, and the pool discards the client when it is released.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const kysely = kyselyOver(named ? preparedPool(pool) : pool);
  return {
    kind: 'postgres',
    kysely,
    transaction: (work) =>
      withClientTransaction(pool, named, work, async (client, table, columns, chunks) => {
        const sql = `COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`;
        await pipeline(Readable.from(joinedInPieces(chunks)), client.query(copyFrom(sql)));
      }),
    close: () => closePool(kysely, pool),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

async function openPglite(dataDir: string, named: boolean): Promise<Db> {
  const inMemory = dataDir.startsWith('memory://');
  let lock: DataDirLock | undefined;
  if (!inMemory) {
    fs.mkdirSync(dataDir, { recursive: true });
    lock = acquireDataDirLock(dataDir);
  }
  try {
    // Loaded only here: a server on PostgreSQL never carries the embedded database in its heap.
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = new PGlite(inMemory ? dataDir : path.join(dataDir, 'pglite'));
    await pglite.waitReady;
    const pool = pglitePool(pglite);
    const kysely = kyselyOver(named ? preparedPool(pool) : pool);
    return {
      kind: 'pglite',
      kysely,
      transaction: (work) =>
        withClientTransaction(pool, named, work, async (_client, table, columns, chunks) => {
          // COPY FROM STDIN through node-postgres crashed PGlite (0.5, its own adapter); its /dev/blob
          // device is the supported bulk path. The pool has one connection, held by this
          // transaction, so the direct call runs inside it.
          const sql = `COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`;
          // One string, encoded once: a Blob of 100,000 small parts costs more than the COPY.
          await pglite.query(sql, [], { blob: new Blob([Array.from(chunks).join('')]) });
        }),
      close: async () => {
        await closePool(kysely, pool);
        await pglite.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

function kyselyOver(pool: PostgresPool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Kysely ends the pool only if it used it itself; transactions take clients straight from
 * the pool, whose idle timer would then keep the process alive for 10 s.
 */
async function closePool(kysely: Kysely<Database>, pool: pg.Pool): Promise<void> {
  await kysely.destroy();
  if (!pool.ended) await pool.end();
}

type CopyImpl = (
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  chunks: Iterable<string>,
) => Promise<void>;

async function withClientTransaction<T>(
  pool: pg.Pool,
  named: boolean,
  work: (tx: Tx) => Promise<T>,
  copy: CopyImpl,
): Promise<T> {
  const client = await pool.connect();
  const kysely = kyselyOver(singleClientPool(client, named));
  const tx: Tx = {
    kysely,
    query: (text, params) => (params ? client.query(text, params) : client.query(text)),
    copyCsv: (table, columns, chunks) => copy(client, table, columns, chunks),
  };
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** A Kysely pool that always hands out the one client already inside a transaction. */
function singleClientPool(client: pg.PoolClient, named: boolean): PostgresPool {
  const query = named ? preparedQuery(client, true) : client.query.bind(client);
  return {
    connect: async () => ({ query: query as never, release: () => {} }),
    end: async () => {},
  };
}
