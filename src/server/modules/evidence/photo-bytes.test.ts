import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunked } from '../../../../test/support/photos.ts';
import { PhotoBytes, PhotoTooLarge } from './photo-bytes.ts';

describe('PhotoBytes', () => {
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 251));
  const bytes = new PhotoBytes(chunked(data, [1, 13, 0, 200, 3]));

  it('reads any range, byte and number across chunk boundaries as the joined bytes would', () => {
    expect(bytes.length).toBe(1000);
    expect(bytes.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    for (const [start, end] of [
      [0, 1],
      [0, 14],
      [12, 15],
      [213, 700],
      [990, 1200],
    ] as const)
      expect(bytes.slice(start, end).equals(data.subarray(start, end))).toBe(true);
    expect(bytes.slice(0).equals(data)).toBe(true);
    expect(bytes.byte(14)).toBe(data[14]);
    expect(bytes.byte(1000)).toBeUndefined();
    expect(bytes.uint32(13)).toBe(data.readUInt32BE(13));
    expect(bytes.uint16(213)).toBe(data.readUInt16BE(213));
  });

  it('finds the last pair of bytes, also when it is split between two chunks', () => {
    const jpegEnd = Buffer.concat([Buffer.alloc(50, 1), Buffer.from([0xff, 0xd9]), Buffer.alloc(50, 2)]);
    for (const sizes of [[51], [50], [1], [200], [7, 3]])
      expect(new PhotoBytes(chunked(jpegEnd, sizes)).lastIndexOfPair(0xff, 0xd9)).toBe(50);
    expect(new PhotoBytes(chunked(Buffer.alloc(80, 0xff), [9])).lastIndexOfPair(0xff, 0xd9)).toBe(-1);
  });

  it('hashes a stream as it arrives and stops at the size cap', async () => {
    async function* stream() {
      yield* chunked(data, [64]);
    }
    const received = await PhotoBytes.receive(stream(), () => false);
    expect(received.sha256).toBe(bytes.sha256);
    expect(received.chunks.length).toBe(16);
    let seen = 0;
    await expect(PhotoBytes.receive(stream(), () => ++seen > 3)).rejects.toBeInstanceOf(PhotoTooLarge);
  });
});
