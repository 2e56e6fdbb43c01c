import { describe, expect, it } from 'vitest';
import { createStaff } from '../../src/server/modules/staff/staff-accounts.ts';
import { browserHarness, consoleSignIn, keepScreenshot, seriousAxeViolations } from '../support/browser.ts';
import { demoUnits } from '../support/claims.ts';
import { STAFF_PASSWORD } from '../support/console.ts';
import { chromiumAvailable } from '../support/environment.ts';

const US = 'anker-2025-us-a1263';
const units = demoUnits(US);

describe.runIf(chromiumAvailable())('direct notices in Chromium', () => {
  // One e-mail every ten seconds: a wave of three is still sending when the manager pauses it.
  const harness = browserHarness({ noticeRatePerMinute: 6 });

  it('lets a manager upload a list, start a wave and pause it; the personal link opens the lookup filled in', async () => {
    await createStaff(
      harness.server.db.kysely,
      { email: 'nora@recalls.example', name: 'Nora Manager', role: 'manager', password: STAFF_PASSWORD },
      'test',
    );
    const context = await harness.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await consoleSignIn(page, harness.server.url, 'nora@recalls.example', STAFF_PASSWORD);
    await page.getByRole('link', { name: 'Notices' }).click();
    await page.locator('.notices .inline-form select').first().selectOption(US);
    const list = [
      'email,name,language,country,serial,model,source',
      `jordan.lee@example.com,Jordan Lee,en,US,${units[0]?.serial},A1263,amazon`,
      `ana@example.es,Ana García,es,US,${units[1]?.serial},A1263,amazon`,
      `kim@example.com,Kim,en,US,${units[2]?.serial},A1263,anker.com`,
      `kim@example.com,Kim,en,US,${units[2]?.serial},A1263,anker.com`,
    ].join('\n');
    const upload = page.getByRole('form', { name: 'Notice list CSV' });
    await upload
      .locator('input[type="file"]')
      .setInputFiles({ name: 'buyers.csv', mimeType: 'text/csv', buffer: Buffer.from(list) });
    await upload.getByRole('button', { name: 'Import', exact: true }).click();
    await expect
      .poll(() => upload.locator('.upload-result').textContent())
      .toMatch(/^4 rows: 3 people added, 1 already listed/);

    await page.getByRole('button', { name: 'Start wave' }).click();
    const pause = page.getByRole('button', { name: 'Pause wave 1' });
    await pause.waitFor();
    await pause.click();
    const resume = page.getByRole('button', { name: 'Resume wave 1' });
    await resume.waitFor();
    const row = page.locator('.wave-table tbody tr').first();
    expect(await row.locator('td').first().textContent()).toBe('paused');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'notices-wave-paused');
    // Paused with people still waiting: nothing more leaves until it is resumed.
    const reached = await harness.server.db.kysely
      .selectFrom('notice_delivery')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(reached.n)).toBeLessThan(3);
    await resume.click();
    await pause.waitFor();

    // The first e-mail released (kept in the outbox: no SMTP here) carries its person's own link.
    const message = await harness.server.db.kysely
      .selectFrom('outbox_message')
      .select(['id', 'text_body', 'to_address'])
      .where('template', '=', 'notice')
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    const token = /\/n#(\S+)/.exec(message.text_body)?.[1] ?? '';
    const owner = await harness.phone('en-US');
    await owner.goto(`${harness.server.url}/n#${token}`);
    const expected = units[['jordan', 'ana', 'kim'].findIndex((name) => message.to_address.startsWith(name))];
    await owner.locator('.result-affected').waitFor();
    expect(await owner.locator('#serial').inputValue()).toBe(expected?.serial);
    if (message.to_address.startsWith('ana'))
      expect(await owner.evaluate(() => document.documentElement.lang)).toBe('es');
    await keepScreenshot(owner, 'notice-link-lookup');
    await expect
      .poll(async () => {
        const delivery = await harness.server.db.kysely
          .selectFrom('notice_delivery')
          .select(['opened_at', 'looked_up_at'])
          .where('message_id', '=', message.id)
          .executeTakeFirstOrThrow();
        return Boolean(delivery.opened_at && delivery.looked_up_at);
      })
      .toBe(true);
    await owner.context().close();
    await context.close();
  });
});
