import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { rollUp } from '../../src/server/modules/reporting/rollup.ts';
import { createStaff } from '../../src/server/modules/staff/staff-accounts.ts';
import { browserHarness, consoleSignIn, keepScreenshot, seriousAxeViolations } from '../support/browser.ts';
import { STAFF_PASSWORD } from '../support/console.ts';
import { chromiumAvailable } from '../support/environment.ts';

const US = 'anker-2025-us-a1263';

describe.runIf(chromiumAvailable())('incidents, progress and reports in Chromium', () => {
  const harness = browserHarness();

  it('takes an incident report from the recall page, in Spanish, and shows the progress page in Spanish', async () => {
    const page = await harness.phone('es-ES');
    await page.goto(`${harness.server.url}/recalls/${US}`);
    await page.getByRole('link', { name: 'Notificar un incidente' }).click();
    await page.waitForURL('**/report-incident?campaign=*');
    await page.getByLabel('Número de modelo (por ejemplo, A1263)').fill('A1263');
    await page.getByLabel('¿Qué hizo el producto?').selectOption('fire');
    await page.getByLabel('¿Hubo heridos?').selectOption('minor_burn');
    await page.getByLabel('Qué pasó, con sus palabras').fill('Se incendió en la mesilla mientras cargaba.');
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#633' } })
      .jpeg()
      .toBuffer();
    await page
      .getByLabel('Fotos del producto o de los daños (hasta 5, opcional)')
      .setInputFiles({ name: 'dano.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByLabel('Nombre completo').fill('Lucía Pérez');
    await page.getByLabel('Correo electrónico').fill('lucia@example.es');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'incident-form-es');
    await page.getByRole('button', { name: 'Enviar el informe' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/Gracias/);

    const progress = await harness.phone('en-US');
    await progress.goto(`${harness.server.url}/es/recalls/${US}/progress`);
    await expect.poll(() => progress.locator('h1').textContent()).toMatch(/^Avance de la retirada/);
    expect(await progress.evaluate(() => document.documentElement.lang)).toBe('es');
    expect(await progress.getByTestId('units-affected').textContent()).toBe('1.158.000');
    expect(await progress.getByTestId('incidents').textContent()).toBe('1');
    expect(await seriousAxeViolations(progress)).toEqual([]);
    await keepScreenshot(progress, 'progress-page-es');
    await page.context().close();
    await progress.context().close();
  });

  it('gives a manager the CPSC monthly figures and the incidents, and publishes a progress update', async () => {
    await createStaff(
      harness.server.db.kysely,
      { email: 'mia@recalls.example', name: 'Mia Manager', role: 'manager', password: STAFF_PASSWORD },
      'test',
    );
    const context = await harness.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await consoleSignIn(page, harness.server.url, 'mia@recalls.example', STAFF_PASSWORD);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.locator('.reports .inline-form select').selectOption(US);
    await page.locator('.reports input[type="month"]').fill(new Date().toISOString().slice(0, 7));
    const report = page.getByRole('table', { name: 'CPSC monthly progress report' });
    await expect
      .poll(() => report.locator('[data-field="unitsAffected › total"]').textContent())
      .toBe('1158000');
    // (the previous month's figures show until this month's arrive)
    await expect
      .poll(() => report.locator('[data-field="incidents › thisPeriod › total"]').textContent())
      .toBe('1');
    await expect.poll(() => page.locator('#incidents-title ~ table tbody tr').count()).toBe(1);
    // The same figures as a PDF, printed by the server's Chromium.
    const month = new Date().toISOString().slice(0, 7);
    const pdf = await page.request.get(
      `${harness.server.url}/api/v1/console/reports/cpsc-monthly?campaign=${US}&month=${month}&format=pdf`,
    );
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    // The reporter's photo, shown to staff without its metadata. It loads lazily, once in view,
    // and the server has just printed a PDF: a loaded machine takes more than poll's default second.
    const incidentPhoto = page.locator('#incidents-title ~ table img.incident-photo');
    await incidentPhoto.scrollIntoViewIfNeeded();
    await expect
      .poll(() => incidentPhoto.evaluate((img) => (img as HTMLImageElement).naturalWidth), {
        timeout: 15_000,
      })
      .toBe(800);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'console-reports');

    // A claim sent today, so the charts have something to draw.
    const post = (url: string, body: object, token?: string) =>
      fetch(`${harness.server.url}${url}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    const claim = await post('/api/v1/claims', {
      campaign: US,
      serial: 'AHEXAZYZ07J9W3GZ',
      model: 'A1263',
      remedy: 'gift_card',
      hasUnit: false,
      orderNumber: '113-77',
      claimant: { name: 'Kai Moreno', email: 'kai@example.com', country: 'US', language: 'en' },
    });
    await post(`/api/v1/claims/${claim.id}/submit`, { disposalAttested: true }, claim.accessToken);
    // The dashboard: charts drawn from the daily counts (recounted here rather than in 5 minutes).
    await harness.server.db.transaction((tx) => rollUp(tx.kysely));
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await expect
      .poll(() => page.locator('.chart-panel canvas').count(), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(5);
    const drawn = await page.locator('.chart-panel canvas').evaluateAll((canvases) =>
      canvases.map((canvas) => {
        const c = canvas as HTMLCanvasElement;
        const pixels =
          c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
        return c.width > 0 && pixels.some((value) => value !== 0);
      }),
    );
    expect(drawn.every(Boolean)).toBe(true);
    expect(await page.locator('.chart-panel').first().getByRole('img').getAttribute('aria-label')).toBe(
      'Claims per day',
    );
    expect(await page.getByRole('img', { name: 'Incidents per month' }).count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'console-dashboard');

    await page.goto(`${harness.server.url}/console/campaigns/${US}`);
    await page.getByLabel('English (required)').fill('Replacements ship again from Monday.');
    await page
      .getByLabel('Spanish (optional; English is shown where missing)')
      .fill('Los repuestos vuelven a enviarse el lunes.');
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Published');
    const owner = await harness.phone('es-ES');
    await owner.goto(`${harness.server.url}/es/recalls/${US}/progress`);
    await expect
      .poll(() => owner.locator('.timeline').textContent())
      .toContain('Los repuestos vuelven a enviarse el lunes.');
    await owner.context().close();
    await context.close();
  });
});
