import { randomBytes } from 'node:crypto';

/** Entity ids carry a prefix (`cmp_…`, `imp_…`) so a log line says what it names. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** `count` new ids at once: one call for a batch's randomness (per id, the call costs more than the id). */
export function newIds(prefix: string, count: number): string[] {
  const bytes = randomBytes(12 * count);
  return Array.from(
    { length: count },
    (_, i) => `${prefix}_${bytes.subarray(i * 12, (i + 1) * 12).toString('base64url')}`,
  );
}
