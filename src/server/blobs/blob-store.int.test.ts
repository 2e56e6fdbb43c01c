import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlobStore, FsBlobStore, S3BlobStore } from './blob-store.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-blobs-'));
let s3: { close(): Promise<void> } | undefined;
let s3Url = '';

beforeAll(async () => {
  // A real S3-compatible server on a free port, its buckets in a temporary directory.
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: path.join(tmp, 's3'),
    configureBuckets: [{ name: 'evidence', configs: [] }],
  });
  const { port } = await server.run();
  s3 = server;
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  s3Url = `s3://evidence/recallkit?endpoint=http://127.0.0.1:${port}&region=us-east-1`;
});
afterAll(async () => {
  await s3?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const stores: [string, () => BlobStore][] = [
  ['a local directory', () => new FsBlobStore(path.join(tmp, 'fs'))],
  ['an S3-compatible bucket (s3rver)', () => new S3BlobStore(s3Url)],
];

describe.each(stores)('blob store in %s', (_name, makeStore) => {
  it('stores, reads, checks and deletes by content address', async () => {
    const store = makeStore();
    const data = Buffer.from(`photo bytes ${Math.random()}`);
    const key = `originals/${createHash('sha256').update(data).digest('hex')}`;
    expect(await store.exists(key)).toBe(false);
    expect(await store.get(key)).toBeUndefined();
    await store.put(key, data, 'image/jpeg');
    await store.put(key, data, 'image/jpeg'); // the same bytes again: harmless
    expect(await store.exists(key)).toBe(true);
    expect((await store.get(key))?.equals(data)).toBe(true);
    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
  });

  it('stores an upload given as the chunks it arrived in, in order', async () => {
    const store = makeStore();
    // More chunks than one writev takes (1,024), so the writes continue where the first ended.
    const chunks = Array.from({ length: 1500 }, (_, i) => Buffer.alloc(100 + (i % 7), i % 256));
    const data = Buffer.concat(chunks);
    const key = `originals/${createHash('sha256').update(data).digest('hex')}`;
    await store.put(key, chunks, 'image/jpeg');
    expect((await store.get(key))?.equals(data)).toBe(true);
    await store.delete(key);
  });

  it('stores a photo bigger than one write, given whole or in chunks bigger than one write', async () => {
    const store = makeStore();
    const data = Buffer.from(Array.from({ length: 700_001 }, (_, i) => (i * 31) % 251));
    const key = `originals/${createHash('sha256').update(data).digest('hex')}`;
    await store.put(key, data, 'image/jpeg');
    expect((await store.get(key))?.equals(data)).toBe(true);
    await store.delete(key);
    await store.put(
      key,
      [data.subarray(0, 1), data.subarray(1, 600_000), data.subarray(600_000)],
      'image/jpeg',
    );
    expect((await store.get(key))?.equals(data)).toBe(true);
    await store.delete(key);
  });

  it('refuses keys that are not content addresses', async () => {
    const store = makeStore();
    await expect(store.put('../../etc/passwd', Buffer.from('x'), 'text/plain')).rejects.toThrow(
      /Not a blob key/,
    );
  });
});

describe('blob store in a local directory, when the disk refuses', () => {
  it('leaves no half-written file behind when a write fails', async () => {
    const dir = path.join(tmp, 'fs-failing');
    const store: BlobStore = new FsBlobStore(dir);
    const data = Buffer.from('photo bytes that cannot be stored');
    const sha = createHash('sha256').update(data).digest('hex');
    // Something else stands where the photo must go, so the final rename fails.
    const target = path.join(dir, 'originals', sha.slice(0, 2), sha);
    fs.mkdirSync(path.join(target, 'in-the-way'), { recursive: true });
    await expect(store.put(`originals/${sha}`, data, 'image/jpeg')).rejects.toThrow();
    expect(fs.readdirSync(path.dirname(target)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('blob store in a local directory, spooling uploads', () => {
  it('adopts a spooled file under its content address, and discards one it will not keep', async () => {
    const dir = path.join(tmp, 'fs-spool');
    const store = new FsBlobStore(dir);
    const spool = store.spool;
    const data = Buffer.from(`spooled photo ${Math.random()}`);
    const key = `originals/${createHash('sha256').update(data).digest('hex')}`;
    const spooled = spool.newPath();
    expect(spool.newPath()).not.toBe(spooled);
    expect(fs.existsSync(spooled)).toBe(false);
    fs.mkdirSync(path.dirname(spooled), { recursive: true }); // as the writer does (the upload thread)
    fs.writeFileSync(spooled, data);
    await spool.adopt(spooled, key);
    expect((await store.get(key))?.equals(data)).toBe(true);
    expect(fs.existsSync(spooled)).toBe(false);

    const refused = spool.newPath();
    fs.writeFileSync(refused, 'not a photo');
    await spool.discard(refused);
    await spool.discard(refused); // gone already: nothing happens
    expect(fs.readdirSync(path.dirname(refused))).toEqual([]);
  });

  it('deletes at start the spooled files of processes of this host that died, and no live one’s', async () => {
    const dir = path.join(tmp, 'fs-spool-orphans');
    const spoolDir = path.join(dir, 'spool');
    fs.mkdirSync(spoolDir, { recursive: true });
    const host = os.hostname();
    // A process that has exited: its pid names no live process (until reused, which is rare).
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const files = {
      dead: path.join(spoolDir, `${host}_${dead}_aa11.part`),
      alive: path.join(spoolDir, `${host}_${process.ppid}_bb22.part`),
      otherHost: path.join(spoolDir, `another-host.example_${dead}_cc33.part`),
    };
    for (const file of Object.values(files)) fs.writeFileSync(file, 'half an upload');
    await new FsBlobStore(dir).swept;
    expect(fs.existsSync(files.dead)).toBe(false);
    expect(fs.existsSync(files.alive)).toBe(true);
    expect(fs.existsSync(files.otherHost)).toBe(true); // another host's: kept a day
  });

  it('deletes the spooled files an earlier process left more than a day ago, and no others', async () => {
    const dir = path.join(tmp, 'fs-spool-swept');
    const spoolDir = path.join(dir, 'spool');
    fs.mkdirSync(spoolDir, { recursive: true });
    const old = path.join(spoolDir, 'died-with-its-process.part');
    const recent = path.join(spoolDir, 'another-process-is-writing-it.part');
    fs.writeFileSync(old, 'half an upload');
    fs.writeFileSync(recent, 'an upload arriving');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    fs.utimesSync(old, twoDaysAgo, twoDaysAgo);
    new FsBlobStore(dir);
    await expect.poll(() => fs.existsSync(old), { timeout: 5000 }).toBe(false);
    expect(fs.existsSync(recent)).toBe(true);
  });
});
