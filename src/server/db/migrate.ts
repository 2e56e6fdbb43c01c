import fs from 'node:fs';
import path from 'node:path';

/** What migrating needs of a transaction: SQL text run as is. */
interface SqlRunner {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');

/** Names of the migration files shipped with this build, in order (`0001_catalog`, …). */
export function shippedMigrations(): string[] {
  return fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => name.replace(/\.sql$/, ''));
}

/**
 * Applies pending SQL migrations inside the caller's transaction. An advisory lock makes
 * several processes starting at once against one PostgreSQL take turns.
 */
export async function migrate(tx: SqlRunner): Promise<string[]> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('recallkit:migrate'))");
  await tx.query(
    'CREATE TABLE IF NOT EXISTS schema_migration (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const done = new Set(
    (await tx.query('SELECT version FROM schema_migration')).rows.map((row) => row.version as string),
  );
  const applied: string[] = [];
  for (const version of shippedMigrations()) {
    if (done.has(version)) continue;
    await tx.query(fs.readFileSync(path.join(MIGRATIONS_DIR, `${version}.sql`), 'utf8'));
    await tx.query('INSERT INTO schema_migration (version) VALUES ($1)', [version]);
    applied.push(version);
  }
  return applied;
}

/** Versions shipped but not yet applied: empty when the schema is current. */
export async function pendingMigrations(tx: SqlRunner): Promise<string[]> {
  const exists = await tx.query("SELECT to_regclass('schema_migration') IS NOT NULL AS present");
  if (!exists.rows[0]?.present) return shippedMigrations();
  const done = new Set(
    (await tx.query('SELECT version FROM schema_migration')).rows.map((row) => row.version as string),
  );
  return shippedMigrations().filter((version) => !done.has(version));
}
