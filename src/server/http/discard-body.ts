import type { IncomingMessage } from 'node:http';

/**
 * Reads and drops what is left of a request's body, up to `maxBytes` or `maxMs` (a client that
 * sends more than that, or too slowly, is cut off when the connection closes). Whatever was
 * consuming the body (a multipart parser that gave up) is detached first.
 */
export function discardUnreadBody(raw: IncomingMessage, maxBytes: number, maxMs = 10_000): Promise<void> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve();
  raw.unpipe();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', done);
      raw.off('close', done);
      raw.off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const timer = setTimeout(done, maxMs);
    raw.on('data', onData);
    raw.once('end', done);
    raw.once('close', done);
    raw.once('error', done);
    raw.resume();
  });
}
