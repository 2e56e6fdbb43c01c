/**
 * Whether an error means the database (or another service over the network, such as the photo
 * bucket: the same connection errors) cannot be reached right now (connection refused or cut,
 * the server shutting down or starting, no connection free in time), as opposed to a query the
 * database refused. Callers answer the first with 503 and Retry-After: it passes by itself.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // SQLSTATE class 08: connection exception; 57P01-57P03: shutting down, crashed, starting.
    if (/^08...$/.test(code) || /^57P0[123]$/.test(code) || code === '53300') return true;
    if (NETWORK_CODES.has(code)) return true;
  }
  return typeof message === 'string' && NODE_POSTGRES_MESSAGES.some((text) => message.includes(text));
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** node-postgres's own words for a connection that ended or never came. */
const NODE_POSTGRES_MESSAGES = [
  'Connection terminated',
  'is not queryable',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
];
