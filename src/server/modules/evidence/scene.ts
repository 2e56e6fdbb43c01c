import sharp from 'sharp';

/**
 * A marked photo's scene signature: its fine detail (the strokes of the writing, the unit's edges)
 * at 64 x 64, the mean of each pixel's neighbourhood taken away, one signed byte a pixel. A reused
 * photo (re-encoded, resized, cropped a few per cent, recoloured) keeps it; two owners' photos of
 * the same model, framed alike, do not share it, whatever their writing reads as
 * (docs/decisions/0013-near-duplicate-photos.md).
 */
const SIZE = 64;
const RADIUS = 2;

/** Two signatures at least this similar are one photo. */
export const SAME_SCENE = 0.8;

/** The signature of a photo, base64 (4 KB of pixels): stored with the photo's analysis. */
export async function sceneSignature(photo: Buffer): Promise<string> {
  const { data } = await sharp(photo)
    .rotate()
    .greyscale()
    .resize(SIZE, SIZE, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const detail = new Int8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = -RADIUS; dy <= RADIUS; dy++)
        for (let dx = -RADIUS; dx <= RADIUS; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= SIZE || yy >= SIZE) continue;
          sum += data[yy * SIZE + xx] as number;
          n++;
        }
      const value = (data[y * SIZE + x] as number) - sum / n;
      detail[y * SIZE + x] = Math.max(-127, Math.min(127, Math.round(value)));
    }
  return Buffer.from(detail.buffer).toString('base64');
}

function decode(signature: string): Float32Array | undefined {
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== SIZE * SIZE) return undefined;
  return Float32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length));
}

/**
 * Where one signature lies in the other: scaled by `scaleX`, `scaleY` (a crop of 1 - scale),
 * moved by `dx`, `dy` (a share of the side) and turned by `turn` radians about the centre.
 */
type Placement = [scaleX: number, scaleY: number, dx: number, dy: number, turn: number];

/** `image` seen through `placement`, resampled to the full size (bilinear). */
function place(image: Float32Array, [scaleX, scaleY, dx, dy, turn]: Placement): Float32Array {
  const out = new Float32Array(SIZE * SIZE);
  const cos = Math.cos(turn);
  const sin = Math.sin(turn);
  const clamp = (v: number) => Math.min(SIZE - 1, Math.max(0, v));
  for (let y = 0; y < SIZE; y++) {
    const v = (y + 0.5) / SIZE - 0.5;
    for (let x = 0; x < SIZE; x++) {
      const u = (x + 0.5) / SIZE - 0.5;
      const sx = clamp((0.5 + dx + (u * cos - v * sin) * scaleX) * SIZE - 0.5);
      const sy = clamp((0.5 + dy + (u * sin + v * cos) * scaleY) * SIZE - 0.5);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(SIZE - 1, x0 + 1);
      const y1 = Math.min(SIZE - 1, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const top = (image[y0 * SIZE + x0] as number) * (1 - fx) + (image[y0 * SIZE + x1] as number) * fx;
      const bottom = (image[y1 * SIZE + x0] as number) * (1 - fx) + (image[y1 * SIZE + x1] as number) * fx;
      out[y * SIZE + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

function correlation(a: Float32Array, b: Float32Array): number {
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < a.length; i++) {
    meanA += a[i] as number;
    meanB += b[i] as number;
  }
  meanA /= a.length;
  meanB /= b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] as number) - meanA;
    const y = (b[i] as number) - meanB;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** How far a copy may differ: cropped up to 20 % in all (either axis), turned up to 5 degrees. */
const MIN_SCALE = 0.8;
const MAX_TURN = 0.09;
const STEPS: Placement = [0.02, 0.02, 0.01, 0.01, 0.017];

/** From `start`, the best placement reached by moving one parameter at a time, in ever finer steps. */
function climb(whole: Float32Array, part: Float32Array, start: Placement, score: number): number {
  let best = score;
  let at = start;
  const steps = [...STEPS];
  for (let round = 0; round < 4; round++) {
    for (let moved = true; moved; ) {
      moved = false;
      for (let k = 0; k < at.length; k++)
        for (const sign of [-1, 1]) {
          const next = at.map((value, i) =>
            i === k ? value + sign * (steps[k] as number) : value,
          ) as Placement;
          const [scaleX, scaleY, , , turn] = next;
          if (
            Math.max(scaleX, scaleY) > 1.02 ||
            Math.min(scaleX, scaleY) < MIN_SCALE ||
            Math.abs(turn) > MAX_TURN
          )
            continue;
          const found = correlation(place(whole, next), part);
          if (found > best) {
            best = found;
            at = next;
            moved = true;
          }
        }
    }
    for (let k = 0; k < steps.length; k++) steps[k] = (steps[k] as number) / 2;
  }
  return best;
}

/**
 * How alike two signatures are, -1 to 1: the best correlation of one with a placement of the other
 * (either may be the cropped copy): a coarse grid of crops and moves, then a climb from the best
 * two over crop per axis, move and turn, so a copy cropped unevenly or photographed off a screen
 * is found. 0 when either is unreadable.
 */
export function sceneSimilarity(a: string, b: string): number {
  const imageA = decode(a);
  const imageB = decode(b);
  if (!imageA || !imageB) return 0;
  let best = correlation(imageA, imageB);
  for (const [whole, part] of [
    [imageA, imageB],
    [imageB, imageA],
  ] as const) {
    const starts: { at: Placement; score: number }[] = [];
    for (const scale of [1, 0.94, 0.88])
      for (const dx of [-0.02, 0, 0.02])
        for (const dy of [-0.02, 0, 0.02]) {
          const at: Placement = [scale, scale, dx, dy, 0];
          starts.push({ at, score: correlation(place(whole, at), part) });
        }
    starts.sort((x, y) => y.score - x.score);
    for (const { at, score } of starts.slice(0, 2)) best = Math.max(best, climb(whole, part, at, score));
  }
  return best;
}
