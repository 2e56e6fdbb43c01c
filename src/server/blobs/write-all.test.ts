import type fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { writeAll } from './blob-store.ts';

/** A file handle whose disk takes at most `limit` bytes per call, as a nearly full disk may. */
function shortWrites(limit: number) {
  const written: Buffer[] = [];
  const calls: number[] = [];
  const handle = {
    async writev(buffers: Buffer[]) {
      const whole = Buffer.concat(buffers);
      calls.push(whole.length);
      const taken = whole.subarray(0, limit);
      written.push(Buffer.from(taken));
      return { bytesWritten: taken.length, buffers };
    },
  } as unknown as fs.FileHandle;
  return { handle, written, calls };
}

describe('writeAll', () => {
  it('writes every byte in order when the disk takes only part of each call', async () => {
    const data = Buffer.from(Array.from({ length: 600_000 }, (_, i) => (i * 7) % 253));
    const disk = shortWrites(99_999);
    await writeAll(disk.handle, [
      data.subarray(0, 10),
      data.subarray(10, 500_000),
      Buffer.alloc(0),
      data.subarray(500_000),
    ]);
    expect(Buffer.concat(disk.written).equals(data)).toBe(true);
    // No call hands the kernel more than 256 KB (see WRITE_BYTES).
    expect(Math.max(...disk.calls)).toBeLessThanOrEqual(256 * 1024);
  });

  it('stops with an error when the disk takes nothing', async () => {
    await expect(writeAll(shortWrites(0).handle, [Buffer.from('photo')])).rejects.toThrow(
      /accepted no bytes/,
    );
  });
});
