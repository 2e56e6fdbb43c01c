/**
 * Connectionist temporal classification (Graves et al., 2006), the loss PP-OCR's recogniser was
 * trained with, for learning the marker head (train-marker-head.ts). Class 0 is the blank.
 */

const logAdd = (a: number, b: number) =>
  a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));

export interface CtcLoss {
  /** −log P(target | steps), in nats. */
  loss: number;
  /** [steps, width]: d loss / d logit, the softmax's probability less the class's share of the target's paths. */
  gradient: Float32Array;
}

/**
 * The loss of `target` (class indices, no blanks) under `logProbabilities` ([steps, width], each
 * step normalised), by the forward-backward recursions in log space; undefined when the target
 * cannot fit in the steps.
 */
export function ctcLoss(
  logProbabilities: Float32Array,
  steps: number,
  width: number,
  target: ArrayLike<number>,
): CtcLoss | undefined {
  // The target with a blank before, between and after its characters.
  const states = 2 * target.length + 1;
  const label = (s: number) => (s % 2 === 0 ? 0 : (target[(s - 1) / 2] as number));
  // A blank may be skipped between two different characters, not between a character and itself.
  const skips = (s: number, to: number) => s % 2 === 1 && label(s) !== label(to);
  const logY = (t: number, s: number) => logProbabilities[t * width + label(s)] as number;
  const forward = new Float64Array(steps * states).fill(-Infinity);
  const backward = new Float64Array(steps * states).fill(-Infinity);
  forward[0] = logY(0, 0);
  if (states > 1) forward[1] = logY(0, 1);
  for (let t = 1; t < steps; t++)
    for (let s = 0; s < states; s++) {
      const before = (t - 1) * states;
      let sum = forward[before + s] as number;
      if (s > 0) sum = logAdd(sum, forward[before + s - 1] as number);
      if (s > 1 && skips(s, s - 2)) sum = logAdd(sum, forward[before + s - 2] as number);
      forward[t * states + s] = sum + logY(t, s);
    }
  const last = (steps - 1) * states;
  const logP = logAdd(
    forward[last + states - 1] as number,
    states > 1 ? (forward[last + states - 2] as number) : -Infinity,
  );
  if (!Number.isFinite(logP)) return undefined;
  backward[last + states - 1] = logY(steps - 1, states - 1);
  if (states > 1) backward[last + states - 2] = logY(steps - 1, states - 2);
  for (let t = steps - 2; t >= 0; t--)
    for (let s = 0; s < states; s++) {
      const after = (t + 1) * states;
      let sum = backward[after + s] as number;
      if (s < states - 1) sum = logAdd(sum, backward[after + s + 1] as number);
      if (s < states - 2 && skips(s, s + 2)) sum = logAdd(sum, backward[after + s + 2] as number);
      backward[t * states + s] = sum + logY(t, s);
    }
  const gradient = new Float32Array(steps * width);
  for (let t = 0; t < steps; t++) {
    for (let c = 0; c < width; c++)
      gradient[t * width + c] = Math.exp(logProbabilities[t * width + c] as number);
    // Both recursions count step t's own probability: divide it out once.
    for (let s = 0; s < states; s++) {
      const share = Math.exp(
        (forward[t * states + s] as number) + (backward[t * states + s] as number) - logY(t, s) - logP,
      );
      gradient[t * width + label(s)] = (gradient[t * width + label(s)] as number) - share;
    }
  }
  return { loss: -logP, gradient };
}
