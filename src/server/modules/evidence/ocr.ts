import { createRequire } from 'node:module';
import sharp from 'sharp';
import type Tesseract from 'tesseract.js';
import { createWorker, PSM, type Worker as TesseractWorker } from 'tesseract.js';
import { loadOnce } from '../../load-once.ts';
import { sharedPpOcr, shutdownPpOcr } from './pp-ocr.ts';
import type { Lattice } from './spotting.ts';

/**
 * OCR of claim photos: tesseract.js (Tesseract 5 in WebAssembly) with the English model from
 * the `@tesseract.js-data/eng` package, so nothing is downloaded at run time. Each Tesseract
 * worker is a Node worker thread: recognising a photo never blocks the event loop.
 * docs/decisions/0012-ocr-engine.md records why this engine (measured against PaddleOCR).
 *
 * Before OCR a photo is oriented (EXIF), turned grey, scaled so text is a size Tesseract
 * reads well, contrast-stretched, and straightened: owners hold phones at an angle, and
 * Tesseract reads text more than a few degrees off level poorly.
 */

export interface OcrWord {
  text: string;
  /** 0-100 as Tesseract reports it. */
  confidence: number;
  /** Left, top, right, bottom as fractions of the straightened photo's width and height. */
  box: [number, number, number, number];
}

export interface OcrResult {
  lines: string[];
  words: OcrWord[];
  /** Degrees the photo was turned to level its text. */
  angle: number;
  /** What the handwriting recogniser found likely in each line, when asked for (spotting.ts). */
  lattices?: Lattice[];
  ms: number;
}

const require = createRequire(import.meta.url);
const ENG_DATA: { langPath: string } = require('@tesseract.js-data/eng');

const OCR_LONG_SIDE = 1600;

/** The photo ready for Tesseract: grey, scaled, contrast-stretched and straightened (PNG). */
export async function prepareForOcr(
  photo: Buffer,
): Promise<{ png: Buffer; angle: number; width: number; height: number }> {
  const grey = await sharp(photo)
    .rotate()
    .greyscale()
    .resize({ width: OCR_LONG_SIDE, height: OCR_LONG_SIDE, fit: 'inside' })
    .normalise()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const angle = await skewAngle(grey.data, grey.info.width, grey.info.height);
  let image = sharp(grey.data, { raw: { width: grey.info.width, height: grey.info.height, channels: 1 } });
  if (Math.abs(angle) >= 0.5) image = image.rotate(-angle, { background: '#ffffff' });
  const { data: png, info } = await image
    .toColourspace('b-w')
    .png({ compressionLevel: 1 })
    .toBuffer({ resolveWithObject: true });
  return { png, angle, width: info.width, height: info.height };
}

/**
 * The angle of the text lines, by projection profiles: text edges, projected onto the vertical
 * axis of a photo turned by the right angle, pile up in sharp peaks (one per line of text).
 * Searched from -20 to 20 degrees in 1-degree steps, then to a quarter degree.
 */
export async function skewAngle(grey: Buffer, width: number, height: number): Promise<number> {
  const scale = Math.min(1, 480 / Math.max(width, height));
  const small = await sharp(grey, { raw: { width, height, channels: 1 } })
    .resize({ width: Math.round(width * scale), height: Math.round(height * scale), fit: 'fill' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = small.info.width;
  const h = small.info.height;
  const px = small.data;
  // Edge points: strong horizontal changes of brightness (letter strokes).
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      if (Math.abs((px[i + 1] as number) - (px[i - 1] as number)) > 60) {
        xs.push(x - w / 2);
        ys.push(y - h / 2);
      }
    }
  }
  if (xs.length < 50) return 0;
  const diagonal = Math.ceil(Math.hypot(w, h));
  const bins = new Float64Array(diagonal * 2 + 2);
  const score = (degrees: number) => {
    const t = (degrees * Math.PI) / 180;
    const sin = Math.sin(t);
    const cos = Math.cos(t);
    bins.fill(0);
    for (let k = 0; k < xs.length; k++) {
      const row = Math.round(-(xs[k] as number) * sin + (ys[k] as number) * cos) + diagonal;
      bins[row] = (bins[row] as number) + 1;
    }
    let sum = 0;
    for (let b = 0; b < bins.length; b++) sum += (bins[b] as number) * (bins[b] as number);
    return sum;
  };
  let best = 0;
  let bestScore = score(0);
  for (let a = -20; a <= 20; a += 1) {
    const s = score(a);
    if (s > bestScore) [best, bestScore] = [a, s];
  }
  const coarse = best;
  for (let a = coarse - 0.75; a <= coarse + 0.75; a += 0.25) {
    const s = score(a);
    if (s > bestScore) [best, bestScore] = [a, s];
  }
  return best;
}

