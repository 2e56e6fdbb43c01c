import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { loadOnce } from '../load-once.ts';

/**
 * Where photos live: never in the database. Keys are content addresses chosen by the caller
 * (`originals/<sha256>`), so writing the same bytes twice is harmless and a key never changes
 * meaning.
 */
export interface BlobStore {
  readonly kind: 'fs' | 's3';
  /** `data` may be the chunks a request delivered, written in order without being joined first. */
  put(key: string, data: Buffer | readonly Buffer[], contentType: string): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Present when an upload can be written into the store while it arrives (a directory). */
  readonly spool?: Spool;
}

/**
 * A place in the store's own filesystem for an upload written as it arrives, before its key
 * (its hash) is known: `newPath` names a file that does not exist yet (nor, before the first
 * upload, its directory), the writer creates it and flushes it to disk, and `adopt` gives it its
 * key with a rename. A spooled file that is neither adopted nor discarded (the process died) is
 * deleted by a later process after a day.
 */
export interface Spool {
  newPath(): string;
  /** Gives a complete, flushed spooled file its key; the spooled path is gone afterwards. */
  adopt(spooled: string, key: string): Promise<void>;
  /** Deletes a spooled file that will not be adopted; nothing happens if it is not there. */
  discard(spooled: string): Promise<void>;
}

const KEY = /^[a-z]+\/[0-9a-f]{64}(\.[a-z0-9]+)?$/;
function checkKey(key: string) {
  if (!KEY.test(key)) throw new Error(`Not a blob key: ${key}`);
}

/**
 * The most one write call hands the kernel: larger calls make the page cache allocate large
 * folios, which cost far more on some kernels and VMs (docs/decisions/0008-256-kb-writes.md).
 */
export const WRITE_BYTES = 256 * 1024;
const IOV_MAX = 1024;

/** Writes the chunks in order, at most WRITE_BYTES per call; a call may write part. */
export async function writeAll(handle: fs.FileHandle, chunks: readonly Buffer[]): Promise<void> {
  const pieces: Buffer[] = [];
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += WRITE_BYTES) pieces.push(chunk.subarray(at, at + WRITE_BYTES));
  }
  let next = 0;
  while (next < pieces.length) {
    let end = next + 1;
    let size = (pieces[next] as Buffer).length;
    while (
      end < pieces.length &&
      end - next < IOV_MAX &&
      size + (pieces[end] as Buffer).length <= WRITE_BYTES
    ) {
      size += (pieces[end++] as Buffer).length;
    }
    let { bytesWritten } = await handle.writev(pieces.slice(next, end));
    if (bytesWritten === 0) throw new Error('the disk accepted no bytes');
    while (next < end && bytesWritten >= (pieces[next] as Buffer).length) {
      bytesWritten -= (pieces[next++] as Buffer).length;
    }
    if (bytesWritten > 0) pieces[next] = (pieces[next] as Buffer).subarray(bytesWritten);
  }
}

/** How long another host's spooled file may wait for its adoption: an upload takes minutes at most. */
const SPOOL_KEPT_MS = 24 * 3600 * 1000;

/** A spooled file's name says which process owns it: `<host>_<pid>_<random>.part`. */
const SPOOL_NAME = /^(.+)_(\d+)_[0-9a-f]+\.part$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/**
 * Deletes the spooled files no live process owns: on this host, those of processes that are gone
 * (a kill -9 mid-upload) and any with this process's id (an earlier life); files of other hosts
 * sharing the directory once older than a day. Best effort: nothing depends on them.
 */
async function sweepSpool(dir: string): Promise<void> {
  const host = os.hostname();
  const startedAt = Date.now() - process.uptime() * 1000;
  const before = Date.now() - SPOOL_KEPT_MS;
  try {
    for (const name of await fs.readdir(dir)) {
      const file = path.join(dir, name);
      const owner = SPOOL_NAME.exec(name);
      const pid = Number(owner?.[2]);
      const stat = await fs.stat(file).catch(() => undefined);
      if (!stat) continue;
      // A file with this process's id is an earlier life's only if written before this one began
      // (uploads may already be arriving while the sweep runs).
      const orphan =
        owner?.[1] === host && (pid === process.pid ? stat.mtimeMs < startedAt : !processAlive(pid));
      if (orphan || stat.mtimeMs < before) await fs.rm(file, { force: true });
    }
  } catch {}
}

/**
 * A directory: `<dir>/<prefix>/<aa>/<sha256>`, written to a temporary name, flushed to disk,
 * then renamed (and the rename flushed). The row that points at a photo commits after `put`
 * returns, and PostgreSQL flushes its commit: without the flushes here, a power cut could leave
 * a committed row pointing at an empty file (docs/decisions/0006-photo-intake.md). Uploads are
 * spooled in `<dir>/spool`.
 */
