/**
 * Word spotting in what the handwriting recogniser saw: how much the recogniser's own
 * probabilities must be overruled to read the expected text (a claim code, today's date, a
 * name) somewhere in a line. Greedy decoding keeps only the likeliest character at each step, so
 * a marker "6" the recogniser found 55 % likely a "0" and 40 % a "6" reads as "0"; here it costs
 * log(0.55 / 0.40) = 0.3, while a "5" written plainly (99 % a "5", under 0.5 % a "6") costs more
 * than 5. docs/decisions/0024-guided-reading.md has the thresholds and what they were measured on.
 *
 * A line's reading is kept as a lattice: for each step of the recogniser's output, the blank's
 * probability and the characters at least `KEEP` likely (a space among them), with runs of steps
 * that are surely blank kept as one.
 */

/** One step: the blank's probability, then each likely character and its probability. */
export type LatticeStep = [blank: number, characters: string, ...probabilities: number[]];

export interface Lattice {
  /** Which text region of the photo the line is, top to bottom (neighbours are joined). */
  region: number;
  /** Which of the recogniser's views of the region (each stretch) it is. */
  view?: number;
  steps: LatticeStep[];
}

/** A character less likely than this at a step is not kept; it counts as `FLOOR`. */
const KEEP = 0.005;
const FLOOR = 0.002;
/** A step this surely blank is one of a run kept once. */
const SURELY_BLANK = 0.995;
/** How many steps before or after an anchored word its space may stand. */
const SPACE_REACH = 4;
const roundProbability = (p: number) => Math.round(p * 1000) / 1000;

/**
 * The lattice of a recogniser output (`steps` × `classes` probabilities, class 0 CTC's blank,
 * `characters[c]` class c's character).
 */
export function latticeOf(
  scores: Float32Array,
  steps: number,
  classes: number,
  characters: readonly string[],
): LatticeStep[] {
  const out: LatticeStep[] = [];
  for (let t = 0; t < steps; t++) {
    const blank = scores[t * classes] as number;
    const kept: [string, number][] = [];
    for (let c = 1; c < classes; c++) {
      const p = scores[t * classes + c] as number;
      if (p >= KEEP) kept.push([characters[c] ?? '', p]);
    }
    if (blank >= SURELY_BLANK && kept.length === 0) {
      const last = out.at(-1);
      if (last && last.length === 2 && last[0] >= SURELY_BLANK) continue;
    }
    kept.sort((a, b) => b[1] - a[1]);
    out.push([
      roundProbability(blank),
      kept.map(([character]) => character).join(''),
      ...kept.map(([, p]) => roundProbability(p)),
    ]);
  }
  return out;
}

/** What may stand at each position of the expected text: a character and its look-alikes, any case. */
type Expected = readonly (readonly string[])[];

/**
 * Expected text and where it must stand. Anchored at a `word` boundary, a space (or the line's
 * edge) must stand next to it, so a name is not found inside another ("Ana" in "Priya Nair") nor
 * a day inside another ("1 Nov" in "21 Nov"); anchored at the `line`'s end, nothing may follow
 * ("21 Nov" is not today in "21 Nov 2025"), and at its start nothing may come before.
 */
export interface Target {
  /** As written, for people. */
  text: string;
  positions: Expected;
  /** Positions that may be left out: a date's separators, which recognisers often miss. */
  optional?: readonly number[];
  start?: 'word' | 'line';
  end?: 'word' | 'line';
}

/** A lattice step ready for scoring: costs against the step's likeliest reading. */
interface Scored {
  /** Reading the step as nothing: a blank, or a space (spaces are never expected). */
  blankCost: number;
  /** Reading the step as a space between words. */
  spaceCost: number;
  /** Characters' probabilities at this step; absent ones count as FLOOR. */
  probabilities: Map<string, number>;
  top: number;
}

function scored(step: LatticeStep): Scored {
  const probabilities = new Map<string, number>();
  for (const [i, character] of [...step[1]].entries()) probabilities.set(character, step[i + 2] as number);
  const space = probabilities.get(' ') ?? 0;
  const top = Math.log(Math.max(step[0] + space, (step[2] as number | undefined) ?? 0, FLOOR));
  const cost = (p: number) => Math.max(0, top - Math.log(Math.max(FLOOR, p)));
  return { blankCost: cost(step[0] + space), spaceCost: cost(space), probabilities, top };
}

/** log(likeliest / any of `allowed`) at `step`; nothing when they are the likeliest together. */
function characterCost(step: Scored, allowed: readonly string[]): number {
  let p = 0;
  for (const character of allowed) p += step.probabilities.get(character) ?? 0;
  return Math.max(0, step.top - Math.log(Math.max(FLOOR, p)));
}

/**
 * The least cost (in nats) of reading `target` somewhere in `steps`: the CTC alignment of the
 * expected characters to a span of steps that departs least from what the recogniser found
 * likeliest, each step costing log(likeliest / chosen). Steps outside the span cost nothing,
 * except what an anchor asks of them.
 */
