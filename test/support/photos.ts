import sharp from 'sharp';

/**
 * A PNG whose structure is whole (header, chunks, IEND) but whose compressed pixels are
 * overwritten: only decoding it finds the damage.
 */
export async function pixelDamagedPng(): Promise<Buffer> {
  const png = await sharp({
    create: {
      width: 640,
      height: 480,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .png()
    .toBuffer();
  const damaged = Buffer.from(png);
  const pixels = png.indexOf('IDAT') + 4;
  damaged.fill(0x5a, pixels + 100, pixels + Math.min(png.readUInt32BE(pixels - 8) - 100, 2000));
  return damaged;
}

/** `data` cut into chunks of the given sizes, round and round, as a network would deliver it. */
export function chunked(data: Buffer, sizes: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length] as number;
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}
