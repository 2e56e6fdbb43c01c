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

/** The central part of `image` (a `crop` off each side, moved by `dx`, `dy`), resampled to the full size. */
function region(image: Float32Array, crop: number, dx: number, dy: number): Float32Array {
  const out = new Float32Array(SIZE * SIZE);
  const step = 1 - 2 * crop;
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const sx = Math.min(SIZE - 1, Math.max(0, (crop + dx) * SIZE + (x + 0.5) * step - 0.5));
      const sy = Math.min(SIZE - 1, Math.max(0, (crop + dy) * SIZE + (y + 0.5) * step - 0.5));
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

const CROPS = [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08];
const SHIFTS = [-0.01, -0.005, 0, 0.005, 0.01];

/**
 * How alike two signatures are, -1 to 1: the best correlation of one with the other cropped by
 * up to 8 % a side and moved a little (either may be the cropped copy). 0 when either is unreadable.
 */
export function sceneSimilarity(a: string, b: string): number {
  const imageA = decode(a);
  const imageB = decode(b);
  if (!imageA || !imageB) return 0;
  let best = correlation(imageA, imageB);
  for (const [whole, part] of [
    [imageA, imageB],
    [imageB, imageA],
  ] as const)
    for (const crop of CROPS)
      for (const dx of SHIFTS)
        for (const dy of SHIFTS) {
          if (crop === 0 && (dx !== 0 || dy !== 0)) continue;
          best = Math.max(best, correlation(region(whole, crop, dx, dy), part));
        }
  return best;
}
