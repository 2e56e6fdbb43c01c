import { describe, expect, it } from 'vitest';
import type { ClaimStatus } from '../../db/schema.ts';
import { assertTransition, CLAIM_TRANSITIONS, mayTransition } from './claim-lifecycle.ts';

describe('the claim lifecycle', () => {
  it('reaches every status but withdrawn from a draft, and ends only in fulfilled, rejected or withdrawn', () => {
    const reached = new Set<ClaimStatus>(['draft']);
    const queue: ClaimStatus[] = ['draft'];
    while (queue.length > 0) {
      for (const next of CLAIM_TRANSITIONS[queue.shift() as ClaimStatus]) {
        if (!reached.has(next)) queue.push(next);
        reached.add(next);
      }
    }
    const all = Object.keys(CLAIM_TRANSITIONS) as ClaimStatus[];
    expect(all.filter((status) => !reached.has(status))).toEqual(['withdrawn']);
    expect(all.filter((status) => CLAIM_TRANSITIONS[status].length === 0).sort()).toEqual([
      'fulfilled',
      'rejected',
      'withdrawn',
    ]);
  });

  it('refuses a move it does not have, such as un-rejecting a claim or skipping verification', () => {
    expect(mayTransition('needs_review', 'approved')).toBe(true);
    expect(() => assertTransition('rejected', 'approved')).toThrow(/from rejected to approved/);
    expect(() => assertTransition('submitted', 'approved')).toThrow();
    expect(() => assertTransition('fulfilled', 'fulfilling')).toThrow();
  });
});
