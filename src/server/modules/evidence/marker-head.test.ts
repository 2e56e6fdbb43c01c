import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type HeadFile, MarkerHead } from './marker-head.ts';

const ALPHABET = ['', 'A', 'B', 'C'];

/** A head written to a file and loaded, as PpOcr loads it. */
function headFrom(characters: string[], numbers: Float32Array, features: number, context = 0): MarkerHead {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'head-')), 'head.json');
  const head: HeadFile = {
    characters,
    features,
    context,
    weights: Buffer.from(numbers.buffer).toString('base64'),
  };
  fs.writeFileSync(file, JSON.stringify(head));
  return MarkerHead.load(ALPHABET, file);
}

/** A head over `characters` whose correction is only a bias per character. */
function headWithBias(characters: string[], bias: number[]): MarkerHead {
  const weights = new Float32Array(characters.length * 2 + characters.length);
  weights.set(bias, characters.length * 2);
  return headFrom(characters, weights, 2);
}

describe('the marker head', () => {
  it('raises the characters it favours and keeps each step a distribution', () => {
    const head = headWithBias(['', 'A'], [0, Math.log(3)]);
    const probabilities = Float32Array.from([0.4, 0.2, 0.2, 0.2, 0.1, 0.1, 0.7, 0.1]);
    head.apply(probabilities, new Float32Array(4), 2);
    // A's score tripled: 0.2 × 3 = 0.6 of 1.4, the others shrink by the same 1.4.
    expect([...probabilities.slice(0, 4)].map((p) => p.toFixed(4))).toEqual(
      [0.4 / 1.4, 0.6 / 1.4, 0.2 / 1.4, 0.2 / 1.4].map((p) => p.toFixed(4)),
    );
    expect(probabilities.slice(4).reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 6);
    expect(probabilities[6]).toBeLessThan(0.7); // C, not corrected, gives way
  });

  it('leaves the reading as it was when it corrects nothing', () => {
    const probabilities = Float32Array.from([0.4, 0.2, 0.2, 0.2]);
    headWithBias(['', 'A', 'B'], [0, 0, 0]).apply(probabilities, Float32Array.from([1, -2]), 1);
    expect([...probabilities]).toEqual([...Float32Array.from([0.4, 0.2, 0.2, 0.2])]);
  });

  it('weighs the features of the steps either side when it has context', () => {
    // One feature, context 1: A gains log 3 for each unit of the next step's feature.
    const characters = ['', 'A'];
    const numbers = new Float32Array(characters.length * 3 + characters.length);
    numbers[characters.length * 3 - 1] = Math.log(3); // A, the step after
    const probabilities = Float32Array.from([0.4, 0.2, 0.2, 0.2, 0.4, 0.2, 0.2, 0.2]);
    headFrom(characters, numbers, 1, 1).apply(probabilities, Float32Array.from([0, 1]), 2);
    // Step 0 sees step 1's feature and triples A; step 1 has no step after it and is unchanged.
    expect(probabilities[1]).toBeCloseTo(0.6 / 1.4, 6);
    expect(probabilities[5]).toBeCloseTo(0.2, 6);
  });

  it('refuses a head whose characters the recogniser does not have', () => {
    expect(() => headWithBias(['', 'Z'], [0, 0])).toThrow(/"Z" is not in the recogniser's alphabet/);
  });
});
