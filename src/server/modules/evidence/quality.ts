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

/** A square part of a photo: `crop` (a share of each side) cut off all round, then moved by `dx`, `dy`. */
export interface Crop {
  crop: number;
  dx: number;
  dy: number;
  /** How far its hash's bands are looked up from a stored centre's (bandNeighbours). */
  bandBits: 1 | 2;
}

/** A marked photo keeps the hash of its centre, a tenth cut off each side (`centre_hash`). */
export const CENTRE: Crop = { crop: 0.1, dx: 0, dy: 0, bandBits: 1 };
/**
 * The crops a new photo is hashed at to find a stored centre: a copy cropped by up to 6 % a side
 * shows the original's centre at one of the centred ones (2-6 % at the 5 or 7.5 % crop, whose bands
 * are looked up within two bits), an unevenly cropped copy at one of the moved ones, and an
 * original shows a cropped copy's centre at one of the larger ones. The others' bands are looked up
 * within one bit: 19 crops within two would visit a twentieth of the index
 * (docs/decisions/0013-near-duplicate-photos.md).
 */
export const LOOKUP_CROPS: readonly Crop[] = [
  ...[0, 0.025, 0.05, 0.075, 0.125, 0.15].map(
    (crop): Crop => ({
      crop,
      dx: 0,
      dy: 0,
      bandBits: crop === 0.05 || crop === 0.075 ? 2 : 1,
    }),
  ),
  CENTRE,
  ...[0.05, 0.075, 0.1].flatMap((crop) =>
    [
      [0.025, 0],
      [-0.025, 0],
      [0, 0.025],
      [0, -0.025],
    ].map(([dx, dy]): Crop => ({ crop, dx: dx as number, dy: dy as number, bandBits: 1 })),
  ),
];
const LOOKUP_BASE = 256;

/** The perceptual hashes of each of `crops` of a photo. */
export async function cropHashes(photo: Buffer, crops: readonly Crop[] = LOOKUP_CROPS): Promise<bigint[]> {
  const base = await sharp(photo)
    .greyscale()
    .resize(LOOKUP_BASE, LOOKUP_BASE, { fit: 'fill' })
    .raw()
    .toBuffer();
  const raw = { width: LOOKUP_BASE, height: LOOKUP_BASE, channels: 1 } as const;
  return Promise.all(
    crops.map(async ({ crop, dx, dy }) => {
      const edge = Math.round(LOOKUP_BASE * crop);
      const side = LOOKUP_BASE - 2 * edge;
      const part = await sharp(base, { raw })
        .extract({
          left: edge + Math.round(LOOKUP_BASE * dx),
          top: edge + Math.round(LOOKUP_BASE * dy),
          width: side,
          height: side,
        })
        .raw()
        .toBuffer();
      return asHash(await phash(part, { raw: { width: side, height: side, channels: 1 } }));
    }),
  );
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
