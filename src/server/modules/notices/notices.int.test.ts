import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsHarness, demoUnits } from '../../../../test/support/claims.ts';
import { type ConsoleClient, signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import { startSmtpServer } from '../../../../test/support/smtp.ts';
import type { Db } from '../../db/database.ts';
import { findCampaign } from '../catalog/catalog.queries.ts';
import { cpscMonthlyReport } from '../reporting/cpsc-monthly.ts';
import { deleteNoticeListsPastRetention } from './notice-retention.ts';

const US = 'anker-2025-us-a1263';
const BOUNCE_TOKEN = 'bounce-token-for-the-test-0123456789abcdef';
const units = demoUnits(US);

const LIST = [
  'email,name,language,country,serial,model,order_id,source,channel',
  `jordan.lee@example.com,Jordan Lee,en,US,${units[0]?.serial},A1263,113-1,amazon,`,
  `ana.garcia@example.es,Ana García,es,US,${units[1]?.serial},A1263,113-2,anker.com,email`,
  `li.wei@example.cn,李伟,zh-CN,US,${units[2]?.serial},,,registration,`,
  'kim@example.com,Kim,,US,,A1263,113-4,amazon,',
  'Jordan.Lee+recall@Example.com,Jordan Lee,en,US,,,113-9,amazon,', // the same person again
  'not-an-address,Pat,en,US,,,,amazon,',
  'pat@example.com,Pat,en,USA,,,,amazon,',
  ',Robin Moss,en,US,,A1263,113-77,walmart-letters,letter', // told by letter: counted, not sent
].join('\n');

describe.each(await testDatabases())('direct notices on $name', ({ open }) => {
  let db: Db;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let h: Awaited<ReturnType<typeof claimsHarness>>;
  let manager: ConsoleClient;

  beforeAll(async () => {
    db = await open();
    smtp = await startSmtpServer();
    h = await claimsHarness(db, {
      config: { smtpUrl: smtp.url, noticeRatePerMinute: 60_000, noticeBounceToken: BOUNCE_TOKEN },
    });
    manager = await signIn(h.app, db, 'manager');
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
    await db?.close();
  });

  const staff = (method: 'GET' | 'POST', url: string, payload?: object) =>
    h.app.inject({
      method,
      url: `/api/v1/console${url}`,
      ...(payload ? { payload } : {}),
      headers: { cookie: manager.cookie, 'x-csrf-token': manager.csrfToken },
    });
  const upload = (url: string, csv: string) => {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'list.csv');
    return h.app.inject({
      method: 'POST',
      url: `/api/v1/console${url}`,
      payload: form,
      headers: { cookie: manager.cookie, 'x-csrf-token': manager.csrfToken },
    });
  };
  const mailsTo = async (address: string) =>
    Promise.all(
      smtp.received.filter((mail) => mail.to.includes(address)).map((mail) => PostalMime.parse(mail.raw)),
    );
  const tokenIn = (text: string | undefined) => /http:\/\/recalls\.test\/n#(\S+)/.exec(text ?? '')?.[1] ?? '';
  const overview = async () => (await staff('GET', `/campaigns/${US}/notices`)).json();

  it('writes once to each person, in their language, with their own link and a one-click unsubscribe', async () => {
    const imported = await upload(`/campaigns/${US}/notices`, LIST);
    expect(imported.statusCode).toBe(201);
    expect(imported.json()).toMatchObject({ rowsTotal: 8, rowsAdded: 5, rowsMerged: 1, rowsRejected: 2 });

    const wave = await staff('POST', `/campaigns/${US}/notices/waves`, {});
    expect(wave.statusCode).toBe(201);
    expect(wave.json()).toMatchObject({
      number: 1,
      kind: 'notice',
      state: 'running',
      figures: { audience: 4 },
    });
    await h.worker.drain();

    expect(smtp.received).toHaveLength(4);
    const [jordan] = await mailsTo('jordan.lee@example.com');
    const [ana] = await mailsTo('ana.garcia@example.es');
    const [li] = await mailsTo('li.wei@example.cn');
    const [kim] = await mailsTo('kim@example.com');
    expect(jordan?.subject).toMatch(/^Safety recall: /);
    expect(jordan?.text).toContain(units[0]?.serial);
    expect(ana?.subject).toMatch(/^Retirada por seguridad: /);
    expect(li?.subject).toMatch(/^安全召回：/);
    expect(li?.html).toContain('<html lang="zh-CN">');
    expect(kim?.subject).toMatch(/^Safety recall: /); // no language given: the campaign's (US: English)
    const header = (mail: typeof jordan, name: string) =>
      mail?.headers.find((h) => h.key === name.toLowerCase())?.value ?? '';
    const token = tokenIn(jordan?.text);
    expect(token).not.toBe('');
    expect(token).not.toContain('jordan');
    expect(header(jordan, 'List-Unsubscribe')).toBe(
      `<http://recalls.test/api/v1/notices/unsubscribe?t=${token}>`,
    );
    expect(header(jordan, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(jordan?.text).toContain(`http://recalls.test/unsubscribe#${token}`);

    const [first] = (await overview()).waves;
    expect(first).toMatchObject({
      state: 'done',
      figures: { audience: 4, sent: 4, delivered: 4, waiting: 0 },
    });
  });

  it('opens the lookup with the serial filled in, and counts the link opened and the unit checked', async () => {
    const [jordan] = await mailsTo('jordan.lee@example.com');
    const token = tokenIn(jordan?.text);
    const opened = await h.app.inject({ method: 'POST', url: '/api/v1/notices/open', payload: { token } });
    expect(opened.statusCode).toBe(200);
    expect(opened.json()).toEqual({ campaign: US, serial: units[0]?.serial, model: 'A1263', language: 'en' });
    const checked = await h.app.inject({
      method: 'POST',
      url: '/api/v1/notices/looked-up',
      payload: { token },
    });
    expect(checked.statusCode).toBe(204);

    const forged = await h.app.inject({
      method: 'POST',
      url: '/api/v1/notices/open',
      headers: { 'accept-language': 'es' },
      payload: { token: `${token.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAA` },
    });
    expect(forged.statusCode).toBe(404);
    expect(forged.json().error).toMatchObject({ code: 'notice_link_invalid' });
    expect(forged.json().error.message).toContain('número de serie');
  });

  it('stops writing to someone who unsubscribed, even when a later list names them again', async () => {
    const [ana] = await mailsTo('ana.garcia@example.es');
    // A mail client's one-click unsubscribe (RFC 8058).
    const oneClick = await h.app.inject({
      method: 'POST',
      url: `/api/v1/notices/unsubscribe?t=${tokenIn(ana?.text)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    expect(oneClick.json()).toEqual({ unsubscribed: true, campaign: US });

    const again = await upload(
      `/campaigns/${US}/notices`,
      'email,name,language,country,source\nana.garcia@example.es,Ana García,es,US,anker.com\nsam@example.com,Sam,en,US,anker.com\n',
    );
    expect(again.json()).toMatchObject({ rowsAdded: 1, rowsMerged: 1 });
    const wave = await staff('POST', `/campaigns/${US}/notices/waves`, { source: 'anker.com' });
    expect(wave.json()).toMatchObject({ number: 2, figures: { audience: 1 } });
    await h.worker.drain();
    expect(await mailsTo('sam@example.com')).toHaveLength(1);
    expect(await mailsTo('ana.garcia@example.es')).toHaveLength(1);

    // Nobody is left for a third wave of that source.
    const none = await staff('POST', `/campaigns/${US}/notices/waves`, { source: 'anker.com' });
    expect(none.statusCode).toBe(409);
    expect(none.json().error.code).toBe('notice_audience_empty');
  });

  it('pauses a wave (nothing more leaves) and resumes it', async () => {
    await upload(
      `/campaigns/${US}/notices`,
      'email,name,language,country,source\nlee@example.com,Lee,en,US,shop\n',
    );
    const wave = (await staff('POST', `/campaigns/${US}/notices/waves`, { source: 'shop' })).json();
    const paused = await staff('POST', `/notices/waves/${wave.id}/pause`);
    expect(paused.json()).toMatchObject({ state: 'paused' });
    await h.worker.drain();
    expect(await mailsTo('lee@example.com')).toHaveLength(0);
    expect((await staff('POST', `/notices/waves/${wave.id}/pause`)).statusCode).toBe(409);
    const resumed = await staff('POST', `/notices/waves/${wave.id}/resume`);
    expect(resumed.json()).toMatchObject({ state: 'running' });
    await h.worker.drain();
    expect(await mailsTo('lee@example.com')).toHaveLength(1);
    expect((await overview()).waves[0]).toMatchObject({ number: 3, state: 'done', figures: { sent: 1 } });
  });

  it('takes bounces and complaints, reminds the silent, and counts each wave and source', async () => {
    const report = (events: object[], token = BOUNCE_TOKEN) =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/notices/bounces',
        headers: { authorization: `Bearer ${token}` },
        payload: { events },
      });
    expect((await report([{ email: 'li.wei@example.cn', type: 'bounce' }], 'wrong')).statusCode).toBe(401);
    const bounced = await report([
      { email: 'li.wei@example.cn', type: 'bounce' },
      { email: 'stranger@example.com', type: 'complaint' },
    ]);
    expect(bounced.json()).toEqual({ matched: 1, unknown: 1 });

    // Jordan (who followed the link) claims: started and submitted.
    await h.inReview({ email: 'jordan.lee@example.com', name: 'Jordan Lee' });

    const [wave1] = (await overview()).waves.filter((w: { number: number }) => w.number === 1);
    expect(wave1.figures).toMatchObject({
      audience: 4,
      sent: 4,
      delivered: 3,
      bounced: 1,
      opened: 1,
      lookedUp: 1,
      claimsStarted: 1,
      claimsSubmitted: 1,
      unitsCorrected: 0,
    });
    const amazon = wave1.bySource.find((s: { source: string }) => s.source === 'amazon');
    expect(amazon.figures).toMatchObject({ audience: 2, sent: 2, opened: 1, claimsStarted: 1 });

    // Three days on, a reminder two days after wave 1 reaches only Kim: Jordan acted, Ana
    // unsubscribed, Li's address bounced.
    const wave1Row = await db.kysely
      .selectFrom('notice_wave')
      .select('id')
      .where('number', '=', 1)
      .executeTakeFirstOrThrow();
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    await db.kysely
      .updateTable('notice_wave')
      .set({ started_at: threeDaysAgo })
      .where('id', '=', wave1Row.id)
      .execute();
    await db.kysely
      .updateTable('notice_delivery')
      .set({ queued_at: threeDaysAgo })
      .where('wave_id', '=', wave1Row.id)
      .execute();
    const reminder = await staff('POST', `/campaigns/${US}/notices/waves`, {
      followUpOf: wave1Row.id,
      afterDays: 2,
    });
    expect(reminder.statusCode).toBe(201);
    expect(reminder.json()).toMatchObject({ kind: 'reminder', state: 'scheduled' });
    await h.worker.drain();
    const kim = await mailsTo('kim@example.com');
    expect(kim.map((mail) => mail.subject)).toEqual([
      expect.stringMatching(/^Safety recall/),
      expect.stringMatching(/^Reminder: /),
    ]);
    const reminded = async (address: string) =>
      (await mailsTo(address)).filter((mail) => mail.subject?.startsWith('Reminder')).length;
    expect(await reminded('jordan.lee@example.com')).toBe(0); // his mail since: his claim's
    expect(await mailsTo('li.wei@example.cn')).toHaveLength(1);
    expect(await mailsTo('ana.garcia@example.es')).toHaveLength(1);
    const [latest] = (await overview()).waves;
    expect(latest).toMatchObject({ kind: 'reminder', state: 'done', figures: { audience: 1, sent: 1 } });

    // The CPSC report's consumers notified, by channel: five people by e-mail, one by letter.
    const campaign = await findCampaign(db.kysely, US);
    const cpsc = await cpscMonthlyReport(
      db.kysely,
      campaign as NonNullable<typeof campaign>,
      new Date().toISOString().slice(0, 7),
    );
    const today = new Date().toISOString().slice(0, 10);
    const dashboard = (await staff('GET', `/dashboard?campaign=${US}&from=${today}&to=${today}`)).json();
    expect(dashboard.notices).toMatchObject({
      notified: { email: 6, mail: 1, phone: 0, other: 0 },
      sent: 7, // six people and Kim's reminder
      opened: 1,
      claimsStarted: 1,
      claimsSubmitted: 1,
    });
    expect(cpsc.consumersNotified).toMatchObject({
      byChannel: { email: 6, mail: 1, phone: 0, other: 0 },
      tracked: true,
    });
  });

  it('shows notice lists to managers and admins only', async () => {
    const reviewer = await signIn(h.app, db, 'reviewer');
    const seen = await h.app.inject({
      method: 'GET',
      url: `/api/v1/console/campaigns/${US}/notices`,
      headers: { cookie: reviewer.cookie },
    });
    expect(seen.statusCode).toBe(403);
  });

  it('deletes a campaign’s lists once it has been closed for the retention period, keeping the waves’ counts', async () => {
    const campaign = await findCampaign(db.kysely, US);
    const id = (campaign as NonNullable<typeof campaign>).id;
    const listed = () =>
      db.kysely.selectFrom('notice_recipient').select('id').where('campaign_id', '=', id).execute();
    expect(await deleteNoticeListsPastRetention(db.kysely, 365)).toBe(0); // still active
    await db.kysely
      .updateTable('campaign')
      .set({ status: 'closed', updated_at: new Date(Date.now() - 400 * 86_400_000) })
      .where('id', '=', id)
      .execute();
    const before = (await listed()).length;
    expect(before).toBeGreaterThan(0);
    expect(await deleteNoticeListsPastRetention(db.kysely, 365)).toBe(before);
    expect(await listed()).toEqual([]);
    expect(await db.kysely.selectFrom('notice_delivery').select('id').execute()).toEqual([]);
    const waves = await db.kysely
      .selectFrom('notice_wave')
      .select('audience')
      .where('campaign_id', '=', id)
      .execute();
    expect(waves.length).toBeGreaterThan(0);
  });
});
