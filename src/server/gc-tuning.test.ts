import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const tuning = fileURLToPath(new URL('./gc-tuning.ts', import.meta.url));

// What a web process does while photos arrive: a few MB of long-lived objects, and a stream of
// 64 KB Buffers (Node's HTTP body chunks), each kept for a while and then dropped.
const uploads = `
import { constants, PerformanceObserver } from 'node:perf_hooks';
let full = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
}).observe({ entryTypes: ['gc'] });
const live = Array.from({ length: 50_000 }, (_, i) => ({ i, key: 'k' + i }));
let inFlight = [];
for (let i = 0; i < 12_000; i++) {
  inFlight.push(Buffer.alloc(64 * 1024, i));
  if (inFlight.length === 48) inFlight = [];
  if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
}
await new Promise((resolve) => setTimeout(resolve, 50));
console.log(JSON.stringify({ full, live: live.length }));
`;

async function fullCollections(nodeFlags: string[]): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    ...nodeFlags,
    '--import',
    tuning,
    '--input-type=module',
    '--eval',
    uploads,
  ]);
  return (JSON.parse(stdout) as { full: number }).full;
}

describe('garbage collector tuning (imported first by the server and the CLI)', () => {
  it('keeps 750 MB of short-lived upload chunks from starting a full collection every 64 MB, and yields to the flag given on the command line', async () => {
    const [tuned, untuned] = await Promise.all([
      fullCollections([]),
      fullCollections(['--no-external-memory-accounted-in-global-limit']),
    ]);
    // V8's default: one full collection per ~64 MB of new Buffers (about 11 here).
    expect(untuned).toBeGreaterThanOrEqual(6);
    expect(tuned).toBeLessThanOrEqual(untuned / 3);
  });

  it('is the first import of every entry point that receives or sends photos', () => {
    // Later imports may allocate at load; the flag is meant to hold from the process's start.
    for (const [entry, specifier] of [
      ['./main.ts', './gc-tuning.ts'],
      ['../cli/main.ts', '../server/gc-tuning.ts'],
      ['../../bench/intake.ts', '../src/server/gc-tuning.ts'],
    ] as const) {
      const source = fs.readFileSync(new URL(entry, import.meta.url), 'utf8');
      const firstImport = /^import\s+(?:[^'"]*\sfrom\s+)?'([^']+)';?$/m.exec(source)?.[1];
      expect(firstImport, entry).toBe(specifier);
    }
  });
});
