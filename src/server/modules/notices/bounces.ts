import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { emailKey } from '../claims/velocity.ts';

/** A mail provider's report on an address: it bounced (hard), or its owner marked a notice as spam. */
export interface BounceEvent {
  email: string;
  type: 'bounce' | 'complaint';
  /** The Message-ID of the notice (`<msg_…@recallkit>`), when the provider passes it on. */
  messageId?: string | undefined;
}

export interface BounceResult {
  /** Events that matched someone on a notice list. */
  matched: number;
  /** Events for addresses no list holds (reported by a provider for other mail). */
  unknown: number;
}

/**
 * Marks the reported addresses undeliverable on every campaign's list (a complaint also
 * unsubscribes): no later wave writes to them. A bounce also marks the notice it answers (by
 * Message-ID, else the person's latest one sent) bounced, so the wave's figures show it.
 */
export async function recordBounces(
  k: Kysely<Database>,
  events: readonly BounceEvent[],
): Promise<BounceResult> {
  let matched = 0;
  for (const event of events) {
    const key = emailKey(event.email);
    const people = await k
      .updateTable('notice_recipient')
      .set({
        undeliverable_at: sql`coalesce(undeliverable_at, now())`,
        ...(event.type === 'complaint' ? { unsubscribed_at: sql`coalesce(unsubscribed_at, now())` } : {}),
      })
      .where('email_key', '=', key)
      .returning('id')
      .execute();
    if (people.length === 0) continue;
    matched++;
    if (event.type !== 'bounce') continue;
    const messageId = /^<?(msg_[A-Za-z0-9_-]+)@recallkit>?$/.exec(event.messageId ?? '')?.[1];
    const latest = await k
      .selectFrom('notice_delivery')
      .select('id')
      .where(
        'recipient_id',
        'in',
        people.map((p) => p.id),
      )
      .where('state', '=', 'sent')
      .$if(messageId !== undefined, (q) => q.where('message_id', '=', messageId as string))
      .orderBy('sent_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest)
      await k
        .updateTable('notice_delivery')
        .set({ state: 'bounced', bounced_at: new Date() })
        .where('id', '=', latest.id)
        .execute();
  }
  return { matched, unknown: events.length - matched };
}

/**
 * Reads a provider's bounce export (CSV `email,type[,message_id]`, type bounce or complaint;
 * `hard_bounce`, `spam` and the like are read as their kind). Bad rows come back with line numbers.
 */
export async function readBounceCsv(
  csv: string | Buffer | Readable,
): Promise<{ events: BounceEvent[]; rejected: { line: number; reason: string }[] }> {
  const events: BounceEvent[] = [];
  const rejected: { line: number; reason: string }[] = [];
  const input = typeof csv === 'string' || Buffer.isBuffer(csv) ? Readable.from([csv]) : csv;
  const parser = parse({
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim().toLowerCase());
      if (!names.includes('email') || !names.includes('type')) throw new Error(BOUNCE_HEADER);
      return names;
    },
    skip_empty_lines: true,
    trim: true,
    bom: true,
    info: true,
    relax_column_count: true,
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const type = bounceType(record.type ?? '');
      if (!/^[^\s@]+@[^\s@]+$/.test(record.email ?? ''))
        rejected.push({ line: info.lines, reason: 'the e-mail address is not valid' });
      else if (!type)
        rejected.push({
          line: info.lines,
          reason: /soft/i.test(record.type ?? '')
            ? 'a soft bounce is not final: the address is kept'
            : 'the type is not bounce or complaint',
        });
      else events.push({ email: record.email as string, type, messageId: record.message_id || undefined });
    }
  } catch (error) {
    const message = (error as Error).message;
    throw new AppError('import_refused', {
      reason: message.includes(BOUNCE_HEADER) ? BOUNCE_HEADER : `not a readable CSV (${message})`,
    });
  }
  return { events, rejected };
}

const BOUNCE_HEADER = 'The first line must be the header "email,type[,message_id]".';

function bounceType(type: string): BounceEvent['type'] | undefined {
  const word = type.toLowerCase();
  if (/bounce|undeliverable|invalid|rejected|dropped/.test(word) && !/soft/.test(word)) return 'bounce';
  if (/complain|spam|abuse/.test(word)) return 'complaint';
  return undefined;
}
