import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../blobs/blob-store.ts';
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
    const spool = new FsBlobStore(path.join(dir, 'as-it-arrives')).spool;
    const file = (): string | undefined => {
      const spoolDir = path.join(dir, 'as-it-arrives', 'spool');
      const names = fs.existsSync(spoolDir) ? fs.readdirSync(spoolDir) : [];
      return names[0] && path.join(spoolDir, names[0]);
    };
    // The rest of the photo comes only once the file holds what has arrived so far, as far as
    // the thread has been handed it: whole 512 KB pieces (the last, partial one waits for more).
    async function* slowNetwork() {
      yield* stream(pieces(photo.subarray(0, 1_200_000), [65_536, 65_536]));
      await expect.poll(() => fs.statSync(file() as string).size, { timeout: 5000 }).toBe(2 * 512 * 1024);
      yield photo.subarray(1_200_000);
    }
    const bytes = await PhotoBytes.receive(slowNetwork(), () => false, spool);
    expect(bytes.spooled).toBe(file());
    expect(bytes.sha256).toBe(sha256(photo));
    expect(fs.readFileSync(bytes.spooled as string).equals(photo)).toBe(true);
  });

  it('makes the spool directory with the first upload, and again if it was removed', async () => {
    const store = path.join(dir, 'made');
    const spool = new FsBlobStore(store).spool;
    expect(fs.existsSync(path.join(store, 'spool'))).toBe(false);
    const photo = randomBytes(10_000);
    const first = await PhotoBytes.receive(stream([photo]), () => false, spool);
    expect(fs.readFileSync(first.spooled as string).equals(photo)).toBe(true);
    fs.rmSync(path.join(store, 'spool'), { recursive: true });
    const again = await PhotoBytes.receive(stream([photo]), () => false, spool);
    expect(fs.readFileSync(again.spooled as string).equals(photo)).toBe(true);
  });

  it('leaves no file behind for an upload refused or broken off while it arrives', async () => {
    const store = path.join(dir, 'nothing-left');
    const spool = new FsBlobStore(store).spool;
    const spooled = () => fs.readdirSync(path.join(store, 'spool'));
    let received = 0;
    await expect(
      PhotoBytes.receive(
        stream(pieces(randomBytes(2_000_000), [600_000, 600_000])),
        () => ++received > 2,
        spool,
      ),
    ).rejects.toBeInstanceOf(PhotoTooLarge);
    expect(spooled()).toEqual([]);

    async function* disconnects() {
      yield randomBytes(700_000);
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    }
    await expect(PhotoBytes.receive(disconnects(), () => false, spool)).rejects.toThrow('aborted');
    expect(spooled()).toEqual([]);
  });

  it('fails an upload whose file cannot be made, with the reason, and takes the next ones', async () => {
    const store = path.join(dir, 'spool-is-a-file');
    fs.mkdirSync(store);
    fs.writeFileSync(path.join(store, 'spool'), '');
    const spool = new FsBlobStore(store).spool;
    await expect(PhotoBytes.receive(stream([randomBytes(1000)]), () => false, spool)).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
    const photo = randomBytes(1000);
    const sink = new UploadSink();
    sink.update(photo);
    expect(await sink.finish()).toBe(sha256(photo));
  });
});
