import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_ROOT } from '../src/server/app.ts';
import { type Db, openDatabase } from '../src/server/db/database.ts';
import { appWithExamples } from './support/app.ts';
import { ensureWebBuilt } from './support/browser.ts';

/** The scripts an owner's page loads before anyone can interact: the entry and what it preloads. */
function firstLoadScripts(): string[] {
  const html = fs.readFileSync(path.join(DEFAULT_WEB_ROOT, 'index.html'), 'utf8');
  return [
    ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g),
  ].map((m) => path.join(DEFAULT_WEB_ROOT, m[1] as string));
}

describe('delivering the web app', () => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof appWithExamples>>;
  const inject = (options: { url: string; headers?: Record<string, string> }) => harness.app.inject(options);

  beforeAll(async () => {
    await ensureWebBuilt();
    db = await openDatabase({ dataDir: 'memory://' });
    harness = await appWithExamples(db, { webRoot: DEFAULT_WEB_ROOT });
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  it('sends hashed assets compressed and cached for a year, and revalidates the page itself', async () => {
    const [entry] = firstLoadScripts();
    const url = `/${path.relative(DEFAULT_WEB_ROOT, entry as string)}`;
    for (const encoding of ['br', 'gzip']) {
      const asset = await inject({ url, headers: { 'accept-encoding': encoding } });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['content-encoding']).toBe(encoding);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.vary).toMatch(/accept-encoding/i);
      const decoded =
        encoding === 'br' ? zlib.brotliDecompressSync(asset.rawPayload) : zlib.gunzipSync(asset.rawPayload);
      expect(decoded.equals(fs.readFileSync(entry as string))).toBe(true);
    }
    const plain = await inject({ url });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const page = await inject({ url: '/recalls/anker-2025-us-a1263', headers: { 'accept-encoding': 'br' } });
    expect(page.headers['cache-control']).toBe('no-cache');
    // A monitor's HEAD of a page path is answered like its GET.
    const head = await harness.app.inject({ method: 'HEAD', url: '/recalls/anker-2025-us-a1263' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toMatch(/text\/html/);
  });

  it('keeps the owner pages’ first-load JavaScript within 150 KB compressed', () => {
    const scripts = firstLoadScripts();
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce(
      (sum, file) => sum + zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length,
      0,
    );
    console.info(`first-load JavaScript: ${scripts.length} files, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThanOrEqual(150 * 1024);
  });
});
