import { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pglitePool } from './pglite-connection.ts';

describe('node-postgres over PGlite (pglitePool)', () => {
  let pglite: PGlite;
  let pool: pg.Pool;
  beforeAll(async () => {
    pglite = new PGlite('memory://');
    pool = pglitePool(pglite);
    await pool.query('create table probe (id int primary key, label text)');
  });
  afterAll(async () => {
    await pool.end();
    await pglite.close();
  });

  it('hands PGlite each statement with parameters in one call, named or not', async () => {
    const calls = vi.spyOn(pglite, 'execProtocolStream');
    const insert = { name: 'probe_insert', text: 'insert into probe values ($1, $2) returning id' };
    expect((await pool.query({ ...insert, values: [1, 'one'] })).rows).toEqual([{ id: 1 }]);
    expect((await pool.query({ ...insert, values: [2, 'two'] })).rows).toEqual([{ id: 2 }]);
    expect((await pool.query('select label from probe where id = $1', [2])).rows).toEqual([{ label: 'two' }]);
    // Parse (the first time), bind, describe, execute and sync: once each, together.
    expect(calls).toHaveBeenCalledTimes(3);
    calls.mockRestore();
  });

  it('reports a statement the database refuses, and goes on serving', async () => {
    await expect(pool.query('select * from missing where id = $1', [1])).rejects.toThrow(
      /relation "missing" does not exist/,
    );
    await expect(pool.query('insert into probe values ($1, $2)', [1, 'again'])).rejects.toMatchObject({
      code: '23505',
    });
    // A value node-postgres cannot send fails before anything reaches the database.
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(pool.query('select $1::jsonb', [circular])).rejects.toThrow();
    expect((await pool.query('select count(*)::int as n from probe')).rows).toEqual([{ n: 2 }]);
  });

  it('keeps a transaction whole across statements, and rolls it back after a refused one', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('insert into probe values ($1, $2)', [3, 'three']);
      await expect(client.query('insert into probe values ($1, $2)', [3, 'three'])).rejects.toThrow();
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect((await pool.query('select id from probe where id = $1', [3])).rows).toEqual([]);
  });

  it("serves the pool's next client after one is thrown away", async () => {
    const client = await pool.connect();
    client.release(true); // as after a failed rollback: the client is destroyed
    expect((await pool.query('select $1::int + 1 as n', [41])).rows).toEqual([{ n: 42 }]);
  });

  // PgliteConnection stands in for node-postgres's own Connection and keeps the fields its Client
  // and Query read (package.json pins pg exactly for this; docs/decisions/0002). These fail when
  // a pg release changes what the fields mean.
  describe('the node-postgres internals it stands on', () => {
    type Internals = {
      connection: {
        parsedStatements: Record<string, string>;
        submittedNamedStatements: Record<string, string>;
        parse: (...args: unknown[]) => void;
        on: (event: string, listener: () => void) => void;
      };
    };

    it('parses a named statement once per connection (parsedStatements, submittedNamedStatements)', async () => {
      const client = await pool.connect();
      try {
        const { connection } = client as unknown as Internals;
        const parse = vi.spyOn(connection, 'parse');
        const query = { name: 'probe_internals', text: 'select count(*)::int as n from probe where id > $1' };
        await client.query({ ...query, values: [0] });
        await client.query({ ...query, values: [1] });
        expect(parse).toHaveBeenCalledTimes(1);
        expect(connection.parsedStatements.probe_internals).toBe(query.text);
        expect(connection.submittedNamedStatements.probe_internals).toBeUndefined();
        parse.mockRestore();
      } finally {
        client.release();
      }
    });

    it('keeps using statements prepared by a client the pool has since replaced', async () => {
      // PGlite is one backend session: its prepared statements outlive the client that made them.
      const query = { name: 'probe_replaced', text: 'select $1::int as n' };
      const first = await pool.connect();
      await first.query({ ...query, values: [1] });
      first.release(true); // thrown away, as after a failed ROLLBACK, or ended when idle 10 s
      const next = await pool.connect();
      try {
        expect((await next.query({ ...query, values: [2] })).rows).toEqual([{ n: 2 }]);
      } finally {
        next.release();
      }
    });

    it('ends a client through its connection (_connecting, stream.destroy)', async () => {
      const client = await pool.connect();
      const { connection } = client as unknown as Internals;
      const ended = new Promise<void>((resolve) => connection.on('end', resolve));
      client.release(true); // thrown away: node-postgres ends it
      await ended;
      expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    });
  });
});
