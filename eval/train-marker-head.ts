// npm run train:marker-head — learns the marker head (src/server/modules/evidence/marker-head.ts).
// Marked photos are written in the training hands (TRAINING_HANDS: handwriting fonts eval:evidence
// never writes in; install their Debian packages first), with names unlike eval:evidence's and
// dates of any day, and read by PP-OCR as a claim's are. Each line the detector finds, matched to
// the line written, teaches the correction to the recogniser's last layer by CTC. Prints how many
// lines are read exactly and how unlikely the written text is, before and after, on fresh photos
// of the training hands and of eval:evidence's six hands, and writes
// src/server/modules/evidence/marker-head.json. docs/decisions/0025, 0026 and 0029 have the numbers.
//   HEAD_PHOTOS (default 1600) photos to learn from in eval:evidence's pen and HEAD_PEN_PHOTOS
//   (default 800) in other pens, HEAD_CHECK_PHOTOS (default 200) per check set, HEAD_EPOCHS
//   (default 6; 0 reports the head in the tree and leaves it as it is); HEAD_LINES=<dir> keeps
//   the lines read there and reuses them.
import fs from 'node:fs';
import path from 'node:path';
import { CODE_ALPHABET } from '../src/server/modules/claims/claim-access.ts';
import {
  corrections,
  fillWindow,
  type HeadFile,
  type HeadParameters,
  MARKER_HEAD_FILE,
  readHead,
} from '../src/server/modules/evidence/marker-head.ts';
import { prepareForOcr } from '../src/server/modules/evidence/ocr.ts';
import { ctcGreedy, PpOcr } from '../src/server/modules/evidence/pp-ocr.ts';
import { ctcLoss } from './ctc.ts';
import {
  checkHandsInstalled,
  dateForms,
  HANDS,
  type Hand,
  handwrittenPhoto,
  SURFACES,
  TRAINING_HAND_PACKAGES,
  TRAINING_HANDS,
  type TrainingHand,
  writtenCode,
} from './handwritten-evidence.ts';
import { cameraConditions, random } from './synthetic-evidence.ts';

const PHOTOS = Number(process.env.HEAD_PHOTOS ?? 1600);
const PEN_PHOTOS = Number(process.env.HEAD_PEN_PHOTOS ?? 800);
const CHECK_PHOTOS = Number(process.env.HEAD_CHECK_PHOTOS ?? 200);
const EPOCHS = Number(process.env.HEAD_EPOCHS ?? 6);
const LEARNING_RATE = 1e-3;
/** Pulls the correction towards none: the recogniser's own reading stays the starting point. */
const WEIGHT_DECAY = 1e-4;
const BATCH = 32;

/**
 * The characters corrected: what claim photos hold in Latin script, the date's punctuation and
 * 年月日. Other classes (CJK names among them) keep the recogniser's scores.
 */
const CHARACTERS = [
  ...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  ...'áéíóúüäèàÉÓÜ',
  ...' -/.:,',
  ...'年月日',
];
const CLASSES = CHARACTERS.length + 1; // CTC's blank first
/** The log-probabilities kept per step: the blank, CHARACTERS, and the rest of the classes together. */
const WIDTH = CLASSES + 1;
const FEATURES = 120;
/** Steps either side whose features a step's correction weighs too (1 and 2 tried: 0026). */
const CONTEXT = 2;
const WINDOW = 2 * CONTEXT + 1;

// Names unlike eval:evidence's, so the eval's names are never learnt.
const FIRST = [
  'Maria',
  'Kenji',
  'Olivia',
  'Lucas',
  'Fatima',
  'Noah',
  'Sofía',
  'Emma',
  'Hugo',
  'Ines',
  'David',
  'Grace',
  'Oskar',
  'Ahmed',
  'Lena',
  'Pedro',
  'Yuki',
  'Sam',
  'Nora',
  'Felix',
  'Amara',
  'Ruth',
  'Diego',
  'Hannah',
  'Omar',
  'Zoe',
  'Victor',
  'Elena',
  'Raj',
  'Clara',
];
const LAST = [
  'Rossi',
  'Sato',
  'Brown',
  'Silva',
  'Khan',
  'Müller',
  'López',
  'Wilson',
  'Lefèvre',
  'Costa',
  'Kim',
  'Lee',
  'Nowak',
  'Hassan',
  'Fischer',
  'Santos',
  'Tanaka',
  'Clarke',
  'Berg',
  'Okafor',
  'Novak',
  'Reyes',
  'Evans',
  'Ivanova',
  'Patel',
  'Moreau',
  'Jensen',
  'Ortiz',
];

