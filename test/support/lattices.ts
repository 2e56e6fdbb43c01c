import { type LatticeStep, latticeOf } from '../../src/server/modules/evidence/spotting.ts';

/** A surely blank step of the recogniser's output. */
export const blank = { '': 0.999 };

/** A lattice from steps, each the likely characters ('' the blank) and their probabilities. */
export function lattice(steps: Record<string, number>[]): LatticeStep[] {
  const characters = ['', ...new Set(steps.flatMap((step) => Object.keys(step).filter(Boolean)))];
  const scores = new Float32Array(
    steps.flatMap((step) => characters.map((character) => step[character] ?? 0)),
  );
  return latticeOf(scores, steps.length, characters.length, characters);
}

/** Steps reading `text` with certainty, a blank after each character. */
export const sure = (text: string): Record<string, number>[] =>
  [...text].flatMap((character) => [{ [character]: 0.99 }, blank]);
