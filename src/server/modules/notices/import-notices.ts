import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { LANGUAGES } from '../../../shared/languages.ts';
import { toCsv } from '../../csv.ts';
import type { Tx } from '../../db/database.ts';
import type { NoticeChannel } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { normaliseModelCode, normaliseSerial } from '../catalog/serial.ts';
import { emailKey } from '../claims/velocity.ts';

export const NOTICE_HEADER = ['email', 'name', 'language', 'country'] as const;
const OPTIONAL = ['serial', 'model', 'order_id', 'source', 'channel'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Rows per COPY into the staging table: bounds memory on lists of any length. */
const COPY_BATCH = 5000;
/** What the `channel` column may say, and the channel each word counts as. */
const CHANNELS: Record<string, NoticeChannel> = {
  '': 'email',
  email: 'email',
  mail: 'mail',
  letter: 'mail',
  post: 'mail',
  phone: 'phone',
  sms: 'phone',
  other: 'other',
  marketplace: 'other',
};

export interface NoticeImportResult {
  id: string;
  rowsTotal: number;
  rowsAdded: number;
  /** Rows for a person already listed (in this file or an earlier one): one notice each, still. */
  rowsMerged: number;
  rejected: { line: number; reason: string }[];
}

const COLUMNS = [
  'line',
  'id',
  'email',
  'email_key',
  'name',
  'language',
  'country',
  'serial',
  'model_code',
  'order_id',
  'source',
  'channel',
] as const;

/**
 * Adds the people of a list (CSV `email,name,language,country[,serial][,model][,order_id][,source]
 * [,channel]`) to a campaign's notice audience, streaming: rows are checked as they are read and
 * copied in batches to a staging table, then merged in one statement. Addresses are normalised
 * (case, +tags) and a person is listed once per campaign, so importing a file again changes
 * nothing; bad rows are returned with their line numbers and reasons, the others imported. A
 * language the platform does not speak is kept as the campaign's default. A row whose channel is
 * not e-mail records a notice sent elsewhere (a letter, a marketplace message): counted, not sent.
 */
export async function importNotices(
  tx: Tx,
  campaignId: string,
  csv: string | Buffer | Readable,
  meta: { fileName: string; actor: string },
): Promise<NoticeImportResult> {
  const input = typeof csv === 'string' || Buffer.isBuffer(csv) ? Readable.from([csv]) : csv;
  const parser = input.pipe(
    parse({
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
      relax_column_count: true,
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  await tx.query(
    `CREATE TEMP TABLE notice_staging (line integer, id text, email text, email_key text, name text,
       language text, country text, serial text COLLATE "C", model_code text, order_id text,
       source text, channel text) ON COMMIT DROP`,
  );

  const rejected: { line: number; reason: string }[] = [];
  let rows = 0;
  let batch: string[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      if (rows === 0 && NOTICE_HEADER.some((column) => !Object.hasOwn(record, column))) break;
      rows++;
      const row = check(record);
      if (typeof row === 'string') {
        rejected.push({ line: info.lines, reason: row });
        continue;
      }
      batch.push(copyLine([String(info.lines), newId('ntr'), ...row]));
      if (batch.length >= COPY_BATCH) {
        await tx.copyCsv('notice_staging', COLUMNS, batch);
        batch = [];
      }
    }
  } catch (error) {
    throw new AppError('import_refused', { reason: `not a readable CSV (${(error as Error).message})` });
  }
  if (rows === 0)
    throw new AppError('import_refused', {
      reason: `The first line must be the header "${[...NOTICE_HEADER, ...OPTIONAL.map((c) => `[${c}]`)].join(',')}".`,
    });
  if (batch.length > 0) await tx.copyCsv('notice_staging', COLUMNS, batch);

  // The first row of a person (by normalised address) stands for them; later rows and people
  // already listed are merged.
  const merged = await tx.query(
    `WITH added AS (
       INSERT INTO notice_recipient (id, campaign_id, email, email_key, name, language, country,
                                     serial, model_code, order_id, source, channel)
       SELECT DISTINCT ON (email_key) id, $1, email, email_key, name, language, country,
              serial, model_code, order_id, source, channel
         FROM notice_staging ORDER BY email_key, line
       ON CONFLICT (campaign_id, email_key) DO NOTHING
       RETURNING 1)
     SELECT (SELECT count(*) FROM added) AS added, (SELECT count(*) FROM notice_staging) AS accepted`,
    [campaignId],
  );
  const counts = merged.rows[0] as { added: string | number; accepted: string | number };
  const added = Number(counts.added);
  const id = newId('nim');
  await tx.kysely
    .insertInto('notice_import')
    .values({
      id,
      campaign_id: campaignId,
      file_name: meta.fileName.slice(0, 200),
      actor: meta.actor,
      rows_total: rows,
      rows_added: added,
      rows_merged: Number(counts.accepted) - added,
      rows_rejected: rejected.length,
    })
    .execute();
  await tx.query('DROP TABLE notice_staging');
  return { id, rowsTotal: rows, rowsAdded: added, rowsMerged: Number(counts.accepted) - added, rejected };
}

/** A row for COPY's CSV format: every value quoted (so '' stays ''), null unquoted and empty. */
const copyLine = (fields: (string | null)[]) =>
  `${fields.map((field) => (field === null ? '' : `"${field.replaceAll('"', '""')}"`)).join(',')}\n`;

/** One row as the staging table's fields after `line, id`, or why it cannot be a recipient. */
function check(row: Record<string, string>): (string | null)[] | string {
  const channel = CHANNELS[(row.channel ?? '').toLowerCase()];
  if (!channel) return 'the channel is not email, mail, phone or other';
  const email = (row.email ?? '').trim();
  const orderId = (row.order_id ?? '').trim();
  if (orderId.length > 100) return 'the order id is longer than 100 characters';
  // A letter or a marketplace message may reach someone whose address is unknown: their order is who they are.
  const emailOptional = channel !== 'email' && email === '' && orderId !== '';
  if (!emailOptional && (!EMAIL.test(email) || email.length > 254)) return 'the e-mail address is not valid';
  const name = (row.name ?? '').trim();
  if (name === '' || name.length > 200) return 'the name is empty or longer than 200 characters';
  const country = (row.country ?? '').trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) return 'the country is not a two-letter code';
  const language = (row.language ?? '').trim();
  let serial: string | null = null;
  if (row.serial) {
    const normalised = normaliseSerial(row.serial);
    if (!normalised.ok) return 'the serial number is not valid';
    serial = normalised.serial;
  }
  let model: string | null = null;
  if (row.model) {
    model = normaliseModelCode(row.model) ?? null;
    if (!model) return 'the model is not valid';
  }
  return [
    email,
    emailOptional ? `order:${orderId.toLowerCase()}` : emailKey(email),
    name,
    (LANGUAGES as readonly string[]).includes(language) ? language : '',
    country,
    serial,
    model,
    orderId || null,
    (row.source ?? '').trim().slice(0, 60),
    channel,
  ];
}

/** The rejected rows as CSV (line, reason), for the person who imported the list. */
export const rejectedCsv = (rejected: readonly { line: number; reason: string }[]) =>
  toCsv(['line', 'reason'], rejected);
