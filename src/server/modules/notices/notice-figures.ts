import { type Kysely, sql } from 'kysely';
import type { Database, NoticeChannel } from '../../db/schema.ts';
import type { NoticeWave } from './waves.ts';

/** What a wave (or one source's share of it) did: each a count of people. */
export interface NoticeFigures {
  audience: number;
  /** Not released to the outbox yet (the wave is paused, or still sending at its rate). */
  waiting: number;
  released: number;
  sent: number;
  /** Kept in the outbox: no SMTP_URL (development). */
  held: number;
  /** Unsubscribed or undeliverable before their turn came. */
  skipped: number;
  /** Sent and not reported back as bounced. */
  delivered: number;
  bounced: number;
  opened: number;
  lookedUp: number;
  claimsStarted: number;
  claimsSubmitted: number;
  unitsCorrected: number;
}

const FIGURES = [
  'audience',
  'waiting',
  'released',
  'sent',
  'held',
  'skipped',
  'delivered',
  'bounced',
  'opened',
  'lookedUp',
  'claimsStarted',
  'claimsSubmitted',
  'unitsCorrected',
] as const;

const zero = (): NoticeFigures => Object.fromEntries(FIGURES.map((f) => [f, 0])) as unknown as NoticeFigures;

export interface WaveWithFigures extends NoticeWave {
  figures: NoticeFigures;
  bySource: { source: string; figures: NoticeFigures }[];
}

export interface AudienceSummary {
  channel: NoticeChannel;
  source: string;
  people: number;
  unsubscribed: number;
  undeliverable: number;
}

/**
 * Every wave of a campaign with its figures, per wave and per source. A claim counts for the
 * latest notice its owner (same campaign, same normalised address, or the serial they were
 * written about) had before starting it: a reminder's claims are the reminder's, not the first
 * wave's too.
 */
export async function waveFigures(k: Kysely<Database>, campaignId: string): Promise<WaveWithFigures[]> {
  const waves = await k
    .selectFrom('notice_wave')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('number', 'desc')
    .execute();
  const rows = await sql<{ wave_id: string; source: string } & Record<string, string | number>>`
    SELECT d.wave_id, r.source,
      count(*) FILTER (WHERE d.queued_at IS NOT NULL) AS released,
      count(*) FILTER (WHERE d.sent_at IS NOT NULL) AS sent,
      count(*) FILTER (WHERE d.state = 'held') AS held,
      count(*) FILTER (WHERE d.state = 'skipped') AS skipped,
      count(*) FILTER (WHERE d.sent_at IS NOT NULL AND d.bounced_at IS NULL) AS delivered,
      count(*) FILTER (WHERE d.bounced_at IS NOT NULL) AS bounced,
      count(*) FILTER (WHERE d.opened_at IS NOT NULL) AS opened,
      count(*) FILTER (WHERE d.looked_up_at IS NOT NULL) AS "lookedUp",
      count(*) FILTER (WHERE c.started > 0) AS "claimsStarted",
      count(*) FILTER (WHERE c.submitted > 0) AS "claimsSubmitted",
      coalesce(sum(c.corrected), 0) AS "unitsCorrected"
    FROM notice_delivery d
    JOIN notice_wave w ON w.id = d.wave_id
    JOIN notice_recipient r ON r.id = d.recipient_id
    LEFT JOIN LATERAL (
      SELECT count(*) AS started,
             count(*) FILTER (WHERE cl.submitted_at IS NOT NULL) AS submitted,
             count(*) FILTER (WHERE cl.status = 'fulfilled') AS corrected
        FROM claim cl
       WHERE cl.campaign_id = w.campaign_id
         AND (cl.email_key = r.email_key OR (r.serial IS NOT NULL AND cl.serial = r.serial))
         AND cl.created_at >= d.queued_at
         AND NOT EXISTS (
           SELECT 1 FROM notice_delivery later
            WHERE later.recipient_id = d.recipient_id
              AND later.queued_at > d.queued_at AND later.queued_at <= cl.created_at)
    ) c ON d.queued_at IS NOT NULL
    WHERE w.campaign_id = ${campaignId}
    GROUP BY d.wave_id, r.source`.execute(k);

  return waves.map((wave) => {
    const mine = new Map(rows.rows.filter((row) => row.wave_id === wave.id).map((row) => [row.source, row]));
    const sources = [...new Set([...Object.keys(wave.audience_by_source), ...mine.keys()])].sort();
    const bySource = sources.map((source) => {
      const figures = figuresOf(mine.get(source) ?? {});
      // The audience was counted as the wave started; whoever it has not reached yet is waiting.
      figures.audience = wave.audience_by_source[source] ?? 0;
      figures.waiting =
        wave.state === 'done' ? 0 : Math.max(0, figures.audience - figures.released - figures.skipped);
      return { source, figures };
    });
    const figures = zero();
    for (const { figures: part } of bySource) for (const f of FIGURES) figures[f] += part[f];
    return { ...wave, figures, bySource };
  });
}

function figuresOf(row: Record<string, string | number>): NoticeFigures {
  return Object.fromEntries(FIGURES.map((f) => [f, Number(row[f] ?? 0)])) as unknown as NoticeFigures;
}

/** Who is on the campaign's lists, by channel and source. */
export async function audienceSummary(k: Kysely<Database>, campaignId: string): Promise<AudienceSummary[]> {
  const rows = await k
    .selectFrom('notice_recipient')
    .select((eb) => [
      'channel',
      'source',
      eb.fn.countAll<string>().as('people'),
      eb.fn.count<string>('unsubscribed_at').as('unsubscribed'),
      eb.fn.count<string>('undeliverable_at').as('undeliverable'),
    ])
    .where('campaign_id', '=', campaignId)
    .groupBy(['channel', 'source'])
    .orderBy('channel')
    .orderBy('source')
    .execute();
  return rows.map((row) => ({
    channel: row.channel,
    source: row.source,
    people: Number(row.people),
    unsubscribed: Number(row.unsubscribed),
    undeliverable: Number(row.undeliverable),
  }));
}

/**
 * People notified, by channel, between `from` and `to` (CPSC's "consumers notified"): by e-mail
 * when their first notice was sent, by other channels when the list saying so was imported.
 */
export async function peopleNotified(
  k: Kysely<Database>,
  campaignId: string,
  from: Date,
  to: Date,
): Promise<Record<NoticeChannel, number>> {
  const rows = await sql<{ channel: NoticeChannel; n: string }>`
    SELECT 'email' AS channel, count(*) AS n FROM (
      SELECT min(d.sent_at) AS first_sent
        FROM notice_delivery d JOIN notice_recipient r ON r.id = d.recipient_id
       WHERE r.campaign_id = ${campaignId} AND d.sent_at IS NOT NULL
       GROUP BY d.recipient_id) firsts
     WHERE first_sent >= ${from} AND first_sent < ${to}
    UNION ALL
    SELECT channel, count(*) FROM notice_recipient
     WHERE campaign_id = ${campaignId} AND channel <> 'email'
       AND created_at >= ${from} AND created_at < ${to}
     GROUP BY channel`.execute(k);
  const byChannel: Record<NoticeChannel, number> = { email: 0, mail: 0, phone: 0, other: 0 };
  for (const row of rows.rows) byChannel[row.channel] += Number(row.n);
  return byChannel;
}
