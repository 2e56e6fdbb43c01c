import { describe, expect, it } from 'vitest';
import { createStaff } from '../../src/server/modules/staff/staff-accounts.ts';
import { browserHarness, consoleSignIn, keepScreenshot, seriousAxeViolations } from '../support/browser.ts';
import { demoSerials, storedStatus } from '../support/claims.ts';
import { STAFF_PASSWORD } from '../support/console.ts';
import { chromiumAvailable } from '../support/environment.ts';

const serials = demoSerials('anker-2025-us-a1263');

describe.runIf(chromiumAvailable())('the review console in Chromium', () => {
  const harness = browserHarness();

  /** A claim waiting for a person, made through the public API: the owner's unit burnt, so no photos to read. */
  async function claimInReview(index: number, name: string, language: string) {
    const api = (path: string, body: object, token?: string) =>
      fetch(`${harness.server.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const serial = serials[600 + index] as string;
    const created = await api('/api/v1/claims', {
      campaign: 'anker-2025-us-a1263',
      serial,
      model: 'A1263',
      remedy: 'gift_card',
      hasUnit: false,
      orderNumber: `113-000${index}`,
      claimant: { name, email: `owner${index}@example.com`, country: 'US', language },
    });
    expect(created.status).toBe(201);
    const claim = created.body as { id: string; code: string; accessToken: string };
    expect(
      (await api(`/api/v1/claims/${claim.id}/submit`, { disposalAttested: true }, claim.accessToken)).status,
    ).toBe(200);
    return claim;
  }

  it('lets a reviewer work three claims with the keyboard; the owners’ status pages and e-mails follow', async () => {
    const db = harness.server.db;
    const claims = [
      await claimInReview(1, 'Jordan Lee', 'en'),
      await claimInReview(2, 'Ana García', 'es'),
      await claimInReview(3, 'Wei Zhang', 'zh-CN'),
    ];
    const status = (claim: { id: string }) => storedStatus(db, claim.id);
    await expect
      .poll(async () => Promise.all(claims.map(status)), { timeout: 30_000 })
      .toEqual(['needs_review', 'needs_review', 'needs_review']);
    await createStaff(
      db.kysely,
      { email: 'riley@recalls.example', name: 'Riley Reviewer', role: 'reviewer', password: STAFF_PASSWORD },
      'test',
    );

    const context = await harness.browser.newContext({
      locale: 'en-US',
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    await consoleSignIn(page, harness.server.url, 'riley@recalls.example', STAFF_PASSWORD);

    // The queue opens on the claim that has waited longest.
    const title = page.locator('#claim-title');
    await expect.poll(() => title.textContent(), { timeout: 15_000 }).toContain(claims[0]?.code);
    expect(await page.locator('.queue-item').count()).toBe(3);
    expect(await page.locator('.claim-view').textContent()).toContain('No longer has it');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // ? shows the shortcuts.
    await page.keyboard.press('?');
    await expect.poll(() => page.getByRole('dialog').textContent()).toContain('request information');
    await page.keyboard.press('Escape');

    // 1: approve with a, then Enter on the confirmation.
    await page.keyboard.press('a');
    await expect.poll(() => page.locator('.decision-panel h2').textContent()).toContain('Approve');
    await page.keyboard.press('Enter');
    await expect.poll(() => title.textContent()).toContain(claims[1]?.code);

    // 2: reject with r: the first reason, a message, Ctrl+Enter.
    await page.keyboard.press('r');
    await expect
      .poll(() => page.locator('.decision-panel select').evaluate((el) => el === document.activeElement))
      .toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.type('El número de serie no está en la lista.');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => title.textContent()).toContain(claims[2]?.code);

    // 3: ask for information with i: pick the last problem (proof of purchase) and press Enter.
    await page.keyboard.press('i');
    await expect
      .poll(() => page.locator('.decision-panel select').evaluate((el) => el === document.activeElement))
      .toBe(true);
    await page.locator('.decision-panel select').selectOption('proof_of_purchase');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('.console-notice').textContent())
      .toContain(`${claims[2]?.code}: waiting for the owner`);
    await expect.poll(() => page.locator('.queue-item').count()).toBe(0);

    // The approved claim's gift card goes out at once (the in-process worker).
    await expect
      .poll(() => Promise.all(claims.map(status)), { timeout: 15_000 })
      .toEqual(['fulfilled', 'rejected', 'needs_info']);
    const mails = await db.kysely
      .selectFrom('outbox_message')
      .select(['claim_id', 'template', 'language', 'text_body'])
      .where('template', 'in', ['approved', 'rejected', 'info_needed'])
      .execute();
    const mailOf = (claim: { id: string }) => mails.find((m) => m.claim_id === claim.id);
    expect(mailOf(claims[0] as { id: string })).toMatchObject({ template: 'approved', language: 'en' });
    expect(mailOf(claims[1] as { id: string })).toMatchObject({ template: 'rejected', language: 'es' });
    expect(mailOf(claims[1] as { id: string })?.text_body).toContain(
      'El número de serie no está en la lista.',
    );
    expect(mailOf(claims[2] as { id: string })).toMatchObject({ template: 'info_needed', language: 'zh-CN' });
    expect(mailOf(claims[2] as { id: string })?.text_body).toContain('请发送收据或订单确认的照片');

    // Each owner's status page shows the decision.
    for (const [claim, expected, language] of [
      [claims[0], 'fulfilled', 'en-US'],
      [claims[1], 'rejected', 'es-ES'],
      [claims[2], 'needs_info', 'zh-CN'],
    ] as const) {
      const owner = await (await harness.browser.newContext({ locale: language })).newPage();
      await owner.goto(`${harness.server.url}/c/${claim?.id}#t=${claim?.accessToken}`);
      await expect
        .poll(() => owner.locator('.status-label').getAttribute('data-status'), { timeout: 15_000 })
        .toBe(expected);
      if (expected === 'rejected')
        expect(await owner.locator('.status-note').textContent()).toContain(
          'La unidad de las fotos no es una de las unidades retiradas.',
        );
      if (expected === 'needs_info') {
        // The owner reads what is missing in Chinese, and sends the claim back.
        expect(await owner.locator('.status-note').textContent()).toContain('请发送收据或订单确认的照片');
        await owner.getByRole('button', { name: '重新提交申请' }).click();
        await expect
          .poll(() => owner.locator('.status-label').getAttribute('data-status'), { timeout: 15_000 })
          .toMatch(/verifying|needs_review/);
        await expect.poll(() => status(claim as { id: string }), { timeout: 15_000 }).toBe('needs_review');
      }
      await owner.context().close();
    }

    // The audit trail has the reviewer's views and decisions.
    const audit = await db.kysely
      .selectFrom('audit_event')
      .select('action')
      .where('actor_email', '=', 'riley@recalls.example')
      .execute();
    expect(audit.filter((a) => a.action === 'claim.decided')).toHaveLength(3);
    expect(audit.some((a) => a.action === 'session.login')).toBe(true);
    await context.close();
  });

  it('finds any claim in words, names people, and asks before what is hard to undo', async () => {
    const db = harness.server.db;
    // The first test's claims: one fulfilled (no longer in any queue), one rejected.
    const done = await db.kysely
      .selectFrom('claim')
      .select(['id', 'code', 'claimant'])
      .where('status', '=', 'fulfilled')
      .executeTakeFirstOrThrow();
    for (const [email, role] of [
      ['sam@recalls.example', 'supervisor'],
      ['ada@recalls.example', 'admin'],
      ['max@recalls.example', 'manager'],
    ] as const)
      await createStaff(
        db.kysely,
        { email, name: email.split('@')[0], role, password: STAFF_PASSWORD },
        'test',
      );
    const context = await harness.browser.newContext({
      locale: 'en-US',
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    await consoleSignIn(page, harness.server.url, 'sam@recalls.example', STAFF_PASSWORD);
    await page.getByRole('link', { name: 'Find claims' }).click();

    // By claim code, typed as an owner reads it out; then by e-mail: found whatever its status.
    const search = page.getByLabel('Claim code, e-mail, serial, order number or name');
    await search.fill(done.code.toLowerCase().replaceAll('-', ' '));
    await page.getByRole('button', { name: 'Find' }).click();
    const row = page.locator('table.data tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('[data-status]').textContent()).toBe('Remedy received');
    await search.fill(done.claimant.email);
    await page.getByRole('button', { name: 'Find' }).click();
    await expect.poll(() => row.first().textContent()).toContain(done.code);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'console-find-claims');
    // The filtered list as CSV.
    const csv = await page.request.get(
      `${harness.server.url}/api/v1/console/claims/search/export?q=${encodeURIComponent(done.claimant.email)}`,
    );
    expect(csv.headers()['content-type']).toMatch(/text\/csv/);
    expect((await csv.text()).split('\r\n')[1]).toContain(done.code);

    // The claim in people's words: statuses, events, the people who decided.
    await row.first().getByRole('link', { name: done.code }).click();
    const view = page.locator('.claim-view');
    await expect.poll(() => view.locator('h2').textContent()).toContain('Remedy received');
    const text = (await view.textContent()) ?? '';
    expect(text).toContain('Status changed: Needs review');
    expect(text).toContain('Riley Reviewer');
    expect(text).not.toMatch(/needs_review|staff:stf_|gift_card/);
    await keepScreenshot(page, 'console-claim-in-words');

    // The queue's own polling leaves one audit line for one view, not one a refresh.
    await page.getByRole('link', { name: 'Review' }).click();
    await page.waitForTimeout(500);
    await page.reload();
    await page.waitForTimeout(500);
    const listed = await db.kysely
      .selectFrom('audit_event')
      .select('id')
      .where('actor_email', '=', 'sam@recalls.example')
      .where('action', '=', 'claims.listed')
      .execute();
    expect(listed).toHaveLength(1);
    await context.close();

    // An admin deactivates a staff member only after reading what it does, and can undo it.
    const admin = await (
      await harness.browser.newContext({ viewport: { width: 1400, height: 1000 } })
    ).newPage();
    await consoleSignIn(admin, harness.server.url, 'ada@recalls.example', STAFF_PASSWORD);
    await admin.getByRole('link', { name: 'Staff' }).click();
    const riley = admin.locator('tr', { hasText: 'riley@recalls.example' });
    await riley.getByRole('button', { name: 'Deactivate…' }).click();
    const dialog = admin.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('They are signed out at once');
    expect(await seriousAxeViolations(admin)).toEqual([]);
    await keepScreenshot(admin, 'console-deactivate-confirm');
    await dialog.getByRole('button', { name: 'Keep the account' }).click();
    expect(await riley.textContent()).toContain('active');
    await riley.getByRole('button', { name: 'Deactivate…' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Deactivate', exact: true }).click();
    await expect.poll(() => riley.textContent()).toContain('deactivated');
    await riley.getByRole('button', { name: 'Reactivate' }).click();
    await expect.poll(() => riley.getByRole('button', { name: 'Deactivate…' }).count()).toBe(1);
    await admin.context().close();

    // A manager's "Close" says it closes claims for the recall, and asks first.
    const manager = await (
      await harness.browser.newContext({ viewport: { width: 1400, height: 1000 } })
    ).newPage();
    await consoleSignIn(manager, harness.server.url, 'max@recalls.example', STAFF_PASSWORD);
    await manager.goto(`${harness.server.url}/console/campaigns/anker-2025-us-a1263`);
    await manager.getByRole('button', { name: 'Close claims for this recall…' }).click();
    const close = manager.getByRole('dialog');
    await expect.poll(() => close.textContent()).toContain('New claims are refused from now on');
    await keepScreenshot(manager, 'console-close-campaign-confirm');
    await close.getByRole('button', { name: 'Keep claims open' }).click();
    expect(await manager.getByTestId('campaign-status').getAttribute('data-status')).toBe('active');

    // A new campaign from the form, as a draft, with its file to download.
    await manager.goto(`${harness.server.url}/console/campaigns`);
    await manager.getByRole('link', { name: 'New campaign' }).click();
    await manager.getByLabel('Title', { exact: true }).fill('Acme PowerPack 5000 (P5000)');
    expect(await manager.getByLabel('Address name (slug)').inputValue()).toBe('acme-powerpack-5000-p5000');
    await manager.getByLabel('Hazard', { exact: true }).fill('The battery can overheat and catch fire.');
    await manager.getByLabel('Model code', { exact: true }).fill('P5000');
    await manager.getByLabel('Name', { exact: true }).fill('Acme PowerPack 5000');
    await manager.getByLabel('Gift card amount (empty: none)').fill('25');
    await manager.getByLabel('Brand name', { exact: true }).fill('Acme');
    await manager.getByLabel('Support e-mail').fill('help@acme.example');
    expect(await seriousAxeViolations(manager)).toEqual([]);
    await keepScreenshot(manager, 'console-new-campaign-form');
    await manager.getByRole('button', { name: 'Create the draft' }).click();
    await manager.waitForURL('**/console/campaigns/acme-powerpack-5000-p5000');
    await expect.poll(() => manager.getByTestId('campaign-status').getAttribute('data-status')).toBe('draft');
    const created = await db.kysely
      .selectFrom('campaign')
      .select('definition')
      .where('slug', '=', 'acme-powerpack-5000-p5000')
      .executeTakeFirstOrThrow();
    expect(created.definition).toMatchObject({
      brand: { name: 'Acme', support: { email: 'help@acme.example' } },
      models: [{ code: 'P5000' }],
      jurisdictions: [
        { country: 'US', remedies: [{ kind: 'gift_card', value: { amountMinor: 2500, currency: 'USD' } }] },
      ],
    });
    await manager.locator('summary', { hasText: 'as YAML' }).click();
    const download = manager.waitForEvent('download');
    await manager.getByRole('button', { name: 'Download as a campaign file (YAML)' }).click();
    expect((await download).suggestedFilename()).toBe('acme-powerpack-5000-p5000.yaml');
    await manager.context().close();
  });
});
