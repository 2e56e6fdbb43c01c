import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { LANGUAGES } from '../../../shared/languages.ts';
import { toCsv } from '../../csv.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { normaliseModelCode, normaliseSerial } from '../catalog/serial.ts';
import { emailKey } from '../claims/velocity.ts';

export const NOTICE_HEADER = ['email', 'name', 'language', 'country'] as const;
const OPTIONAL = ['serial', 'model', 'order_id', 'source'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const INSERT_BATCH = 1000;

export interface NoticeImportResult {
  id: string;
  rowsTotal: number;
  rowsAdded: number;
  /** Rows for a person already listed (in this file or an earlier one): one notice each, still. */
  rowsMerged: number;
  rejected: { line: number; reason: string }[];
}

interface Recipient {
  email: string;
  email_key: string;
  name: string;
  language: string;
  country: string;
  serial: string | null;
  model_code: string | null;
  order_id: string | null;
  source: string;
}

/**
 * Adds the people of a list (CSV `email,name,language,country[,serial][,model][,order_id][,source]`)
 * to a campaign's notice audience. Addresses are normalised (case, +tags) and a person is listed
 * once per campaign, so importing a file again changes nothing; bad rows are returned with their
 * line numbers and reasons, the others imported. A language the platform does not speak is kept
 * as the campaign's default.
 */
export async function importNotices(
  db: Kysely<Database>,
  campaignId: string,
  csv: string | Buffer,
  meta: { fileName: string; actor: string },
): Promise<NoticeImportResult> {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(csv, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new AppError('import_refused', { reason: `not a readable CSV (${(error as Error).message})` });
  }
  const header = records[0] ? Object.keys(records[0].record) : [];
  if (records.length === 0 || NOTICE_HEADER.some((column) => !header.includes(column)))
    throw new AppError('import_refused', {
      reason: `The first line must be the header "${[...NOTICE_HEADER, ...OPTIONAL.map((c) => `[${c}]`)].join(',')}".`,
    });

  const rejected: { line: number; reason: string }[] = [];
  const people = new Map<string, Recipient>();
  let merged = 0;
  for (const { record, info } of records) {
    const problem = check(record);
    if (typeof problem === 'string') {
      rejected.push({ line: info.lines, reason: problem });
      continue;
    }
    if (people.has(problem.email_key)) merged++;
    else people.set(problem.email_key, problem);
  }

  const id = newId('nim');
  let added = 0;
  const rows = [...people.values()];
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const inserted = await db
      .insertInto('notice_recipient')
      .values(
        rows.slice(i, i + INSERT_BATCH).map((row) => ({ id: newId('ntr'), campaign_id: campaignId, ...row })),
      )
      .onConflict((oc) => oc.columns(['campaign_id', 'email_key']).doNothing())
      .returning('id')
      .execute();
    added += inserted.length;
  }
  merged += rows.length - added;
  await db
    .insertInto('notice_import')
    .values({
      id,
      campaign_id: campaignId,
      file_name: meta.fileName.slice(0, 200),
      actor: meta.actor,
      rows_total: records.length,
      rows_added: added,
      rows_merged: merged,
      rows_rejected: rejected.length,
    })
    .execute();
  return { id, rowsTotal: records.length, rowsAdded: added, rowsMerged: merged, rejected };
}

/** One row as a recipient, or why it cannot be one. */
function check(row: Record<string, string>): Recipient | string {
  const email = (row.email ?? '').trim();
  if (!EMAIL.test(email) || email.length > 254) return 'the e-mail address is not valid';
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
  const orderId = (row.order_id ?? '').trim();
  if (orderId.length > 100) return 'the order id is longer than 100 characters';
  return {
    email,
    email_key: emailKey(email),
    name,
    language: (LANGUAGES as readonly string[]).includes(language) ? language : '',
    country,
    serial,
    model_code: model,
    order_id: orderId || null,
    source: (row.source ?? '').trim().slice(0, 60),
  };
}

/** The rejected rows as CSV (line, reason), for the person who imported the list. */
export const rejectedCsv = (rejected: readonly { line: number; reason: string }[]) =>
  toCsv(['line', 'reason'], rejected);
