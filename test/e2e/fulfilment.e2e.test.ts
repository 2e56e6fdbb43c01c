import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStaff } from '../../src/server/modules/staff/staff-accounts.ts';
import { browserHarness, consoleSignIn } from '../support/browser.ts';
import { demoSerials, storedStatus } from '../support/claims.ts';
import { STAFF_PASSWORD } from '../support/console.ts';
import { chromiumAvailable } from '../support/environment.ts';

const serials = demoSerials('anker-2025-us-a1263');

describe.runIf(chromiumAvailable())('fulfilment in Chromium', () => {
  const harness = browserHarness();

  async function api(path: string, body: object, headers: Record<string, string> = {}) {
    const response = await fetch(`${harness.server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: await response.json(),
      cookie: response.headers.get('set-cookie'),
    };
  }

  it('exports a shipment batch, imports its tracking, and the owner sees the tracking link', async () => {
    const db = harness.server.db;
    // An owner whose power bank burnt claims a replacement, and a supervisor approves it.
    const created = await api('/api/v1/claims', {
      campaign: 'anker-2025-us-a1263',
      serial: serials[650],
      model: 'A1263',
      remedy: 'replacement',
      hasUnit: false,
      orderNumber: '113-0000650',
      claimant: { name: 'Jordan Lee', email: 'jordan@example.com', country: 'US', language: 'en' },
      address: { line1: '12 Oak Avenue', city: 'Portland', region: 'OR', postalCode: '97201', country: 'US' },
    });
    const claim = created.body as { id: string; accessToken: string };
    await api(
      `/api/v1/claims/${claim.id}/submit`,
      { disposalAttested: true },
      { authorization: `Bearer ${claim.accessToken}` },
    );
    const status = () => storedStatus(db, claim.id);
    await expect.poll(status, { timeout: 30_000 }).toBe('needs_review');
    await createStaff(
      db.kysely,
      { email: 'sam@recalls.example', name: 'Sam', role: 'supervisor', password: STAFF_PASSWORD },
      'test',
    );
    const login = await api('/api/v1/console/session', {
      email: 'sam@recalls.example',
      password: STAFF_PASSWORD,
    });
    const cookie = (login.cookie ?? '').split(';')[0] as string;
    const decided = await api(
      `/api/v1/console/claims/${claim.id}/decision`,
      { action: 'approve' },
      { cookie, 'x-csrf-token': login.body.csrfToken },
    );
    expect(decided.body.status).toBe('approved');
    const remedyState = async () =>
      (
        await db.kysely
          .selectFrom('remedy')
          .select('state')
          .where('claim_id', '=', claim.id)
          .executeTakeFirstOrThrow()
      ).state;
    await expect.poll(remedyState, { timeout: 15_000 }).toBe('ready_to_ship');

    await createStaff(
      db.kysely,
      { email: 'fran@recalls.example', name: 'Fran', role: 'fulfilment', password: STAFF_PASSWORD },
      'test',
    );
    const context = await harness.browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1300, height: 900 },
    });
    const page = await context.newPage();
    await consoleSignIn(page, harness.server.url, 'fran@recalls.example', STAFF_PASSWORD);
    await page.getByRole('heading', { name: 'Fulfilment' }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export the next shipment batch' }).click(),
    ]);
    const csv = fs.readFileSync((await download.path()) as string, 'utf8');
    const [header, line] = csv.trim().split('\r\n');
    expect(header?.startsWith('order_id,sku,quantity,name')).toBe(true);
    expect(line).toContain(',A1388,1,Jordan Lee,12 Oak Avenue,,Portland,OR,97201,US,');
    const orderId = line?.split(',')[0] as string;

    // The warehouse sends back its tracking numbers.
    const tracking = `order_id,carrier,tracking_number\n${orderId},UPS,1Z999AA10123456784\n`;
    const trackingForm = page.getByRole('form', { name: /Import tracking numbers/ });
    await trackingForm
      .locator('input[type="file"]')
      .setInputFiles({ name: 'tracking.csv', mimeType: 'text/csv', buffer: Buffer.from(tracking) });
    await trackingForm.getByRole('button', { name: 'Import', exact: true }).click();
    await expect
      .poll(() => trackingForm.locator('.upload-result').textContent(), { timeout: 15_000 })
      .toContain('1 shipped');

    // The owner's status page shows the carrier and the tracking link.
    const owner = await (await harness.browser.newContext({ locale: 'en-US' })).newPage();
    await owner.goto(`${harness.server.url}/c/${claim.id}#t=${claim.accessToken}`);
    const link = owner.locator('a.tracking-link');
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('href')).toBe('https://www.ups.com/track?tracknum=1Z999AA10123456784');
    expect(await link.textContent()).toContain('UPS');
    expect(await owner.locator('.status-label').getAttribute('data-status')).toBe('fulfilled');
    await owner.context().close();
    await context.close();
  });
});
