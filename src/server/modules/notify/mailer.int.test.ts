import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../test/support/app.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import { type ReceivedMail, startSmtpServer } from '../../../../test/support/smtp.ts';
import type { Db } from '../../db/database.ts';
import { listJobs } from '../../jobs/queue.ts';
import { JobWorker } from '../../jobs/worker.ts';
import { mailSender } from './mailer.ts';
import { queueMail } from './outbox.ts';

describe.each(await testDatabases())('mail delivery over SMTP on $name', ({ open }) => {
  let db: Db;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let received: ReceivedMail[] = [];

  beforeAll(async () => {
    db = await open();
    smtp = await startSmtpServer();
    received = smtp.received;
  });
  afterAll(async () => {
    await smtp.close();
    await db?.close();
  });

  const worker = () =>
    new JobWorker(
      db,
      {
        'mail.send': mailSender({
          smtpUrl: smtp.url,
          from: 'Anker Recalls <recalls@anker.test>',
          settleMs: 0,
        }),
      },
      silentLogger,
      {
        backoff: () => 0,
      },
    );

  it('sends a queued message once, in the owner’s language, and marks it sent', async () => {
    const id = await db.transaction((tx) =>
      queueMail(tx.kysely, {
        claimId: null,
        to: 'li.wei@example.cn',
        language: 'zh-CN',
        template: 'claim_received',
        params: {
          name: '李伟',
          code: 'RK-7K3F-9Q2M',
          statusUrl: 'https://recalls.test/c/clm_x#t=secret',
          recall: 'Anker 移动电源召回',
        },
      }),
    );
    await worker().drain();
    const mine = received.filter((mail) => mail.to.includes('li.wei@example.cn'));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.from).toBe('recalls@anker.test');
    const parsed = await PostalMime.parse(mine[0]?.raw ?? '');
    expect(parsed.subject).toBe('我们已收到您的申请 RK-7K3F-9Q2M');
    expect(parsed.text).toContain('https://recalls.test/c/clm_x#t=secret');
    // An HTML part beside the text, in the owner's language.
    expect(parsed.html).toContain('<html lang="zh-CN">');
    expect(parsed.html).toContain('href="https://recalls.test/c/clm_x#t=secret"');
    expect(parsed.messageId).toBe(`<${id}@recallkit>`);
    const row = await db.kysely
      .selectFrom('outbox_message')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('sent');
    expect(row.sent_at).toBeInstanceOf(Date);
    // The link's secret went to the owner and is not kept.
    expect(row.text_body).not.toContain('#t=secret');
    expect(row.text_body).toContain('https://recalls.test/c/clm_x#t=(removed-after-sending)');
    expect(row.html_body).not.toContain('#t=secret');

    // The job running again (a retry after a lost lease) sends nothing more.
    await db.kysely
      .updateTable('job')
      .set({ state: 'queued', run_at: new Date() })
      .where('queue', '=', 'mail.send')
      .execute();
    await worker().drain();
    expect(received.filter((mail) => mail.to.includes('li.wei@example.cn'))).toHaveLength(1);
  });

  it('retries when the relay refuses for a while', async () => {
    smtp.refuse(2);
    await db.transaction((tx) =>
      queueMail(tx.kysely, {
        claimId: null,
        to: 'later@example.com',
        language: 'en',
        template: 'claim_received',
        params: {
          name: 'Pat',
          code: 'RK-AAAA-BBBB',
          statusUrl: 'https://recalls.test/c/clm_y#t=s',
          recall: 'Recall',
        },
      }),
    );
    await worker().drain();
    expect(received.filter((mail) => mail.to.includes('later@example.com'))).toHaveLength(1);
    const [job] = (await listJobs(db.kysely, { queue: 'mail.send' })).filter((j) => j.attempts === 3);
    expect(job?.state).toBe('done');
  });
});
