import { type Kysely, type Selectable, sql } from 'kysely';
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
 * Starts a wave to everyone of the campaign's audience (of one source, if given) who can be
 * written to and has not had a notice yet; its e-mails leave at the configured rate.
 */
export async function startWave(
  k: Kysely<Database>,
  campaignId: string,
  options: { source?: string | undefined; actor: string },
): Promise<NoticeWave> {
  const wave = await insertWave(k, campaignId, {
    kind: 'notice',
    source: options.source ?? null,
    follow_up_of: null,
    after_days: null,
    state: 'running',
    starts_at: new Date(),
    started_at: new Date(),
    created_by: options.actor,
  });
  const audience = await k
    .insertInto('notice_delivery')
    .columns(['id', 'wave_id', 'recipient_id'])
    .expression((eb) =>
      eb
        .selectFrom('notice_recipient as r')
        .select([deliveryId(), sql.lit(wave.id).as('wave_id'), 'r.id'])
        .where('r.campaign_id', '=', campaignId)
        .where('r.channel', '=', 'email')
        .where('r.unsubscribed_at', 'is', null)
        .where('r.undeliverable_at', 'is', null)
        .$if(options.source !== undefined, (q) => q.where('r.source', '=', options.source as string))
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('notice_delivery as d')
                .innerJoin('notice_wave as w', 'w.id', 'd.wave_id')
                .select(sql.lit(1).as('one'))
                .whereRef('d.recipient_id', '=', 'r.id')
                .where('w.kind', '=', 'notice'),
            ),
          ),
        ),
    )
    .executeTakeFirst();
  const count = Number(audience.numInsertedOrUpdatedRows ?? 0);
  if (count === 0) throw new AppError('notice_audience_empty');
  await k.updateTable('notice_wave').set({ audience: count }).where('id', '=', wave.id).execute();
  await enqueue(k, 'notices.wave', { waveId: wave.id, run: 0 });
  return { ...wave, audience: count };
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
  values: Pick<
    NoticeWave,
    'kind' | 'source' | 'follow_up_of' | 'after_days' | 'state' | 'starts_at' | 'started_at' | 'created_by'
  >,
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

/** A fresh delivery id, made by the database for rows it inserts from a query. */
const deliveryId = () => sql<string>`'ntd_' || replace(gen_random_uuid()::text, '-', '')`.as('id');

/** Draws a reminder's audience: the earlier wave's people who did nothing for `after_days`. */
async function drawReminderAudience(k: Kysely<Database>, wave: NoticeWave): Promise<number> {
  const result = await k
    .insertInto('notice_delivery')
    .columns(['id', 'wave_id', 'recipient_id'])
    .expression((eb) =>
      eb
        .selectFrom('notice_delivery as d')
        .innerJoin('notice_recipient as r', 'r.id', 'd.recipient_id')
        .select([deliveryId(), sql.lit(wave.id).as('wave_id'), 'r.id'])
        .where('d.wave_id', '=', wave.follow_up_of as string)
        .where('d.state', 'in', ['sent', 'held'])
        .where('d.opened_at', 'is', null)
        .where(sql<boolean>`d.queued_at <= now() - make_interval(days => ${wave.after_days ?? 0})`)
        .where('r.unsubscribed_at', 'is', null)
        .where('r.undeliverable_at', 'is', null)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('claim as c')
                .select(sql.lit(1).as('one'))
                .whereRef('c.campaign_id', '=', 'r.campaign_id')
                .whereRef('c.email_key', '=', 'r.email_key'),
            ),
          ),
        ),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
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
          const audience = await drawReminderAudience(k, wave);
          wave = await k
            .updateTable('notice_wave')
            .set({ state: 'running', started_at: new Date(), audience })
            .where('id', '=', wave.id)
            .returningAll()
            .executeTakeFirstOrThrow();
        }
        if (wave.state !== 'running') return 0;
        const count = await releaseSlice(k, wave, slice, options);
        const more = await k
          .selectFrom('notice_delivery')
          .select('id')
          .where('wave_id', '=', wave.id)
          .where('state', '=', 'waiting')
          .limit(1)
          .executeTakeFirst();
        if (more) {
          await enqueue(k, 'notices.wave', job.payload, { runAt: new Date(Date.now() + WAVE_TICK_MS) });
        } else {
          await k
            .updateTable('notice_wave')
            .set({ state: 'done', finished_at: new Date() })
            .where('id', '=', wave.id)
            .execute();
        }
        return count;
      });
      if (released > 0) logger.info({ wave: job.payload.waveId, released }, 'notices released');
    },
  };
}

async function releaseSlice(
  k: Kysely<Database>,
  wave: NoticeWave,
  slice: number,
  options: WaveOptions,
): Promise<number> {
  const people = await k
    .selectFrom('notice_delivery as d')
    .innerJoin('notice_recipient as r', 'r.id', 'd.recipient_id')
    .select([
      'd.id',
      'r.email',
      'r.name',
      'r.language',
      'r.country',
      'r.serial',
      'r.model_code',
      'r.unsubscribed_at',
      'r.undeliverable_at',
    ])
    .where('d.wave_id', '=', wave.id)
    .where('d.state', '=', 'waiting')
    .orderBy('d.id')
    .limit(slice)
    .forUpdate('d')
    .skipLocked()
    .execute();
  if (people.length === 0) return 0;
  const definition = await campaignDefinitionById(k, wave.campaign_id);
  // Someone who unsubscribed or bounced since the wave was drawn is skipped, not written to.
  const skipped = people.filter((p) => p.unsubscribed_at || p.undeliverable_at).map((p) => p.id);
  const mails = people
    .filter((p) => !p.unsubscribed_at && !p.undeliverable_at)
    .map((person) => ({ deliveryId: person.id, ...noticeMail(definition, wave, person, options.publicUrl) }));
  if (skipped.length > 0)
    await k.updateTable('notice_delivery').set({ state: 'skipped' }).where('id', 'in', skipped).execute();
  if (mails.length === 0) return 0;
  await k
    .insertInto('outbox_message')
    .values(mails.map((mail) => mail.message))
    .execute();
  await k
    .insertInto('job')
    .values(mails.map((mail) => mail.job))
    .execute();
  await sql`UPDATE notice_delivery AS d SET state = 'queued', message_id = v.message, queued_at = now()
    FROM (VALUES ${sql.join(mails.map((mail) => sql`(${mail.deliveryId}, ${mail.message.id})`))}) AS v (delivery, message)
    WHERE d.id = v.delivery`.execute(k);
  return mails.length;
}

/** One person's notice (or reminder): in their language, with their unit and their two links. */
function noticeMail(
  definition: CampaignDefinition,
  wave: NoticeWave,
  person: {
    id: string;
    email: string;
    name: string;
    language: string;
    country: string;
    serial: string | null;
    model_code: string | null;
  },
  publicUrl: string,
) {
  const language = noticeLanguage(person);
  // The personal link opens the lookup with the unit filled in (the token signs the delivery id).
  const token = signValue(NOTICE_LINK_PURPOSE, person.id);
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
    .set({ state, sent_at: state === 'sent' ? new Date() : null })
    .where('message_id', '=', messageId)
    .where('state', '=', 'queued')
    .execute();
}