interface Line {
  hand: Hand | TrainingHand;
  steps: number;
  /** Indices into [blank, ...CHARACTERS]. */
  target: Int32Array;
  /** [steps, FEATURES] */
  features: Float32Array;
  /** [steps, WIDTH] */
  logProbabilities: Float32Array;
}

/**
 * What one photo's owner wrote: RECALLED, a name in Latin script (a CJK name's characters are not
 * corrected), a date of any day in 2024-2027 in any form, a claim code as owners write it.
 */
function written(rand: () => number): string[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const first = pick(FIRST);
  const mixed = pick([`${first} ${pick(LAST)}`, first, `${first} ${pick(LAST)}`]);
  // Some owners print their name in capitals (where every capital is a corrected character).
  const capitals = mixed.toUpperCase();
  const name = rand() < 0.25 && [...capitals].every((c) => CHARACTERS.includes(c)) ? capitals : mixed;
  const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(rand() * 1461) * 86_400_000);
  const part = () => Array.from({ length: 4 }, () => pick([...CODE_ALPHABET])).join('');
  return [
    pick(['RECALLED', 'RECALLED', 'Recalled', 'RECALL', 'recalled']),
    name,
    pick(dateForms(day)),
    writtenCode(`RK-${part()}-${part()}`, rand),
  ];
}

/** The lines of `count` photos from `first` on, in `hands`, as the recogniser saw them. */
async function readLines(
  engine: PpOcr,
  first: number,
  count: number,
  hands: readonly (Hand | TrainingHand)[],
  pens: boolean,
): Promise<Line[]> {
  const alphabet = engine.alphabet();
  const kept = CHARACTERS.map((character) => alphabet.indexOf(character));
  const lines: Line[] = [];
  let next = first;
  let unmatched = 0;
  // Two photos at a time: the recogniser runs off the main thread.
  await Promise.all(
    [0, 1].map(async () => {
      while (next < first + count) {
        const seed = next++;
        const rand = random(seed * 7919);
        const text = written(rand);
        let camera = cameraConditions(rand);
        while (!camera.readable) camera = cameraConditions(rand);
        const hand = hands[Math.floor(rand() * hands.length)] as Hand | TrainingHand;
        const surface = SURFACES[Math.floor(rand() * SURFACES.length)] as (typeof SURFACES)[number];
        const [word, name, date, code] = text;
        // Thinner and thicker markers, letters closer and further apart than the eval's pen.
        const pen = pens ? { stroke: 1 / (9 + rand() * 19), spacing: 0.8 + rand() * 0.3 } : undefined;
        const photo = await handwrittenPhoto(
          { word, name, date, code },
          seed,
          { hand, surface, ...(pen ? { pen } : {}) },
          camera.c,
        );
        const outputs = await engine.outputs((await prepareForOcr(photo)).png);
        // Only photos where the detector found each written line as one region, in order.
        if (new Set(outputs.map((output) => output.region)).size !== text.length) {
          unmatched++;
          continue;
        }
        for (const output of outputs) {
          const target = Int32Array.from([...(text[output.region] as string)], (character) => {
            const index = CHARACTERS.indexOf(character);
            if (index < 0) throw new Error(`"${character}" written but not among the corrected characters`);
            return index + 1;
          });
          const logProbabilities = new Float32Array(output.steps * WIDTH);
          for (let t = 0; t < output.steps; t++) {
            const row = t * output.classes;
            let inKept = output.probabilities[row] as number;
            logProbabilities[t * WIDTH] = Math.log(Math.max(inKept, 1e-30));
            for (const [j, index] of kept.entries()) {
              const p = output.probabilities[row + index] as number;
              inKept += p;
              logProbabilities[t * WIDTH + j + 1] = Math.log(Math.max(p, 1e-30));
            }
            logProbabilities[t * WIDTH + CLASSES] = Math.log(Math.max(1 - inKept, 1e-30));
          }
          lines.push({ hand, steps: output.steps, target, features: output.features, logProbabilities });
        }
      }
    }),
  );
  console.log(
    `  ${count} photos: ${lines.length} lines; ${unmatched} photos' lines not found one by one, left out`,
  );
  return lines;
}

/** Kept on disk (HEAD_LINES), the lines are read once for any number of training runs. */
async function cachedLines(
  engine: PpOcr,
  name: string,
  first: number,
  count: number,
  hands: readonly (Hand | TrainingHand)[],
  pens = false,
) {
  const dir = process.env.HEAD_LINES;
  const file = dir && path.join(dir, `${name}-${first}-${count}.bin`);
  if (file && fs.existsSync(file)) return loadLines(file);
  console.log(`reading the ${name} photos…`);
  const lines = await readLines(engine, first, count, hands, pens);
  if (file) saveLines(file, lines);
  return lines;
}

