import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PhotoBytes, PhotoTooLarge } from './photo-bytes.ts';
import { UploadSink } from './upload-thread.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-upload-thread-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
/** `data` in pieces of the given sizes, the last one taking the rest. */
function pieces(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(data.subarray(at, at + size));
    at += size;
  }
  out.push(data.subarray(at));
  return out;
}
async function* stream(chunks: Buffer[]) {
  for (const chunk of chunks) {
    await new Promise((resolve) => setImmediate(resolve));
    yield chunk;
  }
}

describe('the upload thread', () => {
  it('hashes uploads received side by side, in pieces of any size, as one hash over all the bytes would', async () => {
    const photos = [randomBytes(3_000_017), randomBytes(524_288), randomBytes(1), Buffer.alloc(0)];
    const received = await Promise.all(
      photos.map((photo, i) =>
        PhotoBytes.receive(stream(pieces(photo, [1, 65_536, 700_000, 3 + i, 524_288])), () => false),
      ),
    );
    expect(received.map((bytes) => bytes.sha256)).toEqual(photos.map(sha256));
    expect(received.map((bytes) => bytes.length)).toEqual(photos.map((photo) => photo.length));
    expect(received.every((bytes) => bytes.spooled === undefined)).toBe(true);
  });

  it('writes a spooled upload to its file as it arrives, complete once received', async () => {
    const photo = randomBytes(2_500_000);
    const spool = path.join(dir, 'complete.part');
    const bytes = await PhotoBytes.receive(
      stream(pieces(photo, [65_536, 65_536, 1_000_000])),
      () => false,
      spool,
    );
    expect(bytes.spooled).toBe(spool);
    expect(bytes.sha256).toBe(sha256(photo));
    expect(fs.readFileSync(spool).equals(photo)).toBe(true);
  });

  it('makes the spool directory again if it was removed', async () => {
    const spool = path.join(dir, 'removed', 'again.part');
    const photo = randomBytes(10_000);
    await PhotoBytes.receive(stream([photo]), () => false, spool);
    expect(fs.readFileSync(spool).equals(photo)).toBe(true);
  });

  it('leaves no file behind for an upload refused or broken off while it arrives', async () => {
    const tooLarge = path.join(dir, 'too-large.part');
    let received = 0;
    await expect(
      PhotoBytes.receive(
        stream(pieces(randomBytes(2_000_000), [600_000, 600_000])),
        () => ++received > 2,
        tooLarge,
      ),
    ).rejects.toBeInstanceOf(PhotoTooLarge);
    expect(fs.existsSync(tooLarge)).toBe(false);

    const brokenOff = path.join(dir, 'broken-off.part');
    async function* disconnects() {
      yield randomBytes(700_000);
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    }
    await expect(PhotoBytes.receive(disconnects(), () => false, brokenOff)).rejects.toThrow('aborted');
    expect(fs.existsSync(brokenOff)).toBe(false);
  });

  it('fails an upload whose file cannot be made, with the reason, and takes the next ones', async () => {
    const notADirectory = path.join(dir, 'a-file');
    fs.writeFileSync(notADirectory, '');
    await expect(
      PhotoBytes.receive(stream([randomBytes(1000)]), () => false, path.join(notADirectory, 'x.part')),
    ).rejects.toMatchObject({ code: 'ENOTDIR' });
    const photo = randomBytes(1000);
    const sink = new UploadSink();
    sink.update(photo);
    expect(await sink.finish()).toBe(sha256(photo));
  });
});
