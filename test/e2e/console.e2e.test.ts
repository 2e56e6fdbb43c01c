import { describe, expect, it } from 'vitest';
import { createStaff } from '../../src/server/modules/staff/staff-accounts.ts';
import { browserHarness, consoleSignIn, seriousAxeViolations } from '../support/browser.ts';
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
      .toContain(`${claims[2]?.code}: needs info`);
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
});
