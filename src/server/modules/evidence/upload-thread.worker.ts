// The thread behind upload-thread.ts. For each upload being received: a SHA-256 fed in the order
// the web process sends the pieces, and, when the upload is spooled, a file the pieces are
// written to as they come, flushed to disk when the upload ends. Each piece's buffer goes back
// to the web process to be filled again. A file whose upload fails is closed here and deleted
// by the web process once it hears so (then nothing here can still create or write it).
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { WRITE_BYTES } from '../../blobs/blob-store.ts';
import type { FromUploadThread, ToUploadThread } from './upload-thread.ts';

const port = parentPort;
if (!port) throw new Error('upload-thread.worker.ts runs as a worker thread');

interface Upload {
  hash: Hash;
  spool?: { path: string; fd: number };
  /** The first thing that went wrong; the upload fails with it when it ends. */
  error?: NodeJS.ErrnoException;
}
const uploads = new Map<number, Upload>();
const reply = (message: FromUploadThread, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

/** A new file at `file`, and its directory if there is none yet (the first upload) or any more. */
function createFile(file: string): number {
  try {
    return fs.openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return fs.openSync(file, 'wx', 0o644);
  }
}

function writeAll(fd: number, bytes: Uint8Array) {
  // In calls of at most WRITE_BYTES, as the blob store writes (see there why).
  for (let at = 0; at < bytes.length; ) {
    const written = fs.writeSync(fd, bytes, at, Math.min(WRITE_BYTES, bytes.length - at));
    if (written === 0) throw new Error('the disk accepted no bytes');
    at += written;
  }
}

/** Closes the upload's file, if it has one; the web process deletes it (PhotoBytes.receive). */
function closeSpool(upload: Upload) {
  if (!upload.spool) return;
  try {
    fs.closeSync(upload.spool.fd);
  } catch {}
  upload.spool = undefined;
}

const failed = (id: number, error: NodeJS.ErrnoException) =>
  reply({ type: 'failed', id, message: error.message, code: error.code });

function fail(id: number, upload: Upload, error: NodeJS.ErrnoException) {
  uploads.delete(id);
  closeSpool(upload);
  failed(id, error);
}

port.on('message', (message: ToUploadThread) => {
  const upload = uploads.get(message.id);
  switch (message.type) {
    case 'begin': {
      const started: Upload = { hash: createHash('sha256') };
      uploads.set(message.id, started);
      if (message.spool) {
        try {
          started.spool = { path: message.spool, fd: createFile(message.spool) };
        } catch (error) {
          started.error = error as NodeJS.ErrnoException;
        }
      }
      break;
    }
    case 'update': {
      if (upload && !upload.error) {
        const bytes = new Uint8Array(message.buffer, 0, message.length);
        upload.hash.update(bytes);
        try {
          if (upload.spool) writeAll(upload.spool.fd, bytes);
        } catch (error) {
          upload.error = error as NodeJS.ErrnoException;
        }
      }
      reply({ type: 'release', buffer: message.buffer }, [message.buffer]);
      break;
    }
    case 'finish': {
      if (!upload) {
        failed(message.id, new Error('the upload thread has no such upload'));
        break;
      }
      if (upload.error) {
        fail(message.id, upload, upload.error);
        break;
      }
      const sha256 = upload.hash.digest('hex');
      const spool = upload.spool;
      if (!spool) {
        uploads.delete(message.id);
        reply({ type: 'finished', id: message.id, sha256 });
        break;
      }
      // Flushed on the thread pool: the next uploads' pieces are hashed and written meanwhile.
      fs.fsync(spool.fd, (error) => {
        if (error) {
          fail(message.id, upload, error);
          return;
        }
        uploads.delete(message.id);
        fs.close(spool.fd, (closeError) => {
          if (closeError) failed(message.id, closeError);
          else reply({ type: 'finished', id: message.id, sha256 });
        });
      });
      break;
    }
    case 'abort':
      // Answered even for an upload already gone (its finish failed): the sender waits for it.
      if (upload) {
        uploads.delete(message.id);
        closeSpool(upload);
      }
      reply({ type: 'aborted', id: message.id });
      break;
  }
});
