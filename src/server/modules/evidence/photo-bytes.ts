import { createHash } from 'node:crypto';
import type { Spool } from '../../blobs/blob-store.ts';
import { UploadSink } from './upload-thread.ts';

/**
 * A photo as it arrived: the chunks the request delivered, never joined into one buffer, with
 * their length and SHA-256 taken as they came. Joining a 3 MB upload costs a second 3 MB
 * allocation and copy per photo, and V8 answers that much short-lived external memory with
 * full garbage collections; the upload path reads the chunks where they are, joins only the
 * header it hands to libvips and exifr, and the blob store writes the chunks as they are.
 */
export class PhotoBytes {
  readonly chunks: readonly Buffer[];
  readonly length: number;
  readonly sha256: string;
  /** A file that already holds these bytes, flushed to disk, for the blob store to adopt. */
  readonly spooled: string | undefined;
  /** Where each chunk starts in the photo, for finding the chunk that holds an offset. */
  private readonly starts: number[];

  constructor(chunks: readonly Buffer[], sha256?: string, spooled?: string) {
    this.spooled = spooled;
    this.chunks = chunks.filter((chunk) => chunk.length > 0);
    this.starts = [];
    let length = 0;
    for (const chunk of this.chunks) {
      this.starts.push(length);
      length += chunk.length;
    }
    this.length = length;
    if (sha256 === undefined) {
      const hash = createHash('sha256');
      for (const chunk of this.chunks) hash.update(chunk);
      sha256 = hash.digest('hex');
    }
    this.sha256 = sha256;
  }

  static of(data: Buffer): PhotoBytes {
    return new PhotoBytes([data]);
  }

  /**
   * Reads a request's file stream to the end; the upload thread hashes each chunk as it arrives
   * and, given the blob store's `spool`, writes it to a new spooled file as well. `tooLarge` is
   * asked after each chunk (the multipart parser stops a file at its size cap and marks it). A
   * failed or refused upload leaves no file.
   */
  static async receive(
    source: AsyncIterable<Buffer>,
    tooLarge: () => boolean,
    spool?: Spool,
  ): Promise<PhotoBytes> {
    const spooled = spool?.newPath();
    const sink = new UploadSink(spooled);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of source) {
        if (tooLarge()) throw new PhotoTooLarge();
        sink.update(chunk);
        chunks.push(chunk);
      }
      if (tooLarge()) throw new PhotoTooLarge();
      return new PhotoBytes(chunks, await sink.finish(), spooled);
    } catch (error) {
      await sink.abort(); // the thread has closed the file: nothing writes it after the discard
      if (spooled) await spool?.discard(spooled);
      throw error;
    }
  }

  private chunkAt(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  byte(offset: number): number | undefined {
    if (offset < 0 || offset >= this.length) return undefined;
    const index = this.chunkAt(offset);
    return (this.chunks[index] as Buffer)[offset - (this.starts[index] as number)];
  }

  /** Bytes `start` to `end` as one buffer: a view when one chunk holds them, a copy otherwise. */
  slice(start: number, end = this.length): Buffer {
    end = Math.min(end, this.length);
    if (start >= end) return Buffer.alloc(0);
    const first = this.chunkAt(start);
    const last = this.chunkAt(end - 1);
    const from = start - (this.starts[first] as number);
    if (first === last)
      return (this.chunks[first] as Buffer).subarray(from, end - (this.starts[first] as number));
    const parts = [(this.chunks[first] as Buffer).subarray(from)];
    for (let index = first + 1; index < last; index++) parts.push(this.chunks[index] as Buffer);
    parts.push((this.chunks[last] as Buffer).subarray(0, end - (this.starts[last] as number)));
    return Buffer.concat(parts, end - start);
  }

  uint16(offset: number): number {
    return this.slice(offset, offset + 2).readUInt16BE(0);
  }

  uint32(offset: number): number {
    return this.slice(offset, offset + 4).readUInt32BE(0);
  }

  uint32le(offset: number): number {
    return this.slice(offset, offset + 4).readUInt32LE(0);
  }

  uint64(offset: number): number {
    return Number(this.slice(offset, offset + 8).readBigUInt64BE(0));
  }

  latin1(start: number, end: number): string {
    return this.slice(start, end).toString('latin1');
  }

  /** The last offset of the two bytes `first`, `second` in a row, searched from the end; -1 if none. */
  lastIndexOfPair(first: number, second: number): number {
    const pair = Buffer.from([first, second]);
    for (let index = this.chunks.length - 1; index >= 0; index--) {
      const chunk = this.chunks[index] as Buffer;
      const start = this.starts[index] as number;
      // A pair split across two chunks: this chunk's last byte and the next one's first.
      if (chunk[chunk.length - 1] === first && this.byte(start + chunk.length) === second)
        return start + chunk.length - 1;
      const found = chunk.lastIndexOf(pair);
      if (found >= 0) return start + found;
    }
    return -1;
  }
}

/** The file went past the configured size cap while it was being received. */
export class PhotoTooLarge extends Error {
  constructor() {
    super('the photo is larger than allowed');
  }
}
