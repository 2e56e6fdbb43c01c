import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { verifySigned } from '../../secrets.ts';
import { NOTICE_LINK_PURPOSE, noticeLanguage } from './waves.ts';

/** What a personal link opens: the person's recall, their unit, their language. */
export interface OpenedNotice {
  campaign: string;
  serial: string | null;
  model: string | null;
  language: string;
}

/**
 * The delivery a token was signed for. A token that is not ours, or whose delivery is gone
 * (the person was erased, the campaign deleted), is refused alike. Valid for the campaign's life.
 */
async function deliveryOf(k: Kysely<Database>, token: string) {
  const id = verifySigned(NOTICE_LINK_PURPOSE, token);
  const found =
    id && /^\d{1,18}$/.test(id)
      ? await k
          .selectFrom('notice_delivery as d')
          .innerJoin('notice_recipient as r', 'r.id', 'd.recipient_id')
          .innerJoin('campaign as c', 'c.id', 'r.campaign_id')
          .select(['d.id', 'd.recipient_id', 'c.slug', 'r.serial', 'r.model_code', 'r.language', 'r.country'])
          .where('d.id', '=', id)
          .executeTakeFirst()
      : undefined;
  if (!found) throw new AppError('notice_link_invalid');
  return found;
}

/** The personal link was followed: counted once (the first time), and what to fill in returned. */
export async function openNotice(k: Kysely<Database>, token: string): Promise<OpenedNotice> {
  const delivery = await deliveryOf(k, token);
  await k
    .updateTable('notice_delivery')
    .set({ opened_at: sql`coalesce(opened_at, now())` })
    .where('id', '=', delivery.id)
    .execute();
  return {
    campaign: delivery.slug,
    serial: delivery.serial,
    model: delivery.model_code,
    language: noticeLanguage(delivery),
  };
}

/** The person checked a unit on the page their link opened (counted once). */
export async function noticeLookedUp(k: Kysely<Database>, token: string): Promise<void> {
  const delivery = await deliveryOf(k, token);
  await k
    .updateTable('notice_delivery')
    .set({
      looked_up_at: sql`coalesce(looked_up_at, now())`,
      opened_at: sql`coalesce(opened_at, now())`,
    })
    .where('id', '=', delivery.id)
    .execute();
}

/**
 * Unsubscribes the person the link was sent to, at once: later waves and reminders skip them,
 * and importing a list with their address again does not undo it.
 */
export async function unsubscribe(k: Kysely<Database>, token: string): Promise<{ campaign: string }> {
  const delivery = await deliveryOf(k, token);
  await k
    .updateTable('notice_recipient')
    .set({ unsubscribed_at: sql`coalesce(unsubscribed_at, now())` })
    .where('id', '=', delivery.recipient_id)
    .execute();
  return { campaign: delivery.slug };
}
