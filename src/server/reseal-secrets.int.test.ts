import { describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.ts';
import { resealSecrets } from './reseal-secrets.ts';
import { configureSealing, seal, unseal } from './secrets.ts';

describe.each(await testDatabases())('recallkit secrets reseal on $name', ({ open }) => {
  it('seals every stored secret with a new key, so the old key can be dropped', async () => {
    const db = await open();
    try {
      const OLD = 'old-key-'.repeat(5);
      const NEW = 'new-key-'.repeat(5);
      configureSealing([OLD]);
      await db.kysely
        .insertInto('webhook_endpoint')
        .values([
          {
            id: 'whk_a',
            url: 'https://a.example/h',
            events: ['claim.approved'],
            secret: seal('whsec_one'),
            created_by: 't',
          },
          // Stored before sealing existed: sealed by the reseal too.
          {
            id: 'whk_b',
            url: 'https://b.example/h',
            events: ['claim.approved'],
            secret: 'whsec_two',
            created_by: 't',
          },
        ])
        .execute();
      configureSealing([NEW, OLD]);
      expect(await resealSecrets(db)).toBe(2);
      configureSealing([NEW]);
      const rows = await db.kysely
        .selectFrom('webhook_endpoint')
        .select(['id', 'secret'])
        .orderBy('id')
        .execute();
      expect(rows.map((row) => row.secret.startsWith('enc:v1:'))).toEqual([true, true]);
      expect(rows.map((row) => unseal(row.secret))).toEqual(['whsec_one', 'whsec_two']);
    } finally {
      await db.close();
    }
  });
});
