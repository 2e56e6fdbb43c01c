import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';

/**
 * A correction to PP-OCRv4's recogniser for writing in marker, learnt on rendered marker lines
 * (eval/train-marker-head.ts; docs/decisions/0025). The recogniser's last layer maps each step's
 * 120 features to a score per class; the correction adds `weights · features + bias` to the
 * scores of the characters claim photos hold (digits, letters, date punctuation, 年月日, blank),
 * the other classes keep theirs, and the step's probabilities are normalised again.
 */

/** The recogniser's input to its last layer ([1, steps, 120]). */
export const FEATURES = 'transpose_51.tmp_0';

/**
 * Bytes that, appended to the recogniser's model file, make FEATURES an output of the graph as
 * well: a second ModelProto.graph field holding one GraphProto.output, which protobuf merges into
 * the first (a repeated field's values are appended).
 */
export function featuresOutput(): Uint8Array {
  const FLOAT = 1;
  const length = (field: number) => (field << 3) | 2;
  return protobuf.Writer.create()
    .uint32(length(7)) // ModelProto.graph
    .fork()
    .uint32(length(12)) // GraphProto.output
    .fork()
    .uint32(length(1)) // ValueInfoProto.name
    .string(FEATURES)
    .uint32(length(2)) // ValueInfoProto.type
    .fork()
    .uint32(length(1)) // TypeProto.tensor_type
    .fork()
    .uint32(1 << 3) // TypeProto.Tensor.elem_type
    .int32(FLOAT)
    .ldelim()
    .ldelim()
    .ldelim()
    .ldelim()
    .finish();
}

/** The learnt correction, written by eval/train-marker-head.ts. */
export const MARKER_HEAD_FILE = path.join(import.meta.dirname, 'marker-head.json');

export interface HeadFile {
  /** The corrected classes: "" is CTC's blank, then one character each. */
  characters: string[];
  features: number;
  /** Steps either side of a step whose features its correction also weighs (0: its own only). */
  context?: number;
  /**
   * Little-endian float32: for each character, the weights of each step of the window (from
   * `context` steps before to `context` after) × features; then characters of bias; base64.
   */
  weights: string;
}

/** A head's numbers: `weights` as HeadFile lays them out, one `bias` per corrected class. */
export interface HeadParameters {
  weights: Float32Array;
  bias: Float32Array;
  features: number;
  context: number;
}

/**
 * The features of the steps around `t` side by side in `window` ((2·context + 1) × features), zero
 * beyond the line: what the correction at `t` weighs (and what the trainer's gradient multiplies).
 */
export function fillWindow(
  head: Pick<HeadParameters, 'features' | 'context'>,
  features: Float32Array,
  steps: number,
  t: number,
  window: Float64Array,
): void {
  const from = (t - head.context) * head.features;
  for (let i = 0; i < window.length; i++) {
    const at = from + i;
    window[i] = at >= 0 && at < steps * head.features ? (features[at] as number) : 0;
  }
}

/**
 * The correction to each corrected class's score at step `t` (`out`, one per class): its weights
 * times the window of features around `t` (fillWindow; `window` is its scratch space), plus its bias.
 */
export function corrections(
  head: HeadParameters,
  features: Float32Array,
  steps: number,
  t: number,
  out: Float64Array,
  window: Float64Array,
): void {
  fillWindow(head, features, steps, t, window);
  const { weights, bias } = head;
  for (let j = 0; j < bias.length; j++) {
    const w = j * window.length;
    let score = bias[j] as number;
    for (let i = 0; i < window.length; i++) score += (weights[w + i] as number) * (window[i] as number);
    out[j] = score;
  }
}

/** A head file's corrected characters and its numbers. */
export function readHead(file = MARKER_HEAD_FILE): { characters: string[]; parameters: HeadParameters } {
  const head = JSON.parse(fs.readFileSync(file, 'utf8')) as HeadFile;
  const context = head.context ?? 0;
  const bytes = Buffer.from(head.weights, 'base64');
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const size = head.characters.length * (2 * context + 1) * head.features;
  if (all.length !== size + head.characters.length) throw new Error('marker head: weights of the wrong size');
  return {
    characters: head.characters,
    parameters: {
      weights: all.subarray(0, size),
      bias: all.subarray(size),
      features: head.features,
      context,
    },
  };
}

export class MarkerHead {
  /** Class index in the recogniser's output of each corrected character. */
  private readonly classes: Int32Array;
  private readonly parameters: HeadParameters;

  private constructor(classes: Int32Array, parameters: HeadParameters) {
    this.classes = classes;
    this.parameters = parameters;
  }

  static load(alphabet: readonly string[], file = MARKER_HEAD_FILE): MarkerHead {
    const { characters, parameters } = readHead(file);
    const classes = Int32Array.from(characters, (character) => {
      const index = alphabet.indexOf(character);
      if (index < 0) throw new Error(`marker head: "${character}" is not in the recogniser's alphabet`);
      return index;
    });
    return new MarkerHead(classes, parameters);
  }

  /** Corrects `probabilities` ([steps, classes]) in place, given the steps' `features`. */
  apply(probabilities: Float32Array, features: Float32Array, steps: number): void {
    const classCount = probabilities.length / steps;
    const corrected = this.classes.length;
    const scores = new Float64Array(corrected);
    const window = new Float64Array((2 * this.parameters.context + 1) * this.parameters.features);
    for (let t = 0; t < steps; t++) {
      const row = t * classCount;
      corrections(this.parameters, features, steps, t, scores, window);
      // Scores change by a factor exp(correction); the step's total changes by the weighted sum.
      let total = 1;
      for (let j = 0; j < corrected; j++) {
        scores[j] = Math.exp(scores[j] as number);
        total += (probabilities[row + (this.classes[j] as number)] as number) * ((scores[j] as number) - 1);
      }
      for (let c = 0; c < classCount; c++)
        probabilities[row + c] = (probabilities[row + c] as number) / total;
      for (let j = 0; j < corrected; j++) {
        const at = row + (this.classes[j] as number);
        probabilities[at] = (probabilities[at] as number) * (scores[j] as number);
      }
    }
  }
}
