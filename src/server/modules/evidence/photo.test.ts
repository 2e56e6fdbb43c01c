import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chunked, pixelDamagedPng } from '../../../../test/support/photos.ts';
import { derivePhoto, inspectPhoto, PhotoError, type PhotoLimits, sniffFormat } from './photo.ts';
import { PhotoBytes } from './photo-bytes.ts';

const limits = { maxBytes: 5 * 1024 * 1024, maxPixels: 40_000_000 };
const canvas = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 40 } } });

async function problem(
  data: Buffer,
  custom = limits,
  step: (data: Buffer, limits: PhotoLimits) => Promise<unknown> = inspectPhoto,
) {
  const error = await step(data, custom).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PhotoError);
  return (error as PhotoError).code;
}

describe('inspectPhoto and derivePhoto', () => {
  it('orients a phone photo, keeps the original and strips every tag from the display copy', async () => {
    const original = await canvas(1200, 800)
      .jpeg()
      .withExif({
        IFD0: { Make: 'Apple', Model: 'iPhone 15', Software: '18.1' },
        IFD2: { DateTimeOriginal: '2026:11:21 14:03:11', OffsetTimeOriginal: '-05:00' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '40/1 26/1 46/1',
          GPSLongitudeRef: 'W',
          GPSLongitude: '79/1 58/1 56/1',
        },
      })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const photo = await inspectPhoto(original, limits);
    const display = await derivePhoto(original, limits);
    expect(photo.format).toBe('jpeg');
    expect(photo.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect([photo.width, photo.height]).toEqual([800, 1200]); // turned upright
    expect([display.width, display.height]).toEqual([800, 1200]);
    expect(photo.exif).toEqual({
      make: 'Apple',
      model: 'iPhone 15',
      software: '18.1',
      takenAt: '2026:11:21 14:03:11',
      takenAtOffset: '-05:00',
      hasGps: true,
    });
    expect(await exifr.parse(display.data, { gps: true })).toBeUndefined();
    expect((await sharp(display.data).metadata()).orientation).toBeUndefined();
  });

  it('accepts PNG, WebP and HEIF, and makes large photos a display size', async () => {
    for (const [format, data] of [
      ['png', await canvas(300, 200).png().toBuffer()],
      ['webp', await canvas(300, 200).webp().toBuffer()],
      ['heif', await canvas(300, 200).heif({ compression: 'av1' }).toBuffer()],
    ] as const) {
      const photo = await inspectPhoto(data, limits);
      expect(photo.format, format).toBe(format);
      expect(photo.width).toBe(300);
      expect(photo.exif?.hasGps ?? false).toBe(false);
      expect((await derivePhoto(data, limits)).width).toBe(300);
    }
    const bigPhoto = await canvas(4000, 3000).jpeg({ quality: 60 }).toBuffer();
    expect((await inspectPhoto(bigPhoto, limits)).width).toBe(4000);
    const big = await derivePhoto(bigPhoto, limits);
    expect([big.width, big.height]).toEqual([2048, 1536]);
  });

  it('opens an iPhone photo (HEVC-compressed HEIC), which libvips cannot decode', async () => {
    const heic = fs.readFileSync(
      path.join(import.meta.dirname, '../../../../test/fixtures/hevc-640x480.heic'),
    );
    const photo = await inspectPhoto(heic, limits);
    expect([photo.format, photo.width, photo.height]).toEqual(['heif', 640, 480]);
    const display = await derivePhoto(heic, limits);
    expect([display.width, display.height]).toEqual([640, 480]);
    const { data } = await sharp(display.data).resize(1, 1).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(150); // the red of the original, not a blank
    expect(data[2]).toBeLessThan(110);
    expect(await problem(heic.subarray(0, heic.length - 100))).toBe('photo_corrupt');
  });

  it('refuses what is not a usable photo, whatever its name says', async () => {
    expect(await problem(Buffer.alloc(0))).toBe('photo_empty');
    expect(await problem(Buffer.from('%PDF-1.7 not a photo at all'))).toBe('photo_unsupported_type');
    expect(await problem(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe(
      'photo_unsupported_type',
    );
    expect(await problem(await canvas(64, 64).gif().toBuffer())).toBe('photo_unsupported_type');
    const jpeg = await canvas(800, 600).jpeg().toBuffer();
    expect(await problem(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).toBe('photo_corrupt');
    expect(await problem(jpeg.subarray(0, 400))).toBe('photo_corrupt');
    for (const cut of [
      await canvas(300, 200).png().toBuffer(),
      await canvas(300, 200).webp().toBuffer(),
      await canvas(300, 200).heif({ compression: 'av1' }).toBuffer(),
    ])
      expect(await problem(cut.subarray(0, cut.length - 40))).toBe('photo_corrupt');
    expect(await problem(jpeg, { ...limits, maxBytes: 1000 })).toBe('photo_too_large');
  });

  it('judges a photo received in chunks exactly as the same bytes in one buffer', async () => {
    const photos = [
      await canvas(800, 600)
        .jpeg()
        .withMetadata({ orientation: 6 })
        .withExif({ IFD0: { Make: 'Apple' } })
        .toBuffer(),
      await canvas(300, 200).png().toBuffer(),
      await canvas(300, 200).webp().toBuffer(),
      await canvas(300, 200).heif({ compression: 'av1' }).toBuffer(),
    ];
    for (const photo of photos) {
      const whole = await inspectPhoto(photo, limits);
      // The end-of-image marker split between two chunks, and chunks smaller than any header.
      for (const sizes of [[photo.length - 1], [1], [5, 3], [4096]]) {
        expect(await inspectPhoto(new PhotoBytes(chunked(photo, sizes)), limits)).toEqual(whole);
        const cut = photo.subarray(0, photo.length - 40);
        const error = await inspectPhoto(new PhotoBytes(chunked(cut, sizes)), limits).catch((e) => e);
        expect((error as PhotoError).code).toBe('photo_corrupt');
      }
    }
  });

  it('passes a photo whose structure is whole but whose pixels are damaged to the decoder, which refuses it', async () => {
    const damaged = await pixelDamagedPng();
    expect((await inspectPhoto(damaged, limits)).width).toBe(640);
    expect(await problem(damaged, limits, derivePhoto)).toBe('photo_corrupt');
  });

  it('refuses a decompression bomb before decoding it', async () => {
    // 20,000 x 20,000 pixels of one colour: a few hundred KB on disk, 1.2 GB decoded.
    const bomb = await sharp({
      create: { width: 20_000, height: 20_000, channels: 3, background: '#fff' },
      limitInputPixels: false,
    })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(limits.maxBytes);
    expect(await problem(bomb)).toBe('photo_too_many_pixels');
  });
});

describe('inspectPhoto over a long run', () => {
  it('keeps nothing of a photo once it is inspected, however many come', async () => {
    // A server reads the EXIF of every upload for months: memory must not grow with the count.
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const photo = await canvas(64, 48)
      .jpeg()
      .withExif({ IFD0: { Make: 'Apple', Model: 'iPhone 15' } })
      .toBuffer();
    const heapAfter = async (count: number) => {
      for (let i = 0; i < count; i++) await inspectPhoto(photo, limits);
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = await heapAfter(50); // the code paths warmed up
    const after = await heapAfter(1500);
    // With exifr given a new options object per photo this grew by 10 MB (7 KB a photo).
    expect((after - before) / 1024 / 1024).toBeLessThan(4);
  });
});

describe('sniffFormat', () => {
  it('reads the format from the first bytes', () => {
    expect(sniffFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffFormat(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0', 'latin1'))).toBe('heif');
    expect(sniffFormat(Buffer.from('\0\0\0\x18ftypmp42\0\0\0\0', 'latin1'))).toBeUndefined();
  });
});
