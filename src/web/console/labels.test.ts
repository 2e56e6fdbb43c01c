import { describe, expect, it } from 'vitest';
import type { ReviewCheck } from './console-api.ts';
import { describeCheck } from './labels.ts';

const check = (detail: Record<string, unknown>): ReviewCheck => ({
  id: 'date_current',
  outcome: 'unsure',
  score: 0,
  detail,
  evidenceId: null,
  checkedAt: '2026-11-21T15:00:00Z',
});

describe("a check's detail as the reviewer reads it", () => {
  it('says which older day a doubted date could as well be', () => {
    expect(describeCheck(check({ found: '2026-11-21', rival: '2025-11-21' }))).toBe(
      'read: 2026-11-21 · the handwriting could as well be 2025-11-21, an older day',
    );
  });

  it('says a reading was found by looking for what the claim expects, and at what cost', () => {
    expect(
      describeCheck(
        check({ found: 'RK-7K3F-9Q2M', distance: null, guided: { text: 'RK-7K3F-9Q2M', cost: 1.2 } }),
      ),
    ).toBe(
      'read: RK-7K3F-9Q2M · found by looking for what the claim expects (1.2 nats against the plain reading)',
    );
    expect(describeCheck(check({ found: null, distance: 3 }))).toBe('read: nothing · 3 characters off');
    expect(describeCheck(check({}))).toBe('—');
  });
});
