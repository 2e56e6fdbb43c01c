// npm run bench:verify — how fast the evidence checks read photos: photos/s per core and p95
// latency (upload to feedback: decode, display copy, OCR, quality, hash) for one photo at a
// time, then p95 while another claim is being verified at the same time (the instant-feedback
// target: p95 < 5 s on a 2-core machine). In the same run, Debian's `tesseract` CLI (native,
// sparse-text mode) reads the same photos as the peer; prints the ratio of photos/s.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLEAN, labelPhoto, markedPhoto, random } from '../eval/synthetic-evidence.ts';
import { configureOcr, sharedOcr, shutdownOcr } from '../src/server/modules/evidence/ocr.ts';
import { readPhoto } from '../src/server/modules/evidence/verify-photos.ts';
import { benchDir, fmt } from './support.ts';

const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 24);
const run = promisify(execFile);
const rand = random(11);

const photos: Buffer[] = [];
for (let i = 0; i < PHOTOS; i++) {
  const conditions = {
    ...CLEAN,
    rotate: (rand() - 0.5) * 30,
    blur: rand(),
    noise: rand() * 10,
    light: 0.7 + rand() * 0.5,
    jpegQuality: 80,
    size: 2000 + Math.floor(rand() * 2000),
  };
  photos.push(
    i % 2 === 0
      ? await labelPhoto({ model: 'A1263', serial: 'AH7M4Z2K9C1QR8T3' }, i + 1, conditions)
      : await markedPhoto(
          { word: 'RECALLED', name: 'Ana García', date: '2026-11-21', code: 'RK-7K3F-9Q2M' },
          i + 1,
          conditions,
        ),
  );
}
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1] ?? 0;

configureOcr(2);
await sharedOcr(); // load the model before timing
await readPhoto('label', photos[0] as Buffer);

// One photo at a time.
const alone: number[] = [];
let started = performance.now();
for (const [i, photo] of photos.entries()) {
  const t = performance.now();
  await readPhoto(i % 2 === 0 ? 'label' : 'marked', photo);
  alone.push(performance.now() - t);
}
const aloneSeconds = (performance.now() - started) / 1000;

// The same photos while another claim is verified alongside (its two photos read in a loop).
const busy: number[] = [];
let stop = false;
const other = (async () => {
  for (let i = 0; !stop; i++)
    await readPhoto(i % 2 === 0 ? 'marked' : 'label', photos[(i + 1) % photos.length] as Buffer);
})();
started = performance.now();
for (const [i, photo] of photos.entries()) {
  const t = performance.now();
  await readPhoto(i % 2 === 0 ? 'label' : 'marked', photo);
  busy.push(performance.now() - t);
}
stop = true;
await other;
// Peak memory with both OCR engines loaded (Tesseract's threads and PP-OCR's ONNX sessions).
const peakRssMb = process.resourceUsage().maxRSS / 1024;
await shutdownOcr();

// The peer: Debian's tesseract, one process per photo, on the same files.
const dir = path.join(benchDir, 'verify-photos');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const files = photos.map((photo, i) => {
  const file = path.join(dir, `photo-${i}.jpg`);
  fs.writeFileSync(file, photo);
  return file;
});
let peer: { seconds: number; latencies: number[] } | undefined;
try {
  await run('tesseract', ['--version']);
  const latencies: number[] = [];
  started = performance.now();
  for (const file of files) {
    const t = performance.now();
    await run('tesseract', [file, 'stdout', '--psm', '11', '-l', 'eng'], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
    latencies.push(performance.now() - t);
  }
  peer = { seconds: (performance.now() - started) / 1000, latencies };
} catch {
  console.log('Debian tesseract is not installed (apt install tesseract-ocr): no peer measured.');
}

console.log(`${PHOTOS} photos, 2000-4000 px, label and marked alternately; peak RSS ${fmt(peakRssMb)} MB`);
console.log(
  `recallkit, one at a time          ${fmt(PHOTOS / aloneSeconds, 2)} photos/s  p50 ${fmt(percentile(alone, 50))} ms  p95 ${fmt(percentile(alone, 95))} ms`,
);
console.log(
  `recallkit, another claim verifying                   p50 ${fmt(percentile(busy, 50))} ms  p95 ${fmt(percentile(busy, 95))} ms  (target p95 < 5000 ms: ${percentile(busy, 95) < 5000 ? 'met' : 'NOT met'})`,
);
if (peer) {
  console.log(
    `tesseract CLI (native, --psm 11)  ${fmt(PHOTOS / peer.seconds, 2)} photos/s  p50 ${fmt(percentile(peer.latencies, 50))} ms  p95 ${fmt(percentile(peer.latencies, 95))} ms`,
  );
  console.log(
    `\nratio recallkit/tesseract CLI photos/s: ${fmt(PHOTOS / aloneSeconds / (PHOTOS / peer.seconds), 2)} (recallkit also decodes, makes the display copy, straightens, re-reads codes, measures quality and hashes)`,
  );
}
