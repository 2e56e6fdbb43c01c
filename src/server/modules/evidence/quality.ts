import { createRequire } from 'node:module';
import sharp from 'sharp';

// A CommonJS module whose export is the function itself (its typings claim a default export).
const phash: (image: Buffer) => Promise<string> = createRequire(import.meta.url)('sharp-phash');

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

/** The 64-bit DCT perceptual hash (sharp-phash), as a signed 64-bit integer (Postgres bigint). */
export async function perceptualHash(photo: Buffer): Promise<bigint> {
  const bits = await phash(photo);
  return BigInt.asIntN(64, BigInt(`0b${bits}`));
}

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
 * A band and every value up to two bits away from it (137 values). Two hashes within 11 bits
 * share at least one band within two bits (pigeonhole over four bands), so four indexed
 * lookups find every candidate up to 11 bits, and most up to 12 and beyond.
 */
export function bandNeighbours(band: number): number[] {
  const values = [band];
  for (let i = 0; i < 16; i++) {
    values.push(band ^ (1 << i));
    for (let j = i + 1; j < 16; j++) values.push(band ^ (1 << i) ^ (1 << j));
  }
  return values;
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
