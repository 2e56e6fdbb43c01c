import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../src/server/config.ts';
import { CHROMIUM_ARGS } from '../../src/server/modules/reporting/report-pdf.ts';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { knownClaimCodes, repoRoot, silentLogger, testConfig } from './app.ts';
import { chromiumPath } from './environment.ts';

export const webRoot = path.join(repoRoot, 'dist', 'web');

/** `npm test` builds the web app first; a test run on its own builds it here if missing. */
export async function ensureWebBuilt(): Promise<void> {
  if (fs.existsSync(path.join(webRoot, 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(repoRoot, 'vite.config.ts'), logLevel: 'warn' });
  await import('../../scripts/precompress.ts'); // as `npm run build:web` does
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_ARGS,
  });
}

const axeSource = fs.readFileSync(path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

/** Keeps a full-page screenshot as a test artifact (test-results/screenshots/NAME.png, not in git). */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Serious and critical accessibility violations axe-core finds on the page as it is now. */
export async function seriousAxeViolations(page: import('playwright-core').Page): Promise<AxeViolation[]> {
  // Evaluated through the browser's protocol, not as a script tag: the pages' content security
  // policy (own scripts only) rightly refuses inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * For a browser test file: the real server (in-memory database, examples, built web app) and
 * Chromium, started before the tests and stopped after; `phone(locale)` opens a phone-sized page.
 */
export function browserHarness(config: Partial<Config> = {}) {
  const harness = {} as { server: RunningServer; browser: Browser; phone(locale: string): Promise<Page> };
  beforeAll(async () => {
    await ensureWebBuilt();
    harness.server = await startServer(testConfig(config), silentLogger, {
      webRoot,
      claimCode: knownClaimCodes(),
      sampleQuality: () => false, // no automatic approval waits for a second review unless a test says so
    });
    harness.browser = await launchChromium();
  });
  afterAll(async () => {
    await harness.browser?.close();
    await harness.server?.close();
  });
  harness.phone = async (locale: string) => {
    const context = await harness.browser.newContext({
      locale,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    return context.newPage();
  };
  return harness;
}

/** Signs a staff member in through the console's sign-in form. */
export async function consoleSignIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Signed in once the console (or the forced password change) shows, not when the click returns.
  await page.locator('.console-header, h1:has-text("Choose your own password")').first().waitFor();
}
