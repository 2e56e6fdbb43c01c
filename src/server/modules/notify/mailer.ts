import { sql } from 'kysely';
import type { Transporter } from 'nodemailer';
import type { JobHandler } from '../../jobs/worker.ts';
import { loadOnce } from '../../load-once.ts';

export interface MailerConfig {
  smtpUrl: string | undefined;
  from: string;
}

/**
 * The `mail.send` job. With SMTP_URL it sends through nodemailer and marks the message sent;
 * without, it marks it held: it stays readable in the outbox (development). A message already
 * sent is not sent again when a job runs twice; the SMTP Message-ID is the message's own id, so
 * a relay that deduplicates sees a retry as the same message.
 */
/** The bearer token in a claim link's fragment (`…/c/<id>#t=<token>`), and what replaces it once sent. */
const CLAIM_LINK_SECRET = '#t=[A-Za-z0-9_-]+';
const REMOVED = '#t=(removed-after-sending)';

export function mailSender(config: MailerConfig): JobHandler<'mail.send'> {
  // nodemailer is loaded with the first message to send, not by every process that queues mail.
  const smtp = loadOnce(async (): Promise<Transporter> => {
    const { default: nodemailer } = await import('nodemailer');
    return nodemailer.createTransport(config.smtpUrl);
  });
  return async (job, { db, logger }) => {
    const id = job.payload.messageId;
    const message = await db.kysely
      .selectFrom('outbox_message')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!message || message.state === 'sent') return;
    if (!config.smtpUrl) {
      if (message.state !== 'held') {
        await db.kysely.updateTable('outbox_message').set({ state: 'held' }).where('id', '=', id).execute();
      }
      return;
    }
    const info = await (await smtp()).sendMail({
      from: config.from,
      to: message.to_address,
      subject: message.subject,
      text: message.text_body,
      messageId: `<${message.id}@recallkit>`,
      headers: { 'Content-Language': message.language },
    });
    await db.kysely
      .updateTable('outbox_message')
      .set({
        state: 'sent',
        sent_at: new Date(),
        transport_id: info.messageId ?? null,
        // The claim link's secret is kept only until the mail has gone (it is the owner's alone).
        text_body: sql<string>`regexp_replace(text_body, ${CLAIM_LINK_SECRET}, ${REMOVED}, 'g')`,
      })
      .where('id', '=', id)
      .execute();
    logger.info({ message: id, template: message.template }, 'mail sent');
  };
}
