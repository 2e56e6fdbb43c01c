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
