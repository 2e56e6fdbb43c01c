import type { PostgresPool } from 'kysely';
import type pg from 'pg';

/**
 * Named prepared statements for the queries Kysely sends with parameters. node-postgres sends an
 * unnamed statement by default, which PostgreSQL parses, analyses and plans again at every
 * execution; a named one is parsed once per connection and then only bound and executed, about a
 * quarter less database CPU per claim (docs/decisions/0004-named-prepared-statements.md, which
 * also says what generic plans ask of the queries). Names are given per SQL text,
 * process-wide, so one name always means one text (node-postgres refuses a name reused for
 * another text); texts past MAX_NAMED (say, IN lists of every length) go unnamed, so that no
 * connection accumulates statements without bound.
 */
const MAX_NAMED = 2000;
const names = new Map<string, string>();
let named = 0;

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && named < MAX_NAMED) {
    name = `rk_${named++}`;
    names.set(text, name);
  }
  return name;
}

/**
 * A statement prepared before a table changed shape (a migration run by a newer release while
 * this process serves) cannot be executed again: "cached plan must not change result type".
 */
function isStalePlan(error: unknown): boolean {
  return (error as { routine?: string } | null)?.routine === 'RevalidateCachedQuery';
}

type Query = (text: unknown, values?: unknown[]) => Promise<pg.QueryResult>;

/**
 * `client.query`, naming the statements that carry parameters; anything else passes as is.
 * A stale statement's text is given a new name, which every connection prepares afresh (the
 * old one is never used again). Outside a transaction the query then runs again at once;
 * inside one, the error has ended the transaction, and the next one uses the new name.
 */
export function preparedQuery(client: pg.PoolClient, inTransaction: boolean): Query {
  const run = async (text: unknown, values: unknown[] | undefined, again: boolean) => {
    const name = typeof text === 'string' && values ? nameOf(text) : undefined;
    if (!name) return values ? client.query(text as string, values) : client.query(text as pg.QueryConfig);
    try {
      return await client.query({ name, text: text as string, values });
    } catch (error) {
      if (!isStalePlan(error)) throw error;
      if (names.get(text as string) === name) names.delete(text as string);
      if (!again) throw error;
      return run(text, values, false);
    }
  };
  return (text, values) => run(text, values, !inTransaction);
}

/** The pool Kysely uses outside transactions. */
export function preparedPool(pool: pg.Pool): PostgresPool {
  return {
    connect: async () => {
      const client = await pool.connect();
      return { query: preparedQuery(client, false) as never, release: () => client.release() };
    },
    end: () => pool.end(),
  };
}
