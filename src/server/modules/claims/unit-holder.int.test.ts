import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';
import { unitHolderQuery } from './send-claim-link.ts';

describe.each(await testDatabases())('the unit-holder lookup on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => db?.close());

  it('is answered from the one-claim-per-unit index, also when planned once for any unit', async () => {
    // Every new claim and every submission asks it; a scan would read every claim there is.
    const { sql } = unitHolderQuery(db.kysely, 'cmp_x', 'SERIAL').compile();
    const plan = await db.transaction(async (tx) => {
      await tx.query('set local plan_cache_mode = force_generic_plan');
      await tx.query(`prepare unit_holder as ${sql}`);
      const { rows } = await tx.query("explain execute unit_holder('cmp_x', 'SERIAL')");
      await tx.query('deallocate unit_holder');
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('claim_one_per_unit');
  });
});
