import fs from 'node:fs';

/** Set by .ci/run: a test that would skip for want of PostgreSQL or Chromium fails instead. */
export const requireAll = process.env.RECALLKIT_REQUIRE_ALL === '1';

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  if (fs.existsSync(chromiumPath)) return true;
  if (requireAll)
    throw new Error(`Chromium is required (RECALLKIT_REQUIRE_ALL=1) but ${chromiumPath} does not exist`);
  console.warn(
    `\n[skip] Chromium not found at ${chromiumPath}: browser tests are skipped (apt-get install chromium).\n`,
  );
  return false;
}
