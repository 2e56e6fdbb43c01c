import { sql } from 'kysely';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CLEAN, labelPhoto } from '../../eval/synthetic-evidence.ts';
import { browserHarness, keepScreenshot, seriousAxeViolations } from '../support/browser.ts';
import { chromiumAvailable } from '../support/environment.ts';

const asFile = (buffer: Buffer) => ({ name: 'IMG_0002.jpg', mimeType: 'image/jpeg', buffer });
const US_CLAIM = '/claim?campaign=anker-2025-us-a1263&model=A1263&serial=';
// Units of the demo lists (campaigns/*.demo.csv) that no other browser test claims.
const US_UNIT = 'AHUKYMEBE3GH49L9';
const OTHER_US_UNIT = 'AH7M4Z2K9C1QR8T3';

describe.runIf(chromiumAvailable())('the owner’s claim flow, without dead ends, in Chromium', () => {
  const harness = browserHarness();
  const phone = (locale: string) => harness.phone(locale);
  const outbox = (template: string) =>
    harness.server.db.kysely
      .selectFrom('outbox_message')
      .selectAll()
      .where('template', '=', template)
      .orderBy('seq')
      .execute();

  it('shows the address for the pre-selected replacement, and keeps the draft and its code across a reload', async () => {
    const page = await phone('en-US');
    await page.goto(`${harness.server.url}${US_CLAIM}${US_UNIT}`);
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Claim: /);
    // The brand's band and the first of three steps.
    expect(await page.locator('.brand-band .brand-logo').textContent()).toBe('ANKER');
    expect(await page.locator('.step-indicator [aria-current="step"]').textContent()).toContain(
      'Your details',
    );

    // Replacement is chosen from the start, and so its address fields are on screen.
    expect(await page.getByLabel('A free replacement power bank (Anker A1388)').isChecked()).toBe(true);
    await page.getByLabel('Street and number').waitFor();
    await page.getByLabel('Full name').fill('Maya Okafor');
    await page.getByLabel('E-mail').fill('maya.okafor@example.com');
    await page.getByLabel('Street and number').fill('12 Elm Street');
    await page.getByLabel('City').fill('Portland');
    await page.getByLabel('Postal code').fill('97201');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'claim-step-1-replacement-address');
    await page.getByRole('button', { name: 'Continue' }).click();

    // The draft has its own page: the code, the example drawn with the owner's own name and code.
    await page.waitForURL(/\/c\/clm_[\w-]+#t=/);
    const code = (await page.getByTestId('claim-code').textContent()) ?? '';
    expect(code).toMatch(/^RK-/);
    const example = (await page.locator('svg.marked-example').textContent()) ?? '';
    expect(example).toContain('Maya Okafor');
    expect(example).toContain(code);
    expect(example).toContain('RECALLED');
    expect(example).not.toContain('Ana García');
    expect(await page.locator('.step-indicator [aria-current="step"]').textContent()).toContain('Photos');
    // Camera first for the unit's photos; a receipt may be a file or a screenshot.
    expect(await page.locator('[data-kind="label"] input[type="file"]').getAttribute('capture')).toBe(
      'environment',
    );
    expect(await page.locator('[data-kind="receipt"] input[type="file"]').getAttribute('capture')).toBeNull();

    // A photo shows at once as a tile with Retake, and is still there after a reload.
    const label = await labelPhoto({ model: 'A1263', serial: US_UNIT }, 11, CLEAN);
    await page.locator('[data-kind="label"] input[type="file"]').setInputFiles(asFile(label));
    const tile = page.locator('[data-kind="label"]');
    await tile.locator('img.photo-preview').waitFor();
    await expect.poll(() => tile.locator('label.button').textContent()).toBe('Retake');
    await expect
      .poll(() => tile.locator('[data-feedback="ok"]').textContent(), { timeout: 30_000 })
      .toContain('We could read the serial and model.');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'claim-step-2-photo-tile');

    await page.reload();
    await expect.poll(() => page.getByTestId('claim-code').textContent()).toBe(code);
    await page.locator('[data-kind="label"] img.photo-preview').waitFor();
    // Coming back to the unit's claim form (the lookup, a bookmark) leads to the same draft.
    await page.goto(`${harness.server.url}${US_CLAIM}${US_UNIT}`);
    await page.waitForURL(/\/c\/clm_[\w-]+#t=/);
    await expect.poll(() => page.getByTestId('claim-code').textContent()).toBe(code);

    // The code was mailed with a link back to the draft, which opens it on another device.
    const [started] = (await outbox('claim_started')).filter(
      (mail) => mail.to_address === 'maya.okafor@example.com',
    );
    expect(started?.text_body).toContain(code);
    const link = new URL(/https?:\/\/\S+\/c\/\S+/.exec(started?.text_body ?? '')?.[0] as string);
    const other = await phone('en-US');
    await other.goto(`${harness.server.url}${link.pathname}${link.hash}`);
    await expect.poll(() => other.getByTestId('claim-code').textContent()).toBe(code);
    await other.context().close();
    await page.context().close();
  });

  it('tells the owner plainly when the label shows another serial, and offers to check that one', async () => {
    const page = await phone('en-US');
    await page.goto(`${harness.server.url}${US_CLAIM}${'AH2H0KN3EK4VAX0V'}`);
    await page.getByLabel('A $30 Anker.com gift card').check();
    await page.getByLabel('Full name').fill('Sam Reyes');
    await page.getByLabel('E-mail').fill('sam.reyes@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/c\/clm_[\w-]+#t=/);
    const wrong = await labelPhoto({ model: 'A1263', serial: OTHER_US_UNIT }, 12, CLEAN);
    await page.locator('[data-kind="label"] input[type="file"]').setInputFiles(asFile(wrong));
    const feedback = page.locator('[data-kind="label"] [data-feedback="other-serial"]');
    await expect
      .poll(() => feedback.textContent(), { timeout: 30_000 })
      .toContain(
        `The serial number in this photo, ${OTHER_US_UNIT}, is not the one you entered, AH2H0KN3EK4VAX0V.`,
      );
    expect(await feedback.textContent()).not.toContain('We could read the serial');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'claim-label-other-serial');
    await feedback.getByRole('link', { name: `Check serial ${OTHER_US_UNIT} instead` }).click();
    await page.locator('.result-affected').waitFor();
    expect(await page.locator('#serial').inputValue()).toBe(OTHER_US_UNIT);
    await page.context().close();
  });

  it('says which countries a recall covers, and whom to ask, for a country it does not', async () => {
    const page = await phone('en-US');
    await page.goto(`${harness.server.url}${US_CLAIM}${US_UNIT}`);
    await page.waitForURL(/\/c\/clm_|\/claim\?/);
    // A fresh browser: no draft here, so the form.
    await page.getByLabel('Country where you live').selectOption('MX');
    const notCovered = page.locator('.result-unknown');
    await expect
      .poll(() => notCovered.locator('h2').textContent())
      .toBe('This recall has no remedy for Mexico');
    expect(await notCovered.textContent()).toContain('This recall covers units sold in United States.');
    expect(await notCovered.getByRole('link', { name: 'support@anker.com' }).getAttribute('href')).toBe(
      'mailto:support@anker.com',
    );
    expect(await page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
    expect(await page.locator('body').textContent()).not.toContain('Invalid option');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'claim-country-not-covered');
    await page.context().close();
  });

  it('asks China’s owners for exactly the photos China’s recall defines', async () => {
    const page = await phone('zh-CN');
    await page.goto(`${harness.server.url}/claim?campaign=anker-2025-cn&model=A1647&serial=AC5R9T2M6K8W3N4P`);
    await page.getByLabel('姓名').fill('王芳');
    await page.getByLabel('电子邮箱').fill('wang.fang@example.cn');
    // Units go back to Anker in China: the address is asked for whatever the remedy.
    await page.getByLabel('街道和门牌号').fill('朝阳区建国路 88 号');
    await page.getByLabel('城市').fill('北京');
    await page.getByLabel('邮政编码').fill('100022');
    await page.getByRole('button', { name: '继续' }).click();
    await page.waitForURL(/\/c\/clm_[\w-]+#t=/);
    await page.getByTestId('claim-code').waitFor();
    // No marked photo in this recall: nothing to write on the unit, and no such photo asked for.
    expect(
      await page.locator('.photo-tile').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-kind'))),
    ).toEqual(['label', 'receipt']);
    expect(await page.locator('svg.marked-example').count()).toBe(0);
    expect(await page.locator('.claim-code .hint').textContent()).toMatch(/^请保存此编号/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'claim-cn-evidence-steps');
    await page.context().close();
  });

  it('shows a replaced photo at once and refreshes the page while it is being read', async () => {
    // A claim sent with blank photos: the checks can read nothing and ask the owner for new ones.
    const app = harness.server.app;
    const blank = (shade: number) =>
      sharp({
        create: { width: 1200, height: 900, channels: 3, background: { r: shade, g: shade, b: shade } },
      })
        .jpeg()
        .toBuffer();
    const created = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/claims',
        payload: {
          campaign: 'anker-2025-us-a1263',
          serial: 'AHEXAZYZ07J9W3GZ',
          model: 'A1263',
          remedy: 'gift_card',
          claimant: { name: 'Lee Chan', email: 'lee.chan@example.com', country: 'US', language: 'en' },
        },
      })
    ).json();
    const bearer = { authorization: `Bearer ${created.accessToken}` };
    for (const [kind, shade] of [
      ['label', 230],
      ['marked', 220],
    ] as const) {
      const form = new FormData();
      form.append('kind', kind);
      form.append('file', new Blob([new Uint8Array(await blank(shade))], { type: 'image/jpeg' }), 'p.jpg');
      expect(
        (
          await app.inject({
            method: 'POST',
            url: `/api/v1/claims/${created.id}/evidence`,
            payload: form,
            headers: bearer,
          })
        ).statusCode,
      ).toBe(201);
    }
    await app.inject({
      method: 'POST',
      url: `/api/v1/claims/${created.id}/submit`,
      payload: { disposalAttested: true },
      headers: bearer,
    });

    const page = await phone('en-US');
    await page.goto(`${harness.server.url}/c/${created.id}#t=${created.accessToken}`);
    // The page follows the verification by itself, to the request for new photos.
    await expect
      .poll(() => page.locator('.status-label').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('needs_info');
    const photos = page.locator('.thumbnails');
    await expect.poll(() => photos.locator('img.thumbnail').count()).toBe(2);
    const labelThumbnail = photos.locator('img.thumbnail[alt="Photo of the label"]');
    const before = await labelThumbnail.getAttribute('src');

    const label = await labelPhoto({ model: 'A1263', serial: 'AHEXAZYZ07J9W3GZ' }, 13, CLEAN);
    await page.locator('[data-kind="label"] input[type="file"]').setInputFiles(asFile(label));
    // The new photo at once in its tile, then in the claim's photos once read: no resubmission, no broken image.
    await page.locator('[data-kind="label"] img.photo-preview').waitFor();
    await expect
      .poll(
        async () =>
          (await labelThumbnail.count()) === 1 && (await labelThumbnail.getAttribute('src')) !== before,
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    expect(
      await photos
        .locator('img.thumbnail')
        .evaluateAll((images) => images.every((image) => (image as HTMLImageElement).naturalWidth > 0)),
    ).toBe(true);
    expect(await page.locator('.status-label').getAttribute('data-status')).toBe('needs_info');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'status-photo-replaced');
    await page.context().close();
  });

  it('sends a lost link from the footer, and points a broken link there', async () => {
    const page = await phone('es-ES');
    await page.goto(`${harness.server.url}/c/clm_nothing#t=wrong`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await alert.getByRole('link', { name: '¿Perdió el enlace de su reclamación?' }).click();
    await page.waitForURL('**/lost-link');
    await page.getByLabel('Correo electrónico').fill('maya.okafor@example.com');
    await page.getByRole('button', { name: 'Enviarme mis enlaces' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('Si hay una reclamación con maya.okafor@example.com');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'lost-link');
    // Maya's draft (the first test) got a fresh link by mail.
    await expect
      .poll(async () =>
        (await outbox('claim_link')).some((mail) => mail.to_address === 'maya.okafor@example.com'),
      )
      .toBe(true);
    // The footer offers it on every owner page.
    await page.goto(harness.server.url);
    expect(
      await page
        .locator('.site-footer')
        .getByRole('link', { name: '¿Perdió el enlace de su reclamación?' })
        .count(),
    ).toBe(1);
    await page.context().close();
  });

  it('says one thing about a closed recall: closed, what to do now, whom to ask', async () => {
    const db = harness.server.db;
    await db.transaction(async (tx) => {
      await tx.kysely
        .updateTable('campaign')
        .set({
          status: 'closed',
          definition: sql`jsonb_set(definition, '{status}', '"closed"')`,
        })
        .where('slug', '=', 'anker-2025-global-5-models')
        .execute();
      await tx.kysely.updateTable('catalog_revision').set({ revision: sql`revision + 1` }).execute();
    });
    await harness.server.catalog.refresh();

    const page = await phone('en-US');
    await page.goto(harness.server.url);
    await page.locator('#serial').fill('AG5K2M8R4T6W9X3N'); // listed without a market
    await page.getByRole('button', { name: 'Check' }).click();
    const match = page.locator('.result-affected .match');
    await match.waitFor();
    const text = (await match.textContent()) ?? '';
    expect(text).toContain('Claims for this recall are closed.');
    expect(text).not.toMatch(/Start a claim/);
    expect(await match.getByRole('link', { name: 'Start a claim' }).count()).toBe(0);
    // A visitor in the US reads the remedies of the US, not "everywhere else".
    expect(await match.locator('h4').allTextContents()).toContain('What you can get (United States)');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'lookup-closed-recall');

    await page.goto(`${harness.server.url}/recalls/anker-2025-global-5-models`);
    await page.locator('.notice').waitFor();
    expect(await page.locator('.notice').textContent()).toContain('support@anker.com');
    expect(await page.locator('ol.steps').textContent()).not.toMatch(/Start a claim/);

    await page.goto(
      `${harness.server.url}/claim?campaign=anker-2025-global-5-models&model=A1647&serial=AG5K2M8R4T6W9X3N`,
    );
    await expect
      .poll(() => page.locator('h2').first().textContent())
      .toBe('Claims for this recall are closed.');
    expect(await page.getByRole('button', { name: 'Continue' }).count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });
});
