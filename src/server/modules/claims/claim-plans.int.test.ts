import type { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';
import { unitHolderQuery } from './send-claim-link.ts';
import { cancelDraftExpiry } from './submit-claim.ts';

/*
 * Statements that every claim runs, and that must stay index lookups as the tables grow to
 * millions of rows. A named statement run often is planned once for any parameters (a generic
 * plan); these check that plan, where a partial index is easily lost.
 */
describe.each(await testDatabases())("the plans of a claim's statements on $name", ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => db?.close());

  /** EXPLAIN of the plan made once for any parameters, run with `values` written as literals. */
  function genericPlan(query: CompiledQuery, values: string[]): Promise<string> {
    return db.transaction(async (tx) => {
      await tx.query('set local plan_cache_mode = force_generic_plan');
      await tx.query(`prepare planned as ${query.sql}`);
      const literals = values.map((value) => `'${value}'`).join(', ');
      const { rows } = await tx.query(`explain execute planned(${literals})`);
      await tx.query('deallocate planned');
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
  }

  it('finds the claim holding a unit from an index, never a scan (every new claim and submission)', async () => {
    const plan = await genericPlan(unitHolderQuery(db.kysely, 'c', 's').compile(), ['cmp_x', 'SERIAL']);
    // The one-claim-per-unit index, or the serial index of the console's search (a serial is as
    // selective): either answers from a handful of rows.
    expect(plan).toMatch(/Index Scan using (claim_one_per_unit|claim_serial)/);
    expect(plan).not.toContain('Seq Scan');
  });

  it("finds a submitted draft's expiry job from the unfinished-singleton index (every submission)", async () => {
    const plan = await genericPlan(cancelDraftExpiry(db.kysely, 'c').compile(), [
      'claim.expire_draft',
      'clm_x',
    ]);
    expect(plan).toContain('job_singleton');
  });
});
