import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import { LANGUAGES, type Language, localize } from '../../../shared/languages.ts';
import type { Database, NoticeWaveTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { JobHandlers } from '../../jobs/worker.ts';
import { signValue } from '../../secrets.ts';
import { campaignDefinitionById } from '../catalog/catalog.queries.ts';
import { mailRows } from '../notify/outbox.ts';
import { mailBrand } from '../notify/templates.ts';

export type NoticeWave = Selectable<NoticeWaveTable>;

/** A wave releases its e-mails in slices this far apart, each a slice of the rate. */
export const WAVE_TICK_MS = 10_000;
/** What a personal link's and an unsubscribe link's token signs: a delivery id. */
export const NOTICE_LINK_PURPOSE = 'notice';

export interface WaveOptions {
  publicUrl: string;
  /** E-mails a running wave releases to the outbox per minute (NOTICE_RATE_PER_MINUTE). */
  ratePerMinute: number;
}

/**
 * Starts a wave to everyone of the campaign's list (of one source, if given) who can be written
 * to and has not had a notice: counted now, reached in turn at the configured rate.
 */
export async function startWave(
  k: Kysely<Database>,
  campaignId: string,
  options: { source?: string | undefined; actor: string },
): Promise<NoticeWave> {
  // The database's clock, which also stamps the lists' rows and the deliveries.
  const now = sql<Date>`now()`;
  const wave = await insertWave(k, campaignId, {
    kind: 'notice',
    source: options.source ?? null,
    follow_up_of: null,
    after_days: null,
    state: 'running',
    starts_at: now,
    started_at: now,
    created_by: options.actor,
  });
  const started = await countAudience(k, wave);
  if (started.audience === 0) throw new AppError('notice_audience_empty');
  await enqueue(k, 'notices.wave', { waveId: wave.id, run: 0 });
  return started;
}

/**
 * Schedules a reminder to the people of an earlier wave who, `afterDays` after their notice, have
 * neither opened their link nor started a claim (nor unsubscribed, nor bounced). It starts
 * `afterDays` after the earlier wave did; its audience is drawn then.
 */
export async function scheduleReminder(
  k: Kysely<Database>,
  campaignId: string,
  options: { followUpOf: string; afterDays: number; actor: string },
): Promise<NoticeWave> {
  const earlier = await k
    .selectFrom('notice_wave')
    .selectAll()
    .where('id', '=', options.followUpOf)
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
  if (!earlier) throw new AppError('notice_wave_not_found');
  const startsAt = new Date(
    Math.max(
      Date.now(),
      (earlier.started_at ?? earlier.starts_at).getTime() + options.afterDays * 86_400_000,
    ),
  );
  const wave = await insertWave(k, campaignId, {
    kind: 'reminder',
    source: earlier.source,
    follow_up_of: earlier.id,
    after_days: options.afterDays,
    state: 'scheduled',
    starts_at: startsAt,
    started_at: null,
    created_by: options.actor,
  });
  await enqueue(k, 'notices.wave', { waveId: wave.id, run: 0 }, { runAt: startsAt });
  return wave;
}

/** Pauses a running (or scheduled) wave: what it has released goes on, the rest waits. */
export async function pauseWave(k: Kysely<Database>, waveId: string): Promise<NoticeWave> {
  const wave = await lockWave(k, waveId);
  if (wave.state !== 'running' && wave.state !== 'scheduled')
    throw new AppError('notice_wave_state', { state: wave.state, action: 'paused' });
  return k
    .updateTable('notice_wave')
    .set({ state: 'paused', run: wave.run + 1 })
    .where('id', '=', waveId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Resumes a paused wave with a new run of jobs (a job of the old run stops when it sees it). */
export async function resumeWave(k: Kysely<Database>, waveId: string): Promise<NoticeWave> {
  const wave = await lockWave(k, waveId);
  if (wave.state !== 'paused')
    throw new AppError('notice_wave_state', { state: wave.state, action: 'resumed' });
  const state = wave.started_at ? 'running' : 'scheduled';
  const resumed = await k
    .updateTable('notice_wave')
    .set({ state, run: wave.run + 1 })
    .where('id', '=', waveId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueue(
    k,
    'notices.wave',
    { waveId, run: resumed.run },
    state === 'scheduled' ? { runAt: wave.starts_at } : {},
  );
  return resumed;
}

async function lockWave(k: Kysely<Database>, waveId: string): Promise<NoticeWave> {
  const wave = await k
    .selectFrom('notice_wave')
    .selectAll()
    .where('id', '=', waveId)
    .forUpdate()
    .executeTakeFirst();
  if (!wave) throw new AppError('notice_wave_not_found');
  return wave;
}

async function insertWave(
  k: Kysely<Database>,
  campaignId: string,
  values: Pick<NoticeWave, 'kind' | 'source' | 'follow_up_of' | 'after_days' | 'state' | 'created_by'> & {
    starts_at: Date | RawBuilder<Date>;
    started_at: Date | RawBuilder<Date> | null;
  },
): Promise<NoticeWave> {
  // Waves are numbered within their campaign; the campaign's row orders two managers starting at once.
  await k.selectFrom('campaign').select('id').where('id', '=', campaignId).forUpdate().execute();
  const last = await k
    .selectFrom('notice_wave')
    .select((eb) => eb.fn.max('number').as('number'))
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
  return k
    .insertInto('notice_wave')
    .values({ id: newId('ntw'), campaign_id: campaignId, number: Number(last?.number ?? 0) + 1, ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Who a wave writes to, fixed when it started (T0): for a notice, the people listed by then (of
 * its source) who could be written to and had no notice from another wave; for a reminder, the
 * people its earlier wave wrote to at least `after_days` before T0 who by T0 had not opened their
 * link, claimed, unsubscribed or bounced. `r` is the person; a reminder's rows also have `pd`,
 * their earlier delivery. Rows are walked in key order (`audienceKey`) from the wave's cursor.
 */
function audienceRows(wave: NoticeWave) {
  // Read from the row (not passed in): JavaScript dates lose the database's microseconds.
  const t0 = sql`(SELECT started_at FROM notice_wave WHERE id = ${wave.id})`;
  const stillReachable = sql`(r.unsubscribed_at IS NULL OR r.unsubscribed_at > ${t0})
      AND (r.undeliverable_at IS NULL OR r.undeliverable_at > ${t0})`;
  if (wave.kind === 'notice')
    return sql`notice_recipient r
     WHERE r.campaign_id = ${wave.campaign_id} AND r.channel = 'email' AND r.created_at <= ${t0}
       ${wave.source === null ? sql`` : sql`AND r.source = ${wave.source}`}
       AND ${stillReachable}
       AND NOT EXISTS (
         SELECT 1 FROM notice_delivery d JOIN notice_wave w ON w.id = d.wave_id
          WHERE d.recipient_id = r.id AND w.kind = 'notice' AND w.id <> ${wave.id} AND d.created_at <= ${t0})`;
  return sql`notice_delivery pd JOIN notice_recipient r ON r.id = pd.recipient_id
     WHERE pd.wave_id = ${wave.follow_up_of} AND pd.state IN ('sent', 'held', 'bounced')
       AND pd.queued_at <= ${t0} - make_interval(days => ${wave.after_days ?? 0})
       AND (pd.opened_at IS NULL OR pd.opened_at > ${t0})
       AND (pd.bounced_at IS NULL OR pd.bounced_at > ${t0})
       AND ${stillReachable}
       AND NOT EXISTS (
         SELECT 1 FROM claim c
          WHERE c.campaign_id = r.campaign_id AND c.email_key = r.email_key AND c.created_at <= ${t0})`;
}

/** The walk's key: the person's address key (unique in the campaign), or the earlier delivery's id. */
const audienceKey = (wave: NoticeWave) => (wave.kind === 'notice' ? sql`r.email_key` : sql`pd.id`);
const afterCursor = (wave: NoticeWave) =>
  wave.kind === 'notice'
    ? sql`r.email_key > ${wave.cursor}`
    : sql`pd.id > ${wave.cursor === '' ? '0' : wave.cursor}::bigint`;

/** Whether a person of the audience may still be written to now (else they are skipped). */
const reachableNow = (wave: NoticeWave) =>
  wave.kind === 'notice'
    ? sql<boolean>`r.unsubscribed_at IS NULL AND r.undeliverable_at IS NULL AND NOT EXISTS (
        SELECT 1 FROM notice_delivery d JOIN notice_wave w ON w.id = d.wave_id
         WHERE d.recipient_id = r.id AND w.kind = 'notice' AND w.id <> ${wave.id})`
    : sql<boolean>`r.unsubscribed_at IS NULL AND r.undeliverable_at IS NULL AND pd.opened_at IS NULL
        AND pd.bounced_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM claim c WHERE c.campaign_id = r.campaign_id AND c.email_key = r.email_key)`;

/** Counts a wave's audience (in all, and per source) as it starts; the wave as stored then. */
async function countAudience(k: Kysely<Database>, wave: NoticeWave): Promise<NoticeWave> {
  const counts = await sql<{ source: string; n: string }>`
    SELECT r.source, count(*) AS n FROM ${audienceRows(wave)} GROUP BY r.source`.execute(k);
  const bySource = Object.fromEntries(counts.rows.map((row) => [row.source, Number(row.n)]));
  return k
    .updateTable('notice_wave')
    .set({
      audience: Object.values(bySource).reduce((sum, n) => sum + n, 0),
      audience_by_source: JSON.stringify(bySource),
    })
    .where('id', '=', wave.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The language a person is written to in: theirs, else the one of their country, else English. */
export function noticeLanguage(recipient: { language: string; country: string }): Language {
  if ((LANGUAGES as readonly string[]).includes(recipient.language)) return recipient.language as Language;
  if (['CN', 'TW', 'HK', 'MO', 'SG'].includes(recipient.country)) return 'zh-CN';
  if (SPANISH_SPEAKING.has(recipient.country)) return 'es';
  return 'en';
}
const SPANISH_SPEAKING = new Set('ES MX AR CO CL PE VE EC GT CU BO DO HN PY SV NI CR PA UY PR GQ'.split(' '));

/**
 * `notices.wave`: releases the wave's next slice (the rate's share of WAVE_TICK_MS) to the
 * outbox, each e-mail with its job in the same transaction, and queues the next slice. A job of
 * an older run (the wave was paused since) does nothing. A scheduled reminder draws its audience
 * when it starts.
 */
export function noticeJobHandlers(options: WaveOptions): JobHandlers {
  const slice = Math.max(1, Math.ceil((options.ratePerMinute * WAVE_TICK_MS) / 60_000));
  return {
    'notices.wave': async (job, { db, logger }) => {
      const released = await db.transaction(async (tx) => {
        const k = tx.kysely;
        let wave = await lockWave(k, job.payload.waveId).catch(() => undefined);
        if (!wave || wave.run !== job.payload.run) return 0;
        if (wave.state === 'scheduled') {
          if (wave.starts_at.getTime() > Date.now()) {
            await enqueue(k, 'notices.wave', job.payload, { runAt: wave.starts_at });
            return 0;
          }
          wave = await countAudience(
            k,
            await k
              .updateTable('notice_wave')
              .set({ state: 'running', started_at: sql<Date>`now()` })
              .where('id', '=', wave.id)
              .returningAll()
              .executeTakeFirstOrThrow(),
          );
        }
        if (wave.state !== 'running') return 0;
        const { queued, more } = await releaseSlice(k, wave, slice, options);
        if (more) {
          await enqueue(k, 'notices.wave', job.payload, { runAt: new Date(Date.now() + WAVE_TICK_MS) });
        } else {
          await k
            .updateTable('notice_wave')
            .set({ state: 'done', finished_at: new Date() })
            .where('id', '=', wave.id)
            .execute();
        }
        return queued;
      });
      if (released > 0) logger.info({ wave: job.payload.waveId, released }, 'notices released');
    },
  };
}

/**
 * The wave's next `slice` people, in key order from its cursor: each still reachable gets the
 * e-mail (queued in the outbox with its job), the others a `skipped` row; the cursor moves on.
 * The campaign's row is locked first, so two waves never write to one person at once.
 */
async function releaseSlice(
  k: Kysely<Database>,
  wave: NoticeWave,
  slice: number,
  options: WaveOptions,
): Promise<{ queued: number; more: boolean }> {
  await k.selectFrom('campaign').select('id').where('id', '=', wave.campaign_id).forUpdate().execute();
  const people = await sql<
    NoticePerson & { key: string; id: string; reachable: boolean }
  >`SELECT ${audienceKey(wave)}::text AS key, r.id, r.email, r.name, r.language, r.country, r.serial,
            r.model_code, ${reachableNow(wave)} AS reachable
       FROM ${audienceRows(wave)} AND ${afterCursor(wave)}
      ORDER BY ${audienceKey(wave)} LIMIT ${slice}`.execute(k);
  const rows = people.rows;
  if (rows.length === 0) return { queued: 0, more: false };
  const definition = await campaignDefinitionById(k, wave.campaign_id);
  const reachable = rows.filter((person) => person.reachable);
  const deliveries = await k
    .insertInto('notice_delivery')
    .values(
      rows.map((person) => ({
        wave_id: wave.id,
        recipient_id: person.id,
        state: person.reachable ? ('queued' as const) : ('skipped' as const),
        queued_at: person.reachable ? sql<Date>`now()` : null,
      })),
    )
    .returning(['id', 'recipient_id'])
    .execute();
  const deliveryOf = new Map(deliveries.map((d) => [d.recipient_id, String(d.id)]));
  const mails = reachable.map((person) => {
    const deliveryId = deliveryOf.get(person.id) as string;
    return { deliveryId, ...noticeMail(definition, wave, { ...person, deliveryId }, options.publicUrl) };
  });
  if (mails.length > 0) {
    await k
      .insertInto('outbox_message')
      .values(mails.map((mail) => mail.message))
      .execute();
    await k
      .insertInto('job')
      .values(mails.map((mail) => mail.job))
      .execute();
    await sql`UPDATE notice_delivery AS d SET message_id = v.message
      FROM (VALUES ${sql.join(mails.map((mail) => sql`(${mail.deliveryId}, ${mail.message.id})`))}) AS v (delivery, message)
      WHERE d.id = v.delivery::bigint`.execute(k);
  }
  await k
    .updateTable('notice_wave')
    .set({ cursor: (rows[rows.length - 1] as { key: string }).key })
    .where('id', '=', wave.id)
    .execute();
  return { queued: mails.length, more: rows.length === slice };
}

/** Who a notice is written to, as the list has them. */
interface NoticePerson {
  email: string;
  name: string;
  language: string;
  country: string;
  serial: string | null;
  model_code: string | null;
}

/** One person's notice (or reminder): in their language, with their unit and their two links. */
function noticeMail(
  definition: CampaignDefinition,
  wave: NoticeWave,
  person: NoticePerson & { deliveryId: string },
  publicUrl: string,
) {
  const language = noticeLanguage(person);
  // The personal link opens the lookup with the unit filled in (the token signs the delivery id).
  const token = signValue(NOTICE_LINK_PURPOSE, person.deliveryId);
  const model = definition.models.find((m) => m.code === person.model_code);
  const unit = [model ? `${model.name} (${model.code})` : person.model_code, person.serial]
    .filter(Boolean)
    .join(' · ');
  const rows = mailRows({
    claimId: null,
    to: person.email,
    language,
    template: wave.kind === 'reminder' ? 'notice_reminder' : 'notice',
    params: {
      name: person.name,
      code: '',
      statusUrl: `${publicUrl}/n#${token}`,
      recall: localize(definition.title, language),
      hazard: localize(definition.hazard, language),
      steps: definition.instructions.map((step) => localize(step, language)),
      unit: unit || undefined,
      unsubscribeUrl: `${publicUrl}/unsubscribe#${token}`,
      brand: mailBrand(definition),
    },
    // RFC 8058: a mail client's one-click unsubscribe POSTs to this address.
    headers: {
      'List-Unsubscribe': `<${publicUrl}/api/v1/notices/unsubscribe?t=${token}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
  return rows;
}

/** The mailer's report (server.ts wires it): a notice went out, or was kept in the outbox. */
export async function noticeMailSent(k: Kysely<Database>, messageId: string, state: 'sent' | 'held') {
  await k
    .updateTable('notice_delivery')
    .set({ state, sent_at: state === 'sent' ? sql<Date>`now()` : null })
    .where('message_id', '=', messageId)
    .where('state', '=', 'queued')
    .execute();
}
