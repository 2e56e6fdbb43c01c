import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.ts';
import { loadConfig } from '../config.ts';
import { type Db, databaseOptions } from './database.ts';

/** The statements this connection has prepared whose text names `table`. */
async function preparedOn(db: Db, table: string) {
  return db.transaction(async (tx) => {
    await sql`select count(*) as n from ${sql.table(table)} where id > ${0}`.execute(tx.kysely);
    await sql`select count(*) as n from ${sql.table(table)} where id > ${1}`.execute(tx.kysely);
    const { rows } = await tx.query(
      `select name from pg_prepared_statements where statement like '%' || $1 || '%' and not from_sql`,
      [table],
    );
    return rows.map((row) => row.name as string);
  });
}

describe.each(await testDatabases())('prepared statements on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
    await db.transaction((tx) =>
      tx.query(
        'create table prepared_probe (id int primary key, label text); insert into prepared_probe values (1, $$one$$), (2, $$two$$)',
      ),
    );
  });
  afterAll(async () => db?.close());

  it('parses a statement once per connection, however often it runs', async () => {
    const names = await preparedOn(db, 'prepared_probe');
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^rk_\d+$/);
  });

  it('answers after a migration changed a table it had prepared a statement for, in and out of transactions', async () => {
    const everything = () => sql<Record<string, unknown>>`select * from prepared_probe where id = ${1}`;
    expect((await everything().execute(db.kysely)).rows).toEqual([{ id: 1, label: 'one' }]);
    await db.transaction((tx) => tx.query('alter table prepared_probe add column note text'));
    // Without a fresh statement: "cached plan must not change result type", until restart.
    expect((await everything().execute(db.kysely)).rows).toEqual([{ id: 1, label: 'one', note: null }]);

    const inTransaction = () => db.transaction(async (tx) => (await everything().execute(tx.kysely)).rows);
    expect(await inTransaction()).toEqual([{ id: 1, label: 'one', note: null }]);
    await db.transaction((tx) => tx.query('alter table prepared_probe add column seen boolean'));
    // The one transaction under way when the table changed fails; the next is served.
    await expect(inTransaction()).rejects.toThrow(/cached plan/);
    expect(await inTransaction()).toEqual([{ id: 1, label: 'one', note: null, seen: null }]);
  });
});

describe.each(await testDatabases())('with DATABASE_PREPARED_STATEMENTS=false on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open({ preparedStatements: false });
    await db.transaction((tx) => tx.query('create table unprepared_probe (id int primary key)'));
  });
  afterAll(async () => db?.close());

  it('prepares nothing, for a pooler that cannot keep statements between transactions', async () => {
    expect(await preparedOn(db, 'unprepared_probe')).toEqual([]);
    // The setting an operator gives, as the server and the CLI open their database with it.
    expect(databaseOptions(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false' })).preparedStatements).toBe(
      false,
    );
    expect(databaseOptions(loadConfig({})).preparedStatements).toBe(true);
  });
});
