import type { Kysely } from 'kysely';
import type { Language } from '../../../shared/languages.ts';
import type { Database } from '../../db/schema.ts';
import { newId } from '../../ids.ts';
import { enqueue } from '../../jobs/queue.ts';
import { type MailParams, type MailTemplate, renderMail } from './templates.ts';

export const MAIL_QUEUE = 'mail.send';

/**
 * Writes an e-mail, rendered in the recipient's language, and the job that sends it, in the
 * caller's transaction: the mail exists exactly when the change it reports does.
 */
export async function queueMail(
  db: Kysely<Database>,
  mail: {
    claimId: string | null;
    to: string;
    language: Language;
    template: MailTemplate;
    params: MailParams;
  },
): Promise<string> {
  const id = newId('msg');
  const { subject, body } = renderMail(mail.template, mail.language, mail.params);
  await db
    .insertInto('outbox_message')
    .values({
      id,
      claim_id: mail.claimId,
      to_address: mail.to,
      language: mail.language,
      template: mail.template,
      subject,
      text_body: body,
    })
    .execute();
  await enqueue(db, MAIL_QUEUE, { messageId: id }, { maxAttempts: 10 });
  return id;
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
      'created_at',
      'sent_at',
    ])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}
