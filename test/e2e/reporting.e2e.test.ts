import { describe, expect, it } from 'vitest';
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
    expect(await report.locator('[data-field="incidents › thisPeriod › total"]').textContent()).toBe('1');
    await expect.poll(() => page.locator('#incidents-title ~ table tbody tr').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'console-reports');

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