function spottingCost(steps: readonly Scored[], target: Target): number {
  const expected = target.positions;
  const n = expected.length;
  const T = steps.length;
  if (n === 0) return 0;
  // blanks[t]: the cost of reading steps 0..t-1 as nothing.
  const blanks = new Float64Array(T + 1);
  for (const [t, step] of steps.entries()) blanks[t + 1] = (blanks[t] as number) + step.blankCost;
  const between = (from: number, to: number) => (blanks[to] as number) - (blanks[from] as number);
  /** A boundary before step t (the span starts there): the line's start, or a space shortly before. */
  const boundaryBefore = (t: number) => {
    let cost = between(0, t);
    if (target.start === 'line') return cost;
    for (let b = Math.max(0, t - SPACE_REACH); b < t; b++)
      cost = Math.min(cost, (steps[b] as Scored).spaceCost + between(b + 1, t));
    return cost;
  };
  /** A boundary after step t (the span ends there): the line's end, or a space shortly after. */
  const boundaryAfter = (t: number) => {
    let cost = between(t + 1, T);
    if (target.end === 'line') return cost;
    for (let b = t + 1; b < Math.min(T, t + 1 + SPACE_REACH); b++)
      cost = Math.min(cost, between(t + 1, b) + (steps[b] as Scored).spaceCost);
    return cost;
  };
  // States: 2k is the blank before character k (2n the one after the last), 2k+1 character k.
  // An anchored start enters at its first character, an anchored end leaves from its last.
  const states = 2 * n + 1;
  // A character may follow another without a blank between unless they can be the same.
  const alike = (j: number, k: number) =>
    j >= 0 && (expected[k] as readonly string[]).some((character) => expected[j]?.includes(character));
  const needsBlank = expected.map((_, k) => alike(k - 1, k));
  const optional = expected.map((_, k) => target.optional?.includes(k) ?? false);
  let previous = new Float64Array(states).fill(Number.POSITIVE_INFINITY);
  let current = new Float64Array(states);
  let best = Number.POSITIVE_INFINITY;
  for (const [t, step] of steps.entries()) {
    const enter = target.start ? boundaryBefore(t) : 0;
    for (let s = 0; s < states; s++) {
      const k = s >> 1;
      const isBlank = (s & 1) === 0;
      let from = previous[s] as number;
      if (s === 1 || (s === 0 && !target.start)) from = Math.min(from, enter);
      if (s >= 1) from = Math.min(from, previous[s - 1] as number);
      if (!isBlank && s >= 2 && !needsBlank[k]) from = Math.min(from, previous[s - 2] as number);
      // Past a character left out: from what stood before it.
      if (isBlank && k >= 1 && optional[k - 1]) {
        from = Math.min(from, previous[s - 2] as number);
        if (s >= 3) from = Math.min(from, previous[s - 3] as number);
      }
      if (!isBlank && k >= 1 && optional[k - 1]) {
        from = Math.min(from, previous[s - 3] as number);
        if (s >= 5 && !alike(k - 2, k)) from = Math.min(from, previous[s - 4] as number);
      }
      current[s] =
        from === Number.POSITIVE_INFINITY
          ? from
          : from + (isBlank ? step.blankCost : characterCost(step, expected[k] as readonly string[]));
    }
    const last = current[states - 2] as number;
    best = Math.min(
      best,
      target.end ? last + boundaryAfter(t) : Math.min(last, current[states - 1] as number),
    );
    [previous, current] = [current, previous];
  }
  return best;
}

/** The cost of reading `target` in one line's steps. */
export const costIn = (steps: readonly LatticeStep[], target: Target) =>
  spottingCost(steps.map(scored), target);

/** The step put between two joined lines: surely a break between words. */
const BETWEEN: LatticeStep = [0, ' ', 1];

/** A line ready for spotting. */
export type SpottingLine = readonly Scored[];

/**
 * A lower bound of a target's cost in a line: each character it cannot leave out must be read at
 * some step, at no less than its cheapest step's cost. It lets most lines skip most targets.
 */
function lowerBound(line: SpottingLine, target: Target, cheapest: Map<string, number>): number {
  let bound = 0;
  for (const [k, allowed] of target.positions.entries()) {
    if (target.optional?.includes(k)) continue;
    const key = allowed.join('');
    let cost = cheapest.get(key);
    if (cost === undefined) {
      cost = Number.POSITIVE_INFINITY;
      for (const step of line) cost = Math.min(cost, characterCost(step, allowed));
      cheapest.set(key, cost);
    }
    bound += cost;
  }
  return bound;
}

/**
 * The cheapest reading of any of `targets` in `lattices`, each line alone and each with the next
 * region's line in the same view joined (a date or code written across two lines, or split by
 * the detector): its cost, which target, and the line it was read in. Readings dearer than
 * `limit` are not looked for.
 */
export function spot(
  lattices: readonly Lattice[],
  targets: readonly Target[],
  limit = Number.POSITIVE_INFINITY,
): { cost: number; target: number; line: SpottingLine } | null {
  const lines: LatticeStep[][] = lattices.map((lattice) => lattice.steps);
  for (const a of lattices)
    for (const b of lattices)
      if (b.region === a.region + 1 && b.view === a.view) lines.push([...a.steps, BETWEEN, ...b.steps]);
  let found: { cost: number; target: number; line: SpottingLine } | null = null;
  for (const steps of lines) {
    const line = steps.map(scored);
    const cheapest = new Map<string, number>();
    for (const [index, target] of targets.entries()) {
      if (lowerBound(line, target, cheapest) > Math.min(limit, found?.cost ?? Number.POSITIVE_INFINITY))
        continue;
      const cost = spottingCost(line, target);
      if (cost <= limit && (!found || cost < found.cost)) found = { cost, target: index, line };
    }
  }
  return found;
}

/** The cheapest reading of any of `targets` in one line, as read by `spot`. */
export const cheapestIn = (line: SpottingLine, targets: readonly Target[]) =>
  Math.min(...targets.map((target) => spottingCost(line, target)));
