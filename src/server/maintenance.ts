import { sql } from 'kysely';
import type { BlobStore } from './blobs/blob-store.ts';
import type { Db } from './db/database.ts';
import { enqueue } from './jobs/queue.ts';
import type { JobHandlers } from './jobs/worker.ts';
import { claimsPastRetention, erasePersonalData } from './modules/claims/erase-personal-data.ts';
import { ERASED_INCIDENT } from './modules/claims/privacy.ts';
import { deleteIncidentPhotos } from './modules/evidence/incident-photo-blobs.ts';
import { deleteNoticeListsPastRetention } from './modules/notices/notice-retention.ts';

/**
 * How long operational rows are kept (days). Each holds personal data or grows with traffic:
 * finished jobs (payloads name claims), sent and held e-mails (addresses, names), webhook
 * deliveries (event data), idempotency keys (stored answers), counters of rate limits and
 * sign-in attempts. Dead jobs stay until someone looks at them.
 */
export const OPERATIONAL_RETENTION_DAYS = {
  jobsDone: 14,
  mailSent: 30,
  webhookDeliveries: 30,
  idempotencyKeys: 7,
  counters: 1,
} as const;

/** Claims erased per run; a backlog is worked off a batch a day (or sooner, run by hand). */
const BATCH = 1000;

const dayKey = (at: Date) => `retention:${at.toISOString().slice(0, 10)}`;

/** Queues today's retention run unless one is queued already (every process does at start). */
export async function scheduleRetention(db: Db): Promise<void> {
  await enqueue(db.kysely, 'maintenance.retention', {}, { singletonKey: dayKey(new Date()) });
}

/**
 * `maintenance.retention`, once a day: the personal data of claims closed more than
 * RETENTION_DAYS ago is erased (erase-personal-data.ts), as are the notice lists of campaigns
 * closed that long ago, and operational rows past their windows are deleted. Then tomorrow's run
 * is queued.
 */
export function maintenanceJobHandlers(options: { blobs: BlobStore; retentionDays: number }): JobHandlers {
  return {
    'maintenance.retention': async (_job, { db, logger }) => {
      const due = await claimsPastRetention(db, options.retentionDays, BATCH);
      const erased = await erasePersonalData(
        db,
        options.blobs,
        due,
        `retention after ${options.retentionDays} days`,
      );
      const purged = await purgeOperationalRows(db);
      // Incident reports keep what happened, not who reported it, past the same window.
      const incidents = await db.kysely
        .updateTable('incident')
        .set(ERASED_INCIDENT)
        .where('created_at', '<', sql<Date>`now() - make_interval(days => ${options.retentionDays})`)
        .where(sql`contact->>'email'`, '<>', '')
        .returning('id')
        .execute();
      await deleteIncidentPhotos(
        db.kysely,
        options.blobs,
        incidents.map((incident) => incident.id),
      );
      const noticeLists = await deleteNoticeListsPastRetention(db.kysely, options.retentionDays);
      logger.info({ ...erased, purged, incidents: incidents.length, noticeLists }, 'retention run');
      const tomorrow = new Date(Date.now() + 86_400_000);
      await enqueue(
        db.kysely,
        'maintenance.retention',
        {},
        { runAt: tomorrow, singletonKey: dayKey(tomorrow) },
      );
    },
  };
}

/** Deletes operational rows past their windows; returns how many of each. */
export async function purgeOperationalRows(db: Db): Promise<Record<string, number>> {
  const days = OPERATIONAL_RETENTION_DAYS;
  const older = (n: number) => sql<Date>`now() - make_interval(days => ${n})`;
  const k = db.kysely;
  const counts = await Promise.all([
    k
      .deleteFrom('job')
      .where('state', '=', 'done')
      .where('finished_at', '<', older(days.jobsDone))
      .executeTakeFirst(),
    k
      .deleteFrom('outbox_message')
      .where('state', 'in', ['sent', 'held', 'merged'])
      .where('created_at', '<', older(days.mailSent))
      .executeTakeFirst(),
    k
      .deleteFrom('webhook_delivery')
      .where('state', 'in', ['delivered', 'failed'])
      .where('created_at', '<', older(days.webhookDeliveries))
      .executeTakeFirst(),
    k.deleteFrom('idempotency_key').where('created_at', '<', older(days.idempotencyKeys)).executeTakeFirst(),
    k.deleteFrom('rate_limit').where('window_ends', '<', older(days.counters)).executeTakeFirst(),
    k.deleteFrom('login_throttle').where('updated_at', '<', older(days.counters)).executeTakeFirst(),
  ]);
  const names = ['jobs', 'mail', 'webhookDeliveries', 'idempotencyKeys', 'rateLimits', 'signInCounters'];
  return Object.fromEntries(names.map((name, i) => [name, Number(counts[i]?.numDeletedRows ?? 0)]));
}
