import { createHash } from 'node:crypto';
import type { Tx } from '../../db/database.ts';
import { AppError } from '../../http/errors.ts';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

const KEY = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * Runs `work` once per (scope, Idempotency-Key): a retried request gets the first answer.
 * The key row is written first, so a concurrent retry waits on it and then reads the answer
 * instead of doing the work twice. Without a key the work simply runs.
 */
export async function withIdempotency(
  tx: Tx,
  scope: string,
  key: string | undefined,
  request: unknown,
  work: () => Promise<StoredResponse>,
): Promise<StoredResponse> {
  if (key === undefined) return work();
  if (!KEY.test(key)) throw new AppError('idempotency_key_invalid');
  const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
  const inserted = await tx.kysely
    .insertInto('idempotency_key')
    .values({ scope, key, request_hash: requestHash, status_code: null, response: null })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!inserted) {
    const stored = await tx.kysely
      .selectFrom('idempotency_key')
      .select(['request_hash', 'status_code', 'response'])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (stored.request_hash !== requestHash) throw new AppError('idempotency_key_reused');
    return { statusCode: stored.status_code ?? 200, body: stored.response };
  }
  const response = await work();
  await tx.kysely
    .updateTable('idempotency_key')
    .set({ status_code: response.statusCode, response: JSON.stringify(response.body) })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
  return response;
}
