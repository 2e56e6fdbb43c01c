import { describe, expect, it } from 'vitest';
import { CLEAN, labelPhoto, markedPhoto } from '../../eval/synthetic-evidence.ts';
import { browserHarness, seriousAxeViolations } from '../support/browser.ts';
import { chromiumAvailable } from '../support/environment.ts';

const asFile = (buffer: Buffer) => ({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer });

describe.runIf(chromiumAvailable())('claiming in Chromium', () => {
  const harness = browserHarness();
  const phone = (locale: string) => harness.phone(locale);

  it('claims from the home page through submission, then follows the claim on its status page', async () => {
    const page = await phone('en-US');
    await page.goto(harness.server.url);
    await page.locator('#serial').fill('AH7M-4Z2K-9C1Q-R8T3');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('link', { name: 'Start a claim' }).click();
    await page.waitForURL('**/claim?**');
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('Claim: Anker PowerCore 10000 power bank (A1263)');

    await page.getByLabel('Full name').fill('Jordan Lee');
    await page.getByLabel('E-mail').fill('jordan.lee@example.com');
    await page.getByLabel('A $30 Anker.com gift card').check();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Continue' }).click();

    const code = page.getByTestId('claim-code');
    await code.waitFor();
    const claimCode = (await code.textContent()) ?? '';
    expect(claimCode).toMatch(/^RK-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(await page.locator('svg.label-picture').first().textContent()).toContain(claimCode); // the example photo
    const submit = page.getByRole('button', { name: 'Send my claim' });
    expect(await submit.isDisabled()).toBe(true);

    const today = new Date().toISOString().slice(0, 10);
    const label = await labelPhoto({ model: 'A1263', serial: 'AH7M4Z2K9C1QR8T3' }, 1, {
      ...CLEAN,
      rotate: 5,
    });
    await page.locator('[data-kind="label"] input[type="file"]').setInputFiles(asFile(label));
    // Photo 2 without the claim code and the word: the form says so within seconds…
    const forgot = await markedPhoto({ name: 'Jordan Lee', date: today }, 2, CLEAN);
    await page.locator('[data-kind="marked"] input[type="file"]').setInputFiles(asFile(forgot));
    const marked = page.locator('[data-kind="marked"]');
    await expect
      .poll(() => marked.locator('[data-feedback="retake"]').textContent(), { timeout: 30_000 })
      .toContain('We could not read the word RECALLED');
    expect(await marked.locator('[data-feedback="retake"]').textContent()).toContain(
      `We could not read the claim code ${claimCode}`,
    );
    await expect
      .poll(() => page.locator('[data-kind="label"] [data-feedback="ok"]').textContent(), { timeout: 30_000 })
      .toContain('We could read the serial and model.');
    // …and the retaken photo passes.
    const retaken = await markedPhoto(
      { word: 'RECALLED', name: 'Jordan Lee', date: today, code: claimCode },
      3,
      CLEAN,
    );
    await page.locator('[data-kind="marked"] input[type="file"]').setInputFiles(asFile(retaken));
    await expect
      .poll(() => marked.locator('[data-feedback="ok"]').textContent(), { timeout: 30_000 })
      .toContain('We could read everything we need.');
    await page.getByLabel(/hazardous-waste or battery drop-off point/).check();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await submit.click();

    await page.waitForURL(/\/c\/clm_[\w-]+#t=/);
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Your claim ${claimCode}`);
    // The in-process worker checks the claim, approves it and sends the gift card; the page follows.
    await expect
      .poll(() => page.locator('.status-label').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('fulfilled');
    expect(await page.locator('.remedy-code').textContent()).toMatch(/^DEMO-[A-Z0-9]{4}-/);
    expect(await page.locator('.timeline li').allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Claim started'),
        expect.stringContaining('Claim sent'),
      ]),
    );
    await expect.poll(() => page.locator('img.thumbnail').count()).toBe(2);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The same page, opened from the link in the e-mail the owner got (moments that came together
    // went out as one: the others are merged into it).
    const mail = await harness.server.db.kysely
      .selectFrom('outbox_message')
      .selectAll()
      .where('claim_id', '=', /\/c\/(clm_[\w-]+)/.exec(page.url())?.[1] ?? '')
      .where('template', 'in', ['claim_received', 'approved', 'remedy_sent'])
      .where('state', '!=', 'merged')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    const link = /https?:\/\/\S+\/c\/\S+/.exec(mail.text_body)?.[0] as string;
    const fromMail = await phone('en-US');
    await fromMail.goto(`${harness.server.url}${new URL(link).pathname}${new URL(link).hash}`);
    await expect.poll(() => fromMail.locator('h1').textContent()).toBe(`Your claim ${claimCode}`);
    await page.context().close();
    await fromMail.context().close();
  });

  it('walks the first steps in Chinese', async () => {
    const page = await phone('zh-CN');
    await page.goto(
      `${harness.server.url}/claim?campaign=anker-2025-global-5-models&serial=AG3P7X5N2W8K4R6T&model=A1257`,
    );
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('申请：Anker 移动电源 A1257、A1647、A1652、A1681 和 A1689');
    await page.getByLabel('姓名').fill('李伟');
    await page.getByLabel('电子邮箱').fill('li.wei@example.cn');
    await page.getByLabel('全额退款').check();
    await page.getByRole('button', { name: '继续' }).click();
    await page.getByTestId('claim-code').waitFor();
    expect(await page.locator('.claim-code .hint').textContent()).toBe(
      '请用记号笔在产品上写下此编号，以及下方示例中显示的内容。请保存好：本页面和我们发送给您的邮件都可以带您回到此申请。',
    );
    expect(await page.locator('.photo-label').first().textContent()).toBe('标签照片');
    // The example is drawn with the owner's own name and code.
    const code = (await page.getByTestId('claim-code').textContent()) ?? '';
    expect(await page.locator('svg.marked-example').textContent()).toContain(`李伟`);
    expect(await page.locator('svg.marked-example').textContent()).toContain(code);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });
});
