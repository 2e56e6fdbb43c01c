import type { Db } from './db/database.ts';
import { seal, unseal } from './secrets.ts';

/** Every column that holds a sealed secret (or one stored before sealing), by table. */
const SEALED_COLUMNS = [
  ['gift_card_code', 'id', 'code'],
  ['remedy', 'id', 'code'],
  ['webhook_endpoint', 'id', 'secret'],
  ['webhook_endpoint', 'id', 'previous_secret'],
] as const;

/**
 * Seals every stored secret again with the current key (the first of SECRET_KEY): after a key
 * is added in front, this lets the old one be dropped; values stored before sealing get sealed.
 * Batches of 500 rows, each in its own transaction. Returns how many values were resealed.
 */
export async function resealSecrets(db: Db): Promise<number> {
  let count = 0;
  for (const [table, idColumn, column] of SEALED_COLUMNS) {
    let after = '';
    for (;;) {
      const rows = await db.transaction(async (tx) => {
        const batch = await tx.query(
          `SELECT ${idColumn}::text AS id, ${column} AS value FROM ${table} WHERE ${idColumn}::text > $1 AND ${column} IS NOT NULL ORDER BY ${idColumn}::text LIMIT 500 FOR UPDATE`,
          [after],
        );
        for (const row of batch.rows as { id: string; value: string }[])
          await tx.query(`UPDATE ${table} SET ${column} = $1 WHERE ${idColumn}::text = $2`, [
            seal(unseal(row.value)),
            row.id,
          ]);
        return batch.rows as { id: string }[];
      });
      count += rows.length;
      if (rows.length < 500) break;
      after = (rows[rows.length - 1] as { id: string }).id;
    }
  }
  return count;
}
