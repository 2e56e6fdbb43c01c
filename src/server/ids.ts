import { randomBytes } from 'node:crypto';

/** Entity ids carry a prefix (`cmp_…`, `imp_…`) so a log line says what it names. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}
