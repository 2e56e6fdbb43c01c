import { describe, expect, it } from 'vitest';
import { ctcLoss } from '../eval/ctc.ts';

const logSoftmax = (logits: number[][]) =>
  Float32Array.from(
    logits.flatMap((row) => {
      const total = Math.log(row.reduce((sum, value) => sum + Math.exp(value), 0));
      return row.map((value) => value - total);
    }),
  );

describe('CTC loss (learning the marker head)', () => {
  it('sums every path that reads the target: "A" in two steps is AA, A-, -A', () => {
    const [blank0, a0, blank1, a1] = [0.3, 0.7, 0.6, 0.4];
    const log = Float32Array.from([blank0, a0, blank1, a1], Math.log);
    const expected = a0 * a1 + a0 * blank1 + blank0 * a1;
    expect(ctcLoss(log, 2, 2, [1])?.loss).toBeCloseTo(-Math.log(expected), 5);
  });

  it('needs a blank between a letter and itself: "AA" does not fit in two steps', () => {
    const log = Float32Array.from([0.5, 0.5, 0.5, 0.5], Math.log);
    expect(ctcLoss(log, 2, 2, [1, 1])).toBeUndefined();
    expect(
      ctcLoss(Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], Math.log), 3, 2, [1, 1])?.loss,
    ).toBeCloseTo(-Math.log(0.125), 5);
  });

  it("gives the logits' gradient: it matches the loss's change when a logit is nudged", () => {
    const logits = [
      [0.2, 1.0, -0.5, 0.3],
      [1.5, -0.2, 0.4, 0.0],
      [-0.3, 0.8, 0.9, -1.0],
      [0.6, 0.1, -0.4, 1.2],
      [0.0, 0.5, 0.5, 0.2],
    ];
    const target = [1, 2, 3];
    const { gradient } = ctcLoss(logSoftmax(logits), 5, 4, target) ?? { gradient: new Float32Array() };
    const h = 1e-3;
    for (const [t, c] of [
      [0, 1],
      [1, 0],
      [2, 2],
      [4, 3],
    ] as const) {
      const nudged = (by: number) =>
        ctcLoss(
          logSoftmax(logits.map((row, i) => row.map((v, j) => (i === t && j === c ? v + by : v)))),
          5,
          4,
          target,
        )?.loss ?? 0;
      expect(gradient[t * 4 + c]).toBeCloseTo((nudged(h) - nudged(-h)) / (2 * h), 3);
    }
  });
});