export class FsBlobStore implements BlobStore {
  readonly kind = 'fs';
  private readonly dir: string;
  private readonly spoolDir: string;
  readonly spool: Spool;
  /** The sweep of spooled files left by processes that died, started on construction. */
  readonly swept: Promise<void>;

  constructor(dir: string) {
    this.dir = dir;
    this.spoolDir = path.join(dir, 'spool');
    this.spool = {
      newPath: () =>
        path.join(this.spoolDir, `${os.hostname()}_${process.pid}_${randomBytes(12).toString('hex')}.part`),
      adopt: async (spooled, key) => {
        const file = this.pathOf(key);
        try {
          await fs.mkdir(path.dirname(file), { recursive: true });
        } catch (error) {
          await fs.rm(spooled, { force: true });
          throw error;
        }
        await this.place(spooled, file);
      },
      discard: (spooled) => fs.rm(spooled, { force: true }),
    };
    // What died with an earlier process.
    this.swept = sweepSpool(this.spoolDir);
  }

  private pathOf(key: string): string {
    checkKey(key);
    const [prefix, name] = key.split('/') as [string, string];
    return path.join(this.dir, prefix, name.slice(0, 2), name);
  }

  async put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    const file = this.pathOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await fs.open(temporary, 'w');
      try {
        await writeAll(handle, Buffer.isBuffer(data) ? [data] : data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await fs.rm(temporary, { force: true }); // a full disk leaves no half-written file behind
      throw error;
    }
    await this.place(temporary, file);
  }

  /** Renames a complete, flushed file to `file` (in a directory that exists) and flushes the rename. */
  private async place(temporary: string, file: string): Promise<void> {
    const dir = path.dirname(file);
    try {
      await fs.rename(temporary, file);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
    const directory = await fs.open(dir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return fs.access(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }
}

/**
 * Any S3-compatible bucket. STORAGE_URL is `s3://bucket[/prefix]`, with `endpoint`, `region`
 * and `forcePathStyle` as query parameters for non-AWS servers; credentials come from the
 * usual AWS environment variables or instance roles.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  private readonly url: URL;
  private readonly bucket: string;
  private readonly prefix: string;
  /** The AWS SDK (6 MB of heap) is loaded with the first S3 call, not by every server. */
  private readonly connect = loadOnce(async () => {
    const s3 = await import('@aws-sdk/client-s3');
    const endpoint = this.url.searchParams.get('endpoint') ?? undefined;
    const client: S3Client = new s3.S3Client({
      region: this.url.searchParams.get('region') ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(endpoint ? { endpoint } : {}),
      forcePathStyle: this.url.searchParams.get('forcePathStyle') === 'true' || endpoint !== undefined,
    });
    return { s3, client };
  });

  constructor(storageUrl: string) {
    this.url = new URL(storageUrl);
    this.bucket = this.url.hostname;
    this.prefix = this.url.pathname.replace(/^\/+|\/+$/g, '');
  }

  private objectKey(key: string): string {
    checkKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  async put(key: string, data: Buffer | readonly Buffer[], contentType: string): Promise<void> {
    const Key = this.objectKey(key);
    const Body = Buffer.isBuffer(data) ? data : Buffer.concat(data);
    const { s3, client } = await this.connect();
    await client.send(new s3.PutObjectCommand({ Bucket: this.bucket, Key, Body, ContentType: contentType }));
  }

  async get(key: string): Promise<Buffer | undefined> {
    const Key = this.objectKey(key);
    const { s3, client } = await this.connect();
    try {
      const object = await client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key }));
      return Buffer.from(
        await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
    } catch (error) {
      if (error instanceof s3.NoSuchKey || (error as { name?: string }).name === 'NoSuchKey')
        return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    const { s3, client } = await this.connect();
    await client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key }));
  }

  async exists(key: string): Promise<boolean> {
    const Key = this.objectKey(key);
    const { s3, client } = await this.connect();
    try {
      await client.send(new s3.HeadObjectCommand({ Bucket: this.bucket, Key }));
      return true;
    } catch (error) {
      if (error instanceof s3.NotFound || (error as { name?: string }).name === 'NotFound') return false;
      throw error;
    }
  }
}

/**
 * Said at start by a process that shares its work with others (WORKER=false, or `recallkit work`)
 * while photos live in a directory of this host: processes on other hosts cannot read them.
 */
export const LOCAL_PHOTOS_WARNING =
  'photos are stored in a directory of this host: processes on other hosts cannot read them unless it is shared; set STORAGE_URL=s3://… (or a shared file:// path) when web and worker processes run on several hosts';

export function openBlobStore(storageUrl: string | undefined, dataDir: string): BlobStore {
  if (!storageUrl) return new FsBlobStore(path.join(dataDir, 'blobs'));
  if (storageUrl.startsWith('s3://')) return new S3BlobStore(storageUrl);
  if (storageUrl.startsWith('file://')) return new FsBlobStore(new URL(storageUrl).pathname);
  throw new Error(`STORAGE_URL must start with s3:// or file:// (got ${storageUrl})`);
}