export interface RecognizeOptions {
  /** Capital letters and digits that codes on the photo never contain. */
  neverContains?: readonly string[];
  /** Keep the handwriting recogniser's lattices (a marked photo's, for guided reading). */
  lattices?: boolean;
  /** Written by hand in marker (a marked photo): PP-OCR reads it with the marker head. */
  handwritten?: boolean;
}

const CODE_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A pool of Tesseract workers (worker threads); `recognize` waits when all are busy. */
export class OcrEngine {
  private readonly idle: TesseractWorker[];
  private readonly all: TesseractWorker[];
  private readonly waiting: ((worker: TesseractWorker) => void)[] = [];
  private constructor(workers: TesseractWorker[]) {
    this.idle = [...workers];
    this.all = workers;
  }

  /** If one worker cannot start, the ones that did are stopped again and the error thrown. */
  static async start(workers = 1): Promise<OcrEngine> {
    const started = await Promise.allSettled(
      Array.from({ length: workers }, () =>
        createWorker('eng', 1, { langPath: ENG_DATA.langPath, gzip: true, cacheMethod: 'none' }),
      ),
    );
    const failed = started.find((result) => result.status === 'rejected');
    const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    if (!failed) return new OcrEngine(running);
    await Promise.allSettled(running.map((worker) => worker.terminate()));
    throw failed.reason;
  }

  private async withWorker<T>(work: (worker: TesseractWorker) => Promise<T>): Promise<T> {
    const worker =
      this.idle.pop() ?? (await new Promise<TesseractWorker>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(worker);
    } finally {
      const next = this.waiting.shift();
      if (next) next(worker);
      else this.idle.push(worker);
    }
  }

