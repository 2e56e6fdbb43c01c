import { createHash } from 'node:crypto';
import type { Tx } from '../../db/database.ts';
import { AppError, isAppErrorCode, type Outcome } from '../../errors.ts';

const KEY = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * How an answer holding a secret is kept: `keep` gives what may be stored (no bearer token),
 * `replay` makes the answer again from it (with a fresh token).
 */
export interface SecretAnswer<T> {
  keep(value: T): unknown;
  replay(stored: unknown): Promise<T>;
}

/**
 * Runs `work` once per (scope, Idempotency-Key): a retried request gets the first outcome.
 * The key row is written first, so a concurrent retry waits on it and then reads the outcome
 * instead of doing the work twice. Without a key the work simply runs.
 */
export async function withIdempotency<T>(
  tx: Tx,
  scope: string,
  key: string | undefined,
  request: unknown,
  work: () => Promise<Outcome<T>>,
  secret?: SecretAnswer<T>,
): Promise<Outcome<T>> {
  if (key === undefined) return work();
  if (!KEY.test(key)) throw new AppError('idempotency_key_invalid');
  const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
  const inserted = await tx.kysely
    .insertInto('idempotency_key')
    .values({ scope, key, request_hash: requestHash, response: null, refusal: null })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!inserted) {
    const stored = await tx.kysely
      .selectFrom('idempotency_key')
      .select(['request_hash', 'response', 'refusal'])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (stored.request_hash !== requestHash) throw new AppError('idempotency_key_reused');
    if (stored.refusal) {
      const code = isAppErrorCode(stored.refusal.code) ? stored.refusal.code : 'internal';
      return { ok: false, refusal: new AppError(code, stored.refusal.params) };
    }
    return { ok: true, value: secret ? await secret.replay(stored.response) : (stored.response as T) };
  }
  const outcome = await work();
  await tx.kysely
    .updateTable('idempotency_key')
    .set(
      outcome.ok
        ? { response: JSON.stringify(secret ? secret.keep(outcome.value) : outcome.value) }
        : { refusal: JSON.stringify({ code: outcome.refusal.code, params: outcome.refusal.params }) },
    )
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
  return outcome;
}
