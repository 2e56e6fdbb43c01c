import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './unavailable.ts';

describe('isDatabaseUnavailable', () => {
  it('tells a database that cannot be reached from a query it refused', () => {
    const gone = [
      { code: '57P01', message: 'terminating connection due to administrator command' },
      { code: '57P03', message: 'the database system is starting up' },
      { code: '08006', message: 'connection failure' },
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
      { code: 'ECONNRESET', message: 'read ECONNRESET' },
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
    ];
    for (const error of gone) expect(isDatabaseUnavailable(error), String(error.message)).toBe(true);
    const refused = [
      { code: '23505', message: 'duplicate key value violates unique constraint' },
      { code: '22P05', message: 'unsupported Unicode escape sequence' },
      new Error('boom'),
      undefined,
      'Connection terminated',
    ];
    for (const error of refused) expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
