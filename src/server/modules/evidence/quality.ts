import { createRequire } from 'node:module';
import sharp, { type SharpOptions } from 'sharp';

// A CommonJS module whose export is the function itself (its typings claim a default export).
const phash: (image: Buffer, options?: SharpOptions) => Promise<string> = createRequire(import.meta.url)(
  'sharp-phash',
);

export interface ImageQuality {
  width: number;
  height: number;
  /** Variance of the Laplacian at 512 px: low is blurred. */
  sharpness: number;
  /** Mean grey level, 0-255. */
  brightness: number;
  /** Share of pixels burnt out or black. */
  clipped: number;
}

/** How readable a photo can be: size, focus, light. `width`/`height` are the photo's own. */
export async function measureQuality(photo: Buffer, width: number, height: number): Promise<ImageQuality> {
  const { data, info } = await sharp(photo)
    .rotate()
    .greyscale()
    .resize({ width: 512, height: 512, fit: 'inside' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  let sum = 0;
  let clipped = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    sum += v;
    if (v <= 4 || v >= 251) clipped++;
  }
  let lapSum = 0;
  let lapSq = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const lap =
        4 * (data[i] as number) -
        (data[i - 1] as number) -
        (data[i + 1] as number) -
        (data[i - w] as number) -
        (data[i + w] as number);
      lapSum += lap;
      lapSq += lap * lap;
      n++;
    }
  const mean = lapSum / Math.max(n, 1);
  return {
    width,
    height,
    sharpness: Math.round(lapSq / Math.max(n, 1) - mean * mean),
    brightness: Math.round(sum / Math.max(data.length, 1)),
    clipped: Math.round((clipped / Math.max(data.length, 1)) * 1000) / 1000,
  };
}

const asHash = (bits: string) => BigInt.asIntN(64, BigInt(`0b${bits}`));

/** The 64-bit DCT perceptual hash (sharp-phash), as a signed 64-bit integer (Postgres bigint). */
export async function perceptualHash(photo: Buffer): Promise<bigint> {
  return asHash(await phash(photo));
}

/** A part of a photo: the share cut off its left and right (`x`), top and bottom (`y`). */
export interface Crop {
  x: readonly [number, number];
  y: readonly [number, number];
  /** How far its hash's bands are looked up from a stored centre's (bandNeighbours). */
  bandBits: 1 | 2;
}
const even = (cut: number, bandBits: 1 | 2 = 1): Crop => ({ x: [cut, cut], y: [cut, cut], bandBits });

/** A marked photo keeps the hash of its centre, a tenth cut off each side (`centre_hash`). */
export const CENTRE: Crop = even(0.1);
/** Where a copy cut 0-5 % off each side, independently, shows the original's centre: 5.3-10.5 % in. */
const UNEVEN_CUTS = [0.055, 0.079, 0.103];
const UNEVEN_AXIS = UNEVEN_CUTS.flatMap((left) =>
  UNEVEN_CUTS.map((right): [number, number] => [left, right]),
);
/**
 * The crops a new photo is hashed at to find a stored centre: a copy cropped evenly by up to 6 % a
 * side shows the original's centre at one of the centred ones (2-6 % at the 5 or 7.5 % crop, whose
 * bands are looked up within two bits), an unevenly cropped copy at one of the 81 uneven ones (each
 * axis cut at one of three shares left and right), and an original shows a cropped copy's centre at
 * one of the larger ones. The others' bands are looked up within one bit: every crop within two
 * would visit a twentieth of the index (docs/decisions/0013-near-duplicate-photos.md).
 */
export const LOOKUP_CROPS: readonly Crop[] = [
  ...[0, 0.025, 0.05, 0.075, 0.125, 0.15].map((cut) => even(cut, cut === 0.05 || cut === 0.075 ? 2 : 1)),
  CENTRE,
  ...UNEVEN_AXIS.flatMap((x) => UNEVEN_AXIS.map((y): Crop => ({ x, y, bandBits: 1 }))),
];
const LOOKUP_BASE = 256;
const SAMPLE = 32;

