import { Worker } from 'node:worker_threads';

/**
 * What an upload costs apart from parsing it, done on a thread of its own while the upload
 * arrives: its SHA-256 and, when the blob store can spool (a directory), writing it to a file
 * and flushing that to disk. The web process's one JavaScript thread is left to HTTP, multipart
 * and SQL, and the upload is on disk by the time its last byte has arrived
 * (docs/decisions/0007-upload-thread.md).
 *
 * The arriving chunks are copied into reused 512 KB buffers whose ownership moves to the thread
 * and back (a transfer, not a copy): the chunks themselves cannot be handed over, since the HTTP
 * and multipart parsers own the memory they are views of. One thread serves the process.
 */
const PIECE_BYTES = 512 * 1024;
/** Buffers kept for reuse; more in flight at once are allocated and dropped on return. */
const POOL_MAX = 32;

export type ToUploadThread =
  | { type: 'begin'; id: number; spool?: string }
  | { type: 'update'; id: number; buffer: ArrayBuffer; length: number }
  | { type: 'finish'; id: number }
  | { type: 'abort'; id: number };
export type FromUploadThread =
  | { type: 'release'; buffer: ArrayBuffer }
  | { type: 'finished'; id: number; sha256: string }
  | { type: 'failed'; id: number; message: string; code?: string | undefined }
  | { type: 'aborted'; id: number };

class UploadThread {
  private readonly worker: Worker;
  private readonly pool: ArrayBuffer[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (sha256: string) => void; reject: (error: Error) => void }
  >();
  private nextId = 1;
  failed: Error | undefined;

  constructor() {
    this.worker = new Worker(new URL('./upload-thread.worker.ts', import.meta.url));
    // An idle upload thread does not keep the process alive.
    this.worker.unref();
    this.worker.on('message', (message: FromUploadThread) => {
      if (message.type === 'release') {
        this.giveBack(message.buffer);
        return;
      }
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'finished') waiting?.resolve(message.sha256);
      else if (message.type === 'aborted') waiting?.resolve('');
      else waiting?.reject(Object.assign(new Error(message.message), { code: message.code }));
    });
    const fail = (error: Error) => {
      this.failed = error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the upload thread exited with code ${code}`)));
  }

  buffer(): ArrayBuffer {
    return this.pool.pop() ?? new ArrayBuffer(PIECE_BYTES);
  }

  giveBack(buffer: ArrayBuffer) {
    if (this.pool.length < POOL_MAX) this.pool.push(buffer);
  }

  id(): number {
    return this.nextId++;
  }

  send(message: ToUploadThread) {
    if (message.type === 'update') this.worker.postMessage(message, [message.buffer]);
    else this.worker.postMessage(message);
  }

  /** Sends `finish` or `abort` and waits for the answer: the digest, or '' once aborted. */
  end(id: number, type: 'finish' | 'abort'): Promise<string> {
    if (this.failed) return type === 'finish' ? Promise.reject(this.failed) : Promise.resolve('');
    const answer = new Promise<string>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.send({ type, id });
    return answer;
  }
}

let thread: UploadThread | undefined;
/** The process's upload thread, started with the first upload and again after a failure. */
function uploadThread(): UploadThread {
  if (!thread || thread.failed) thread = new UploadThread();
  return thread;
}

/**
 * One upload's way through the upload thread: `update` with each chunk in order, then `finish`
 * (or `abort`). With `spool`, a path that must not exist yet, the bytes are also written there;
 * `finish` resolves once the file is complete and flushed to disk.
 */
export class UploadSink {
  private readonly thread = uploadThread();
  private readonly id = this.thread.id();
  private piece: Uint8Array | undefined;
  private filled = 0;

  constructor(spool?: string) {
    this.thread.send({ type: 'begin', id: this.id, ...(spool ? { spool } : {}) });
  }

  update(chunk: Uint8Array) {
    let at = 0;
    while (at < chunk.length) {
      this.piece ??= new Uint8Array(this.thread.buffer());
      const take = Math.min(chunk.length - at, this.piece.length - this.filled);
      this.piece.set(chunk.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === this.piece.length) this.flush();
    }
  }

  private flush() {
    if (!this.piece) return; // a piece is only taken with bytes to put in it
    this.thread.send({
      type: 'update',
      id: this.id,
      buffer: this.piece.buffer as ArrayBuffer,
      length: this.filled,
    });
    this.piece = undefined;
    this.filled = 0;
  }

  /**
   * The hex SHA-256 of everything given to `update`; the spooled file is complete and flushed
   * to disk by then. If it fails, the file (whatever part of it was written) is still there.
   */
  finish(): Promise<string> {
    this.flush();
    return this.thread.end(this.id, 'finish');
  }

  /**
   * Drops an upload that will not be finished (or whose finish failed). Once this resolves,
   * the thread has closed the spooled file and will not touch it again: the caller deletes it.
   */
  async abort(): Promise<void> {
    if (this.piece) this.thread.giveBack(this.piece.buffer as ArrayBuffer);
    this.piece = undefined;
    this.filled = 0;
    await this.thread.end(this.id, 'abort');
  }
}