// On disk, each line is [hand, steps, target length] and its target (int32), then its features
// and log-probabilities (float32).
const ALL_HANDS = [...HANDS, ...TRAINING_HANDS];
function saveLines(file: string, lines: Line[]) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = fs.openSync(file, 'w');
  for (const line of lines) {
    const head = Int32Array.from([
      ALL_HANDS.indexOf(line.hand),
      line.steps,
      line.target.length,
      ...line.target,
    ]);
    for (const array of [head, line.features, line.logProbabilities])
      fs.writeSync(out, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }
  fs.closeSync(out);
}
function loadLines(file: string): Line[] {
  const bytes = fs.readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const lines: Line[] = [];
  for (let at = 0; at < buffer.byteLength; ) {
    const [hand, steps, length] = new Int32Array(buffer, at, 3) as unknown as [number, number, number];
    const target = new Int32Array(buffer, at + 12, length);
    at += 12 + length * 4;
    const features = new Float32Array(buffer, at, steps * FEATURES);
    at += features.byteLength;
    const logProbabilities = new Float32Array(buffer, at, steps * WIDTH);
    at += logProbabilities.byteLength;
    lines.push({ hand: ALL_HANDS[hand] as Hand | TrainingHand, steps, target, features, logProbabilities });
  }
  return lines;
}

const untrained = (): HeadParameters => ({
  weights: new Float32Array(CLASSES * WINDOW * FEATURES),
  bias: new Float32Array(CLASSES),
  features: FEATURES,
  context: CONTEXT,
});

/** The committed head, to be measured on this run's lines (HEAD_EPOCHS=0). */
function inTheTree(): HeadParameters {
  const { characters, parameters } = readHead();
  if (characters.join('\u0000') !== ['', ...CHARACTERS].join('\u0000') || parameters.context !== CONTEXT)
    throw new Error(`${MARKER_HEAD_FILE} corrects other characters or steps than this trainer learns`);
  return parameters;
}

/** The line's log-probabilities with the correction applied, normalised per step. */
function corrected(line: Line, head: HeadParameters): Float32Array {
  const out = new Float32Array(line.steps * WIDTH);
  const scores = new Float64Array(CLASSES);
  const window = new Float64Array(WINDOW * FEATURES);
  for (let t = 0; t < line.steps; t++) {
    const row = t * WIDTH;
    corrections(head, line.features, line.steps, t, scores, window);
    let max = -Infinity;
    for (let j = 0; j < WIDTH; j++) {
      const score = (line.logProbabilities[row + j] as number) + (j < CLASSES ? (scores[j] as number) : 0);
      out[row + j] = score;
      if (score > max) max = score;
    }
    let sum = 0;
    for (let j = 0; j < WIDTH; j++) sum += Math.exp((out[row + j] as number) - max);
    const total = max + Math.log(sum);
    for (let j = 0; j < WIDTH; j++) out[row + j] = (out[row + j] as number) - total;
  }
  return out;
}

/** The classes of a line's log-probabilities as text: the rest of the classes as one sign. */
const LABELS = ['', ...CHARACTERS, '\uFFFD'];

/** Greedy CTC reading (as PP-OCR reads) equals the line written. */
const readExactly = (logProbabilities: Float32Array, line: Line) =>
  ctcGreedy(logProbabilities.map(Math.exp), line.steps, WIDTH, LABELS).text ===
  Array.from(line.target, (index) => LABELS[index]).join('');

/** A line too short for its text scores this, and no line more: one hopeless line sways no mean. */
const LOSS_CAP = 30;
/**
 * How unlikely the written text is (CTC loss, nats). Guided reading spots the text in the lattice,
 * so a head is judged by this as much as by lines read exactly (one that read more lines exactly
 * lost pairs: 0029).
 */
const textLoss = (logProbabilities: Float32Array, line: Line) =>
  Math.min(LOSS_CAP, ctcLoss(logProbabilities, line.steps, WIDTH, line.target)?.loss ?? LOSS_CAP);

interface HandRow {
  lines: number;
  before: number;
  after: number;
  lossBefore: number;
  lossAfter: number;
}