  /**
   * Reads a photo: once as scattered text, then each line that looks like a code (serial,
   * model, claim code) again on its own, enlarged, as one line of capitals and digits, which
   * Tesseract reads more exactly. The re-reads are added to `lines`. `neverContains` are
   * characters the codes on this photo never hold (a campaign's serial rules: no O, no I): the
   * re-reads leave them out, so a printed 9 that Tesseract takes for an O is read as the 9 it
   * is (in eval:evidence, a third of the serials it got wrong).
   */
  async recognize(photo: Buffer, options: RecognizeOptions = {}): Promise<OcrResult> {
    const codeCharacters = [...CODE_CHARACTERS]
      .filter((char) => !options.neverContains?.includes(char))
      .join('');
    const started = performance.now();
    const { png, angle, width, height } = await prepareForOcr(photo);
    // PP-OCR reads handwriting that Tesseract cannot; it runs beside Tesseract's thread, and the
    // checks take the best match over both readings' lines (docs/decisions/0015).
    const handwriting = sharedPpOcr().then((engine) =>
      engine.read(png, { lattices: options.lattices ?? false, handwritten: options.handwritten ?? false }),
    );
    const tesseract = this.withWorker(async (worker) => {
      // Photos hold scattered bits of text, not a page: find as much text as possible.
      await worker.setParameters({
        tessedit_pageseg_mode: PSM.SPARSE_TEXT,
        tessedit_char_whitelist: '',
        user_defined_dpi: '300',
        debug_file: '/dev/null', // Tesseract's statistics dumps would go to the process's stdout
      });
      const result = await worker.recognize(png, {}, { text: true, blocks: true });
      const lines: string[] = [];
      const words: OcrWord[] = [];
      const codeLines: Tesseract.Bbox[] = [];
      for (const block of result.data.blocks ?? [])
        for (const paragraph of block.paragraphs)
          for (const line of paragraph.lines) {
            const text = line.text.trim();
            if (text) lines.push(text);
            if (looksLikeCode(text)) codeLines.push(line.bbox);
            for (const word of line.words)
              words.push({
                text: word.text,
                confidence: Math.round(word.confidence),
                box: [
                  round(word.bbox.x0 / width),
                  round(word.bbox.y0 / height),
                  round(word.bbox.x1 / width),
                  round(word.bbox.y1 / height),
                ],
              });
          }
      if (codeLines.length > 0) {
        await worker.setParameters({
          tessedit_pageseg_mode: PSM.SINGLE_LINE,
          tessedit_char_whitelist: `${codeCharacters}-/:`,
        });
        for (const box of codeLines.slice(0, 4)) {
          const pad = Math.round((box.y1 - box.y0) * 0.3);
          const left = Math.max(0, box.x0 - pad);
          const top = Math.max(0, box.y0 - pad);
          const crop = await sharp(png)
            .extract({
              left,
              top,
              width: Math.min(width - left, box.x1 - box.x0 + 2 * pad),
              height: Math.min(height - top, box.y1 - box.y0 + 2 * pad),
            })
            .resize({ height: Math.min(160, (box.y1 - box.y0 + 2 * pad) * 2) })
            .png({ compressionLevel: 1 })
            .toBuffer();
          // Twice: as is, and in pure black and white (clean edges for blurred or dim text).
          for (const variant of [
            crop,
            await sharp(crop).threshold().png({ compressionLevel: 1 }).toBuffer(),
          ]) {
            const reread = (await worker.recognize(variant)).data.text.trim();
            if (reread && !lines.includes(reread)) lines.push(reread);
          }
        }
      }
      return { lines, words };
    });
    const [read, written] = await Promise.all([tesseract, handwriting]);
    for (const line of written) if (!read.lines.includes(line.text)) read.lines.push(line.text);
    return {
      ...read,
      angle,
      ...(options.lattices
        ? { lattices: written.flatMap((line) => (line.lattice ? [line.lattice] : [])) }
        : {}),
      ms: Math.round(performance.now() - started),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((worker) => worker.terminate()));
  }
}

/**
 * A serial, model or claim code: eight or more letters and digits with at least two digits, or
 * a word of eight or more capitals and digits (OCR reads a 9 as O or a 0 as D, so the digits
 * a serial has may not be in what was read).
 */
function looksLikeCode(text: string): boolean {
  const compact = text.replace(/[^A-Za-z0-9]/g, '');
  if (compact.length >= 8 && (compact.match(/[0-9]/g)?.length ?? 0) >= 2) return true;
  return text.split(/\s+/).some((word) => /^[A-Z0-9]{8,}$/.test(word.replace(/[^A-Za-z0-9]/g, '')));
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

let sharedWorkers = 1;

/** Sets the size of the process's OCR pool (OCR_WORKERS) before it first starts. */
export function configureOcr(workers: number): void {
  sharedWorkers = workers;
}

/**
 * The process's OCR pool, started on first use (loading the model takes about a second). A
 * start that failed is not kept: the next photo's job starts the pool again.
 */
export const sharedOcr = loadOnce(() => OcrEngine.start(sharedWorkers));

/** Stops the process's OCR worker threads, if started; they would keep the process alive. */
export async function shutdownOcr(): Promise<void> {
  const engine = await sharedOcr.forget()?.catch(() => undefined); // a failed start left nothing running
  await engine?.close();
  await shutdownPpOcr();
}
