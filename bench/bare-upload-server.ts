// The peer of bench:intake: plain node:http streaming each upload to a file in BARE_DIR, nothing
// else. The files stay where they were written, as a file server's do (bench:intake deletes
// the directory when the whole run is over). With BARE_DURABLE=1 it also flushes each file and
// its directory to disk before answering, as Recallkit's blob store does: a like-for-like peer
// for the cost of durability alone.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const durable = process.env.BARE_DURABLE === '1';
const dir = process.env.BARE_DIR as string;
fs.mkdirSync(dir, { recursive: true });

let n = 0;
http
  .createServer(async (request, response) => {
    if (request.method !== 'POST') {
      response.writeHead(200).end('{"status":"ok"}');
      return;
    }
    const file = path.join(dir, `upload-${n++}`);
    await pipeline(request, fs.createWriteStream(file, { flush: durable }));
    if (durable) {
      const directory = await fs.promises.open(dir, 'r');
      await directory.sync();
      await directory.close();
    }
    response.writeHead(201, { 'content-type': 'application/json' }).end('{"stored":true}');
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