function report(title: string, lines: Line[], head: HeadParameters) {
  const rows = new Map<Hand | TrainingHand, HandRow>();
  for (const line of lines) {
    const row = rows.get(line.hand) ?? { lines: 0, before: 0, after: 0, lossBefore: 0, lossAfter: 0 };
    const after = corrected(line, head);
    row.lines++;
    if (readExactly(line.logProbabilities, line)) row.before++;
    if (readExactly(after, line)) row.after++;
    row.lossBefore += textLoss(line.logProbabilities, line);
    row.lossAfter += textLoss(after, line);
    rows.set(line.hand, row);
  }
  console.log(`${title}: lines read exactly, and the text's mean loss (nats), before → after`);
  for (const [hand, row] of rows) {
    const [before, after] = [row.lossBefore, row.lossAfter].map((total) => (total / row.lines).toFixed(2));
    console.log(
      `  ${hand.padEnd(22)} ${row.before}/${row.lines} → ${row.after}/${row.lines}   ${before} → ${after}`,
    );
  }
}

await checkHandsInstalled();
await checkHandsInstalled(TRAINING_HANDS, TRAINING_HAND_PACKAGES.join(' '));
const engine = await PpOcr.load();
const training = [
  ...(await cachedLines(engine, 'training', 100_000, PHOTOS, TRAINING_HANDS)),
  ...(await cachedLines(engine, 'training-pens', 400_000, PEN_PHOTOS, TRAINING_HANDS, true)),
];
const trainingCheck = await cachedLines(
  engine,
  'training-hands-check',
  200_000,
  CHECK_PHOTOS,
  TRAINING_HANDS,
);
const evalCheck = await cachedLines(engine, 'eval-hands-check', 300_000, CHECK_PHOTOS, HANDS);
await engine.close();

const head: HeadParameters = EPOCHS > 0 ? untrained() : inTheTree();
const { weights, bias } = head;
const window = new Float64Array(WINDOW * FEATURES);
// Adam (Kingma and Ba, 2015): moments of each parameter's gradient.
const moments = [weights, bias].map((p) => ({
  first: new Float32Array(p.length),
  second: new Float32Array(p.length),
}));
const shuffle = random(1);
let update = 0;
// A line too short for its text (a repeated letter needs a blank between) cannot be learnt from.
const usable = training.filter((line) => ctcLoss(line.logProbabilities, line.steps, WIDTH, line.target));
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const order = usable.map((line) => ({ line, key: shuffle() })).sort((a, b) => a.key - b.key);
  let loss = 0;
  for (let start = 0; start < order.length; start += BATCH) {
    const batch = order.slice(start, start + BATCH);
    const gradients = [new Float32Array(weights.length), new Float32Array(bias.length)] as const;
    for (const { line } of batch) {
      const result = ctcLoss(corrected(line, head), line.steps, WIDTH, line.target);
      if (!result) continue;
      loss += result.loss;
      for (let t = 0; t < line.steps; t++) {
        fillWindow(head, line.features, line.steps, t, window);
        for (let j = 0; j < CLASSES; j++) {
          const g = (result.gradient[t * WIDTH + j] as number) / batch.length;
          gradients[1][j] = (gradients[1][j] as number) + g;
          const w = j * window.length;
          for (let i = 0; i < window.length; i++)
            gradients[0][w + i] = (gradients[0][w + i] as number) + g * (window[i] as number);
        }
      }
    }
    update++;
    for (const [p, parameters] of [weights, bias].entries()) {
      const { first, second } = moments[p] as { first: Float32Array; second: Float32Array };
      const gradient = gradients[p] as Float32Array;
      for (let k = 0; k < parameters.length; k++) {
        const g = (gradient[k] as number) + (p === 0 ? WEIGHT_DECAY * (parameters[k] as number) : 0);
        first[k] = 0.9 * (first[k] as number) + 0.1 * g;
        second[k] = 0.999 * (second[k] as number) + 0.001 * g * g;
        const step = (first[k] as number) / (1 - 0.9 ** update);
        parameters[k] =
          (parameters[k] as number) -
          (LEARNING_RATE * step) / (Math.sqrt((second[k] as number) / (1 - 0.999 ** update)) + 1e-8);
      }
    }
  }
  console.log(
    `epoch ${epoch}: mean loss ${(loss / usable.length).toFixed(3)} nats a line (${usable.length} lines)`,
  );
}
report('training hands, fresh photos', trainingCheck, head);
report("eval:evidence's hands, never learnt from", evalCheck, head);

// HEAD_EPOCHS=0 measured the head in the tree: nothing was learnt to write.
if (EPOCHS > 0) {
  const file: HeadFile = {
    characters: ['', ...CHARACTERS],
    features: FEATURES,
    context: CONTEXT,
    weights: Buffer.concat([Buffer.from(weights.buffer), Buffer.from(bias.buffer)]).toString('base64'),
  };
  fs.writeFileSync(MARKER_HEAD_FILE, `${JSON.stringify(file, null, 2)}\n`); // as Biome formats it
  console.log(`wrote ${path.relative(process.cwd(), MARKER_HEAD_FILE)}`);
}
