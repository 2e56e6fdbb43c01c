import type { Kysely } from 'kysely';
import type { Language } from '../../../shared/languages.ts';
import type { Database } from '../../db/schema.ts';
import { newId } from '../../ids.ts';
import { jobRow } from '../../jobs/queue.ts';
import { type MailParams, type MailTemplate, mailHtml, mailText, renderMail } from './templates.ts';

export interface QueuedMail {
  claimId: string | null;
  to: string;
  language: Language;
  template: MailTemplate;
  params: MailParams;
  /** Extra headers, e.g. a notice's List-Unsubscribe. */
  headers?: Record<string, string>;
}

/**
 * Writes an e-mail, rendered in the recipient's language, and the job that sends it, in the
 * caller's transaction: the mail exists exactly when the change it reports does.
 */
export async function queueMail(db: Kysely<Database>, mail: QueuedMail): Promise<string> {
  const { id, message, job } = mailRows(mail);
  await db
    .with('message_row', (tx) => tx.insertInto('outbox_message').values(message).returning('id'))
    .insertInto('job')
    .values(job)
    .execute();
  return id;
}

/** The rows `queueMail` writes, for a caller that inserts them as part of a larger statement. */
export function mailRows(mail: QueuedMail) {
  const id = newId('msg');
  const content = renderMail(mail.template, mail.language, mail.params);
  return {
    id,
    message: {
      id,
      claim_id: mail.claimId,
      to_address: mail.to,
      language: mail.language,
      template: mail.template,
      subject: content.subject,
      text_body: mailText(content),
      html_body: mailHtml(content, mail.language),
      content: JSON.stringify(content),
      headers: mail.headers ? JSON.stringify(mail.headers) : null,
    },
    job: jobRow('mail.send', { messageId: id }, { maxAttempts: 10 }),
  };
}

export async function listOutbox(db: Kysely<Database>, limit = 50) {
  return db
    .selectFrom('outbox_message')
    .select([
      'id',
      'claim_id',
      'to_address',
      'language',
      'template',
      'subject',
      'text_body',
      'state',
      'merged_into',
      'created_at',
      'sent_at',
    ])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}
