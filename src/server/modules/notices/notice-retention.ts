import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * Notice lists are personal data kept for the recall's sake: once a campaign has been closed for
 * `days` (RETENTION_DAYS, as for claims), its lists and their deliveries are deleted. The waves
 * stay, with their counts, for the regulator's history; the people are gone.
 */
export async function deleteNoticeListsPastRetention(k: Kysely<Database>, days: number): Promise<number> {
  const result = await k
    .deleteFrom('notice_recipient')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('campaign as c')
          .select(sql.lit(1).as('one'))
          .whereRef('c.id', '=', 'notice_recipient.campaign_id')
          .where('c.status', '=', 'closed')
          .where('c.updated_at', '<', sql<Date>`now() - make_interval(days => ${days})`),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
