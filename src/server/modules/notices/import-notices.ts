import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { LANGUAGES } from '../../../shared/languages.ts';
import { toCsv } from '../../csv.ts';
import type { Tx } from '../../db/database.ts';
import type { NoticeChannel } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId, newIds } from '../../ids.ts';
import { normaliseModelCode, normaliseSerial } from '../catalog/serial.ts';
import { emailKey } from '../claims/velocity.ts';

export const NOTICE_HEADER = ['email', 'name', 'language', 'country'] as const;
const OPTIONAL = ['serial', 'model', 'order_id', 'source', 'channel'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Rows per COPY into the staging table: bounds memory on lists of any length. */
const COPY_BATCH = 10_000;
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

/** A recipient's columns as `check` returns them, in order. */
export const NOTICE_FIELDS = [
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

/** A row for COPY's CSV format: every value quoted (so '' stays ''), null unquoted and empty. */
const copyLine = (fields: (string | null)[]) =>
  `${fields.map((field) => (field === null ? '' : `"${field.replaceAll('"', '""')}"`)).join(',')}\n`;

/**
 * Adds the people of a list (CSV `email,name,language,country[,serial][,model][,order_id][,source]
 * [,channel]`) to a campaign's notice audience, streaming: rows are checked as they are read,
 * and each batch is copied to a staging table and merged while the next is read, so memory stays
 * flat on lists of any length. Addresses are normalised
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
  // Fields are trimmed by `check`; the parser only splits (the import's hot loop).
  const parser = input.pipe(
    parse({ skip_empty_lines: true, bom: true, info: true, relax_column_count: true }),
  );
  input.on('error', (error) => parser.destroy(error));
  await tx.query(
    `CREATE TEMP TABLE notice_staging (line integer, id text, ${NOTICE_FIELDS.map((f) => `${f} text`).join(', ')})
       ON COMMIT DROP`,
  );

  const rejected: { line: number; reason: string }[] = [];
  let header: string[] | undefined;
  let rows = 0;
  let accepted = 0;
  let lines: (string | null)[][] = [];
  let added = 0;
  // One batch is written while the next is read; at most two are held. The first row of a person
  // (by normalised address) stands for them: later rows, in this file or already listed, are
  // merged (ON CONFLICT DO NOTHING, rows inserted in line order).
  let writing: Promise<void> = Promise.resolve();
  const write = async (chunk: string) => {
    await tx.copyCsv('notice_staging', ['line', 'id', ...NOTICE_FIELDS], [chunk]);
    const merged = await tx.query(
      `INSERT INTO notice_recipient (id, campaign_id, ${NOTICE_FIELDS.join(', ')})
       SELECT id, $1, ${NOTICE_FIELDS.join(', ')} FROM notice_staging ORDER BY line
       ON CONFLICT (campaign_id, email_key) DO NOTHING`,
      [campaignId],
    );
    added += merged.rowCount ?? 0;
    await tx.query('TRUNCATE notice_staging');
  };
  const flush = async () => {
    if (lines.length === 0) return;
    const ids = newIds('ntr', lines.length);
    const chunk = lines
      .map((fields, i) => copyLine([fields[0] as string, ids[i] as string, ...fields.slice(1)]))
      .join('');
    lines = [];
    await writing;
    writing = write(chunk);
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!header) {
        header = record.map((name) => name.trim().toLowerCase());
        if (NOTICE_HEADER.some((column) => !header?.includes(column))) break;
        continue;
      }
      rows++;
      const row = check(Object.fromEntries(header.map((name, i) => [name, record[i] ?? ''])));
      if (typeof row === 'string') {
        rejected.push({ line: info.lines, reason: row });
        continue;
      }
      accepted++;
      lines.push([String(info.lines), ...row]);
      if (lines.length >= COPY_BATCH) await flush();
    }
    await flush();
  } catch (error) {
    if (!(error instanceof Error) || !/^CSV_|^INVALID_/.test((error as { code?: string }).code ?? ''))
      throw error;
    throw new AppError('import_refused', { reason: `not a readable CSV (${error.message})` });
  } finally {
    await writing.catch(() => {});
  }
  await writing;
  if (!header || NOTICE_HEADER.some((column) => !header?.includes(column)))
    throw new AppError('import_refused', {
      reason: `The first line must be the header "${[...NOTICE_HEADER, ...OPTIONAL.map((c) => `[${c}]`)].join(',')}".`,
    });
  await tx.query('DROP TABLE notice_staging');
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
      rows_merged: accepted - added,
      rows_rejected: rejected.length,
    })
    .execute();
  return { id, rowsTotal: rows, rowsAdded: added, rowsMerged: accepted - added, rejected };
}

/** One row as a recipient's NOTICE_FIELDS, or why it cannot be one. */
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