/** The perceptual hashes of each of `crops` of a photo. */
export async function cropHashes(photo: Buffer, crops: readonly Crop[] = LOOKUP_CROPS): Promise<bigint[]> {
  const base = await sharp(photo)
    .greyscale()
    .resize(LOOKUP_BASE, LOOKUP_BASE, { fit: 'fill' })
    .raw()
    .toBuffer();
  const at = (share: number) => Math.round(LOOKUP_BASE * share);
  return Promise.all(
    crops.map(async ({ x: [left, right], y: [top, bottom] }) => {
      const width = LOOKUP_BASE - at(left) - at(right);
      const height = LOOKUP_BASE - at(top) - at(bottom);
      const part = Buffer.alloc(width * height);
      for (let row = 0; row < height; row++) {
        const from = (at(top) + row) * LOOKUP_BASE + at(left);
        base.copy(part, row * width, from, from + width);
      }
      // Cut, then shrunk on its own, as sharp-phash shrinks: a sharp pipeline that does both
      // gives other pixels, and the stored centres' hashes were made this way.
      const sample = await sharp(part, { raw: { width, height, channels: 1 } })
        .greyscale()
        .resize(SAMPLE, SAMPLE, { fit: 'fill' })
        .raw()
        .toBuffer();
      return asHash(dctHash(sample));
    }),
  );
}

// sharp-phash's DCT-II, computed only for the 8 x 8 coefficients its hash keeps (1-8 on each axis):
// the same sums in the same order, so the same bits, a sixteenth of the work (88 crops a photo).
const COS = Array.from({ length: SAMPLE }, (_, k) =>
  Array.from({ length: SAMPLE }, (_, n) => Math.cos(((2 * k + 1) / (2 * SAMPLE)) * n * Math.PI)),
);
function dctHash(sample: Buffer): string {
  const cos = (k: number, n: number) => (COS[k] as number[])[n] as number;
  const coefficients: number[] = [];
  for (let u = 1; u <= 8; u++)
    for (let v = 1; v <= 8; v++) {
      let sum = 0;
      for (let i = 0; i < SAMPLE; i++)
        for (let j = 0; j < SAMPLE; j++) sum += cos(i, u) * cos(j, v) * (sample[SAMPLE * j + i] as number);
      coefficients.push(sum / 4);
    }
  const average = coefficients.reduce((a, b) => a + b, 0) / coefficients.length;
  return coefficients.map((c) => (c > average ? '1' : '0')).join('');
}

/** The centre's hash among a photo's crop hashes (`cropHashes` with LOOKUP_CROPS). */
export const centreOf = (crops: readonly bigint[]): bigint | undefined => crops[LOOKUP_CROPS.indexOf(CENTRE)];

/** The four 16-bit bands of a hash, for multi-index lookups. */
export function hashBands(hash: bigint): [number, number, number, number] {
  const unsigned = BigInt.asUintN(64, hash);
  return [0, 1, 2, 3].map((band) => Number((unsigned >> BigInt(band * 16)) & 0xffffn)) as [
    number,
    number,
    number,
    number,
  ];
}

/**
 * A band and every value up to `bits` (two: 137 values; one: 17) away from it. Two hashes within
 * 11 bits share at least one band within two bits (pigeonhole over four bands), so four indexed
 * lookups find every candidate up to 11 bits, and most up to 12; with one bit, up to 7.
 */
export function bandNeighbours(band: number, bits: 1 | 2 = 2): number[] {
  const values = [band];
  for (let i = 0; i < 16; i++) {
    values.push(band ^ (1 << i));
    if (bits === 2) for (let j = i + 1; j < 16; j++) values.push(band ^ (1 << i) ^ (1 << j));
  }
  return values;
}

/** Whether a lookup by `bandNeighbours(…, bits)` of one hash's bands finds the other. */
export function bandsMeet(a: bigint, b: bigint, bits: 1 | 2): boolean {
  const bandsB = hashBands(b);
  return hashBands(a).some((band, i) => hammingDistance(BigInt(band), BigInt(bandsB[i] as number)) <= bits);
}

export function hammingDistance(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let count = 0;
  while (x) {
    x &= x - 1n;
    count++;
  }
  return count;
}
