import { describe, expect, it } from 'vitest';
import { browserHarness, keepScreenshot, seriousAxeViolations } from '../support/browser.ts';
import { chromiumAvailable } from '../support/environment.ts';

const US_SERIAL = 'AH7M4Z2K9C1QR8T3';

describe.runIf(chromiumAvailable())('public lookup pages in Chromium', () => {
  const harness = browserHarness();
  const phone = (locale: string) => harness.phone(locale);

  it('answers a typed serial with the recall and its remedies, in English, accessibly', async () => {
    const page = await phone('en-US');
    await page.goto(harness.server.url);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Is your product recalled?');
    await expect
      .poll(() => page.locator('svg.label-picture').getAttribute('aria-label'))
      .toMatch(/serial number/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.locator('#serial').pressSequentially('ah7m 4z2k 9c1q r8t3', { delay: 20 }); // as you type: no submit
    const result = page.locator('.result-affected');
    await result.waitFor();
    expect(await result.locator('h2').textContent()).toBe('Recalled: stop using it now');
    expect(await result.locator('h3').textContent()).toBe('Anker PowerCore 10000 power bank (A1263)');
    expect(await result.locator('[data-remedy]').allTextContents()).toEqual([
      'A free replacement power bank (Anker A1388)',
      'A $30 Anker.com gift card',
    ]);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await result.getByRole('link', { name: 'Read the full recall notice' }).click();
    await page.waitForURL('**/recalls/anker-2025-us-a1263');
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('Anker PowerCore 10000 power bank (A1263)');
    expect(await page.locator('.hazard-banner').textContent()).toMatch(/overheat and catch fire/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('never shows "not recalled" for part of a serial, a stray letter or the model number', async () => {
    const page = await phone('en-US');
    await page.goto(harness.server.url);
    const serial = page.locator('#serial');
    // The placeholder shows the shape of a serial, not a recalled one.
    await expect.poll(() => serial.getAttribute('placeholder')).toBe('XXXX XXXX XXXX XXXX');

    // 12 of 16 characters and a pause: nothing is checked while the input cannot be whole.
    await serial.pressSequentially('AH7M-4Z2K-9C1Q', { delay: 20 });
    await page.waitForTimeout(1200);
    expect(await page.locator('.result').count()).toBe(0);

    // Check pressed on it: "not a complete serial number", with the picture of where it is.
    await page.getByRole('button', { name: 'Check' }).click();
    const unknown = page.locator('.result-unknown');
    await unknown.waitFor();
    expect(await unknown.locator('h2').textContent()).toBe('Not a complete serial number');
    expect(await unknown.textContent()).toMatch(/printed on the bottom/);
    expect(await unknown.locator('svg.label-picture').count()).toBe(1);
    expect(await page.locator('.result-clear').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'lookup-partial-serial');

    await serial.fill('x');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => unknown.locator('.result-message').textContent()).toMatch(/^X is not a complete/);

    await serial.fill('A1263');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect
      .poll(() => unknown.locator('h2').textContent())
      .toBe('That is the model number, not the serial number');
    expect(await unknown.locator('.result-message').textContent()).toMatch(
      /A1263 is the model number of the Anker PowerCore 10000.*enter the serial number/,
    );
    expect(await page.locator('.result-clear').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'lookup-model-number');
    await page.context().close();
  });

  it('speaks Chinese to a Chinese browser, and checks on submit', async () => {
    const page = await phone('zh-CN');
    await page.goto(harness.server.url);
    await expect.poll(() => page.locator('h1').textContent()).toBe('您的产品是否被召回？');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.getByRole('textbox', { name: '序列号' }).fill(US_SERIAL);
    await page.getByRole('button', { name: '查询' }).click();
    const result = page.locator('.result-affected');
    await result.waitFor();
    expect(await result.locator('h2').textContent()).toBe('已召回：请立即停止使用');
    expect(await result.locator('[data-remedy]').allTextContents()).toEqual([
      '免费更换新移动电源（Anker A1388）',
      '一张 30 美元的 Anker.com 礼品卡',
    ]);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.goto(`${harness.server.url}/recalls/anker-2025-cn`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Anker 移动电源召回（中国，7 个型号）');
    expect(await page.locator('.jurisdiction [data-remedy]').allTextContents()).toEqual([
      '全额退款',
      '更换升级款移动电源',
      'Anker 商城代金券',
    ]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('offers the look-alike serial the owner probably meant, and explains bad input in Spanish', async () => {
    const page = await phone('es-ES');
    await page.goto(harness.server.url);
    await page.locator('#serial').fill('AGSK2M8R4T6W9X3N'); // S for 5
    await page.getByRole('button', { name: 'Comprobar' }).click();
    const suggestion = page.locator('.result-suggestion');
    await suggestion.waitFor();
    await suggestion.getByRole('button', { name: 'Comprobar AG5K2M8R4T6W9X3N' }).click();
    await page.locator('.result-affected').waitFor();
    expect(await page.locator('.result-affected h3').textContent()).toContain('A1257');

    await page.locator('#serial').fill('AB<12>');
    await page.getByRole('button', { name: 'Comprobar' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'Un número de serie solo tiene letras y números. Revise lo que ha escrito.',
    );

    await page.locator('#serial').fill('AAAA BBBB CCCC DDDD');
    await page.locator('.result-clear').waitFor();
    expect(await page.locator('.result-clear h2').textContent()).toBe('No está retirado');
    await page.context().close();
  });
});
