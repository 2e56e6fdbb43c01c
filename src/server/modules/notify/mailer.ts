import { type Kysely, type Selectable, sql } from 'kysely';
import type { Transporter } from 'nodemailer';
import { pickLanguage } from '../../../shared/languages.ts';
import type { Database, OutboxMessageTable } from '../../db/schema.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { JobHandler } from '../../jobs/worker.ts';
import { loadOnce } from '../../load-once.ts';
import { mailsTotal } from '../../metrics.ts';
import { type MailContent, mailHtml, mailText, mergeMail } from './templates.ts';

export interface MailerConfig {
  smtpUrl: string | undefined;
  from: string;
  /**
   * How long a claim's e-mail waits for the next moment of the same claim (received, approved and
   * the gift card sent within seconds are one e-mail). 0 sends at once.
   */
  settleMs: number;
  /**
   * Told, in the same statement's transaction, that a message went out (`sent`) or was kept in
   * the outbox (`held`): the notices module records its deliveries here (server.ts wires it).
   */
  afterSend?: (db: Kysely<Database>, messageId: string, state: 'sent' | 'held') => Promise<void>;
}

/** The bearer token in a claim link's fragment (`…/c/<id>#t=<token>`), and what replaces it once sent. */
const CLAIM_LINK_SECRET = '#t=[A-Za-z0-9_-]+';
const REMOVED = '#t=(removed-after-sending)';
const scrubbed = (column: 'text_body' | 'html_body') =>
  sql<string>`regexp_replace(${sql.ref(column)}, ${CLAIM_LINK_SECRET}, ${REMOVED}, 'g')`;

type Message = Selectable<OutboxMessageTable>;

/**
 * The `mail.send` job. With SMTP_URL it sends through nodemailer (text and HTML parts) and marks
 * the message sent; without, it marks it held: it stays readable in the outbox (development).
 *
 * A claim's message waits `settleMs` after it was queued; then the newest pending message of the
 * claim takes the others in (they become `merged`) and goes out as one e-mail. A message already
 * sent is not sent again when a job runs twice; the SMTP Message-ID is the message's own id, so
 * a relay that deduplicates sees a retry as the same message.
 */
export function mailSender(config: MailerConfig): JobHandler<'mail.send'> {
  // nodemailer is loaded with the first message to send, not by every process that queues mail.
  const smtp = loadOnce(async (): Promise<Transporter> => {
    const { default: nodemailer } = await import('nodemailer');
    return nodemailer.createTransport(config.smtpUrl);
  });
  return async (job, { db, logger }) => {
    const id = job.payload.messageId;
    const message = await db.transaction((tx) => prepare(tx.kysely, id, config.settleMs));
    if (!message) return;
    if (!config.smtpUrl) {
      await db.transaction(async (tx) => {
        await tx.kysely
          .updateTable('outbox_message')
          .set({ state: 'held', content: null })
          .where('id', '=', id)
          .execute();
        await config.afterSend?.(tx.kysely, id, 'held');
      });
      mailsTotal.inc({ outcome: 'held' });
      return;
    }
    const transport = await smtp();
    const info = await transport
      .sendMail({
        from: config.from,
        to: message.to_address,
        subject: message.subject,
        text: message.text_body,
        ...(message.html_body ? { html: message.html_body } : {}),
        messageId: `<${message.id}@recallkit>`,
        headers: { ...message.headers, 'Content-Language': message.language },
      })
      .catch((error: unknown) => {
        mailsTotal.inc({ outcome: 'failed' });
        throw error;
      });
    await db.transaction(async (tx) => {
      await tx.kysely
        .updateTable('outbox_message')
        .set({
          state: 'sent',
          sent_at: new Date(),
          transport_id: info.messageId ?? null,
          // The claim link's secret is kept only until the mail has gone (it is the owner's alone).
          text_body: scrubbed('text_body'),
          html_body: scrubbed('html_body'),
          content: null,
        })
        .where('id', '=', id)
        .execute();
      await config.afterSend?.(tx.kysely, id, 'sent');
    });
    mailsTotal.inc({ outcome: 'sent' });
    logger.info({ message: id, template: message.template }, 'mail sent');
  };
}

/**
 * The message to send now, with any earlier pending moments of its claim merged into it; or
 * nothing: already sent or merged, not settled yet (its job is queued again for then), or not
 * the claim's newest (whose job sends it).
 */
async function prepare(k: Kysely<Database>, id: string, settleMs: number): Promise<Message | undefined> {
  const message = await k
    .selectFrom('outbox_message')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (message?.state !== 'pending') return undefined;
  if (message.claim_id === null) return message;
  const settlesAt = message.created_at.getTime() + settleMs;
  if (Date.now() < settlesAt) {
    await enqueue(k, 'mail.send', { messageId: id }, { runAt: new Date(settlesAt) });
    return undefined;
  }
  const group = await k
    .selectFrom('outbox_message')
    .selectAll()
    .where('claim_id', '=', message.claim_id)
    .where('to_address', '=', message.to_address)
    .where('state', '=', 'pending')
    .orderBy('seq')
    .forUpdate()
    .execute();
  const newest = group[group.length - 1];
  if (newest && newest.id !== id) return undefined;
  const earlier = group.filter((other) => other.id !== id);
  const contents = group.map((member) => member.content);
  if (earlier.length === 0 || contents.some((content) => content === null)) return message;

  const merged: MailContent = mergeMail(contents as MailContent[]);
  const language = pickLanguage(message.language);
  await k
    .updateTable('outbox_message')
    .set({
      state: 'merged',
      merged_into: id,
      text_body: scrubbed('text_body'),
      html_body: scrubbed('html_body'),
      content: null,
    })
    .where(
      'id',
      'in',
      earlier.map((other) => other.id),
    )
    .execute();
  return k
    .updateTable('outbox_message')
    .set({
      subject: merged.subject,
      text_body: mailText(merged),
      html_body: mailHtml(merged, language),
      content: JSON.stringify(merged),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
