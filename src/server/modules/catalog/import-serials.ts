import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseCsv } from 'csv-parse';
import type { Db, Tx } from '../../db/database.ts';
import { newId } from '../../ids.ts';
import type { CampaignDefinition } from './campaign-definition.ts';
import { bumpCatalogRevision, findCampaign, type StoredCampaign } from './catalog.queries.ts';
import { applySerialRules, normaliseModelCode, normaliseSerial, type SerialProblem } from './serial.ts';

export interface ImportSerialsOptions {
  campaignSlug: string;
  file: string;
  /** Who imports: a staff e-mail, or `cli:<user>`. */
  actor: string;
  /** Where rejected rows go (default: `<file>.rejected.csv`); written only when a row is rejected. */
  rejectsFile?: string;
  onProgress?: (progress: { bytesRead: number; totalBytes: number; rows: number }) => void;
}

export interface ImportSerialsResult {
  id: string;
  campaign: string;
  fileSha256: string;
  rowsTotal: number;
  rowsAdded: number;
  rowsUnchanged: number;
  rowsRejected: number;
  rejectsFile: string | null;
}

export type ImportRefusal =
  | 'campaign_not_found'
  | 'file_not_found'
  | 'csv_empty'
  | 'csv_header'
  | 'csv_encoding'
  | 'csv_malformed';

/** The file as a whole cannot be imported; nothing was written. */
export class ImportRefusedError extends Error {
  readonly code: ImportRefusal;
  constructor(code: ImportRefusal, message: string) {
    super(message);
    this.code = code;
  }
}

type RowProblem =
  | SerialProblem
  | 'serial_format'
  | 'model_unknown'
  | 'market_invalid'
  | 'lot_invalid'
  | 'column_count'
  | 'serial_conflict';

const ROW_PROBLEM_TEXT: Record<RowProblem, string> = {
  serial_empty: 'the serial is empty',
  serial_too_long: 'the serial is longer than 40 characters',
  serial_invalid_characters: 'the serial has characters other than letters, digits, spaces and dashes',
  serial_format: "the serial does not have the campaign's serial format",
  model_unknown: 'the model is not one of this campaign',
  market_invalid: 'the market is not a two-letter country code',
  lot_invalid: 'the lot is longer than 64 characters or has control characters',
  column_count: 'the row does not have the same columns as the header',
  serial_conflict: 'the serial is already listed with another model',
};

const HEADER_HELP =
  'The first line must be the header "serial,model", optionally followed by "market" and/or "lot".';
/** Rows per COPY: bounds memory on files of any size while keeping round trips few. */
const COPY_BATCH_ROWS = 100_000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: PostgreSQL text cannot hold NUL; other controls are typos
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const UNIQUE_VIOLATION = '23505';
const REJECTS_HEADER = 'line,serial,model,code,reason\n';
/** Rejected rows kept with the import record for the console; the file has them all. */
const REJECTED_SAMPLE_ROWS = 1000;

/**
 * Imports an eligibility list (CSV: serial,model[,market][,lot]) into a campaign in one
 * transaction. Valid rows are added, rows already listed are left as they are (re-importing a
 * file changes nothing), invalid rows are written with their line number and reason to the
 * rejects file. A file that is not a readable CSV with the right header imports nothing.
 */
export async function importSerials(db: Db, options: ImportSerialsOptions): Promise<ImportSerialsResult> {
  const { result, rejects } = await db.transaction((tx) => importSerialsInTx(tx, options));
  if (result.rejectsFile) {
    fs.writeFileSync(result.rejectsFile, `${REJECTS_HEADER}${rejects.join('')}`);
  } else {
    fs.rmSync(rejectsFileOf(options), { force: true });
  }
  return result;
}

function rejectsFileOf(options: ImportSerialsOptions): string {
  return options.rejectsFile ?? `${options.file}.rejected.csv`;
}

/**
 * The import inside the caller's transaction; returns the rejected rows as CSV lines for the
 * caller to write once the transaction has committed.
 */
export async function importSerialsInTx(
  tx: Tx,
  options: ImportSerialsOptions,
): Promise<{ result: ImportSerialsResult; rejects: string[] }> {
  const campaign = await findCampaign(tx.kysely, options.campaignSlug);
  if (!campaign) {
    throw new ImportRefusedError('campaign_not_found', `There is no campaign "${options.campaignSlug}".`);
  }
  if (!fs.existsSync(options.file) || !fs.statSync(options.file).isFile()) {
    throw new ImportRefusedError('file_not_found', `Cannot read ${options.file}.`);
  }
  const startedAt = new Date();
  const importId = newId('imp');
  const loaded =
    (await loadDirectly(tx, campaign, importId, options)) ??
    (await loadThroughStaging(tx, campaign, importId, options));
  const rowsRejected = loaded.parsed.rejected + loaded.conflicts;
  const rejects = loaded.rejects.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  const result: ImportSerialsResult = {
    id: importId,
    campaign: campaign.slug,
    fileSha256: loaded.parsed.sha256,
    rowsTotal: loaded.parsed.rows,
    rowsAdded: loaded.rowsAdded,
    rowsUnchanged: loaded.parsed.accepted - loaded.rowsAdded - loaded.conflicts,
    rowsRejected,
    rejectsFile: rowsRejected > 0 ? rejectsFileOf(options) : null,
  };
  await tx.kysely
    .insertInto('serial_import')
    .values({
      id: importId,
      campaign_id: campaign.id,
      file_name: options.file.split(/[\\/]/).pop() ?? options.file,
      file_sha256: result.fileSha256,
      actor: options.actor,
      rows_total: result.rowsTotal,
      rows_added: result.rowsAdded,
      rows_unchanged: result.rowsUnchanged,
      rows_rejected: result.rowsRejected,
      rejects_file: result.rejectsFile,
      rejected_sample:
        rejects.length > 0 ? `${REJECTS_HEADER}${rejects.slice(0, REJECTED_SAMPLE_ROWS).join('')}` : null,
      started_at: startedAt,
    })
    .execute();
  if (result.rowsAdded > 0) await bumpCatalogRevision(tx);
  return { result, rejects };
}

interface Loaded {
  parsed: ParseOutcome;
  rowsAdded: number;
  conflicts: number;
  rejects: string[];
}

/**
 * The first list of a campaign (the big one) is copied straight into `affected_unit`: half the
 * work of copying to a staging table and merging. If the file repeats a serial, or another
 * process listed one meanwhile, the unique index says so and the staging path takes over.
 */
async function loadDirectly(
  tx: Tx,
  campaign: StoredCampaign,
  importId: string,
  options: ImportSerialsOptions,
): Promise<Loaded | undefined> {
  const listed = await tx.query('SELECT 1 FROM affected_unit WHERE campaign_id = $1 LIMIT 1', [campaign.id]);
  if ((listed.rowCount ?? 0) > 0) return undefined;
  await tx.query('SAVEPOINT direct_load');
  const rejects: string[] = [];
  try {
    const parsed = await parseRows(campaign.definition, options, rejects, {
      table: 'affected_unit',
      columns: ['campaign_id', 'serial', 'model_code', 'market', 'lot', 'import_id'],
      row: (_line, serial, model, market, lot) =>
        `${campaign.id},${serial},${model},${market},${lot},${importId}\n`,
      copy: (table, columns, rows) => tx.copyCsv(table, columns, rows),
    });
    await tx.query('RELEASE SAVEPOINT direct_load');
    return { parsed, rowsAdded: parsed.accepted, conflicts: 0, rejects };
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT direct_load');
    return undefined;
  }
}

/** Any list: copied into a staging table, merged without touching rows already listed. */
async function loadThroughStaging(
  tx: Tx,
  campaign: StoredCampaign,
  importId: string,
  options: ImportSerialsOptions,
): Promise<Loaded> {
  await tx.query(
    'CREATE TEMP TABLE import_staging (line integer NOT NULL, serial text NOT NULL, model_code text NOT NULL, market text, lot text) ON COMMIT DROP',
  );
  const rejects: string[] = [];
  const parsed = await parseRows(campaign.definition, options, rejects, {
    table: 'import_staging',
    columns: ['line', 'serial', 'model_code', 'market', 'lot'],
    row: (line, serial, model, market, lot) => `${line},${serial},${model},${market},${lot}\n`,
    copy: (table, columns, rows) => tx.copyCsv(table, columns, rows),
  });
  // A fresh temp table is read back in the order it was written, so where one file lists a
  // serial twice with different models, the first line wins and the later one is rejected.
  const inserted = await tx.query(
    `INSERT INTO affected_unit (campaign_id, serial, model_code, market, lot, import_id)
     SELECT $1, serial, model_code, market, lot, $2 FROM import_staging
     ON CONFLICT (campaign_id, serial) DO NOTHING`,
    [campaign.id, importId],
  );
  const rowsAdded = inserted.rowCount ?? 0;
  let conflicts = 0;
  if (rowsAdded < parsed.accepted) {
    const clashing = await tx.query(
      `SELECT s.line, s.serial, s.model_code, u.model_code AS listed_model
         FROM import_staging s
         JOIN affected_unit u ON u.campaign_id = $1 AND u.serial = s.serial
        WHERE u.model_code <> s.model_code
        ORDER BY s.line`,
      [campaign.id],
    );
    conflicts = clashing.rows.length;
    for (const row of clashing.rows) {
      const reason = `${ROW_PROBLEM_TEXT.serial_conflict} (${row.listed_model})`;
      rejects.push(csvLine([row.line, row.serial, row.model_code, 'serial_conflict', reason]));
    }
  }
  await tx.query('DROP TABLE import_staging');
  return { parsed, rowsAdded, conflicts, rejects };
}

interface ParseOutcome {
  rows: number;
  accepted: number;
  rejected: number;
  sha256: string;
}

/** Where accepted rows go: a table, its columns, and a row's COPY CSV line. */
interface RowSink {
  table: string;
  columns: readonly string[];
  row(line: number, serial: string, model: string, market: string, lot: string): string;
  copy(table: string, columns: readonly string[], rows: string[]): Promise<void>;
}

/** Reads, checks and normalises every row, sending accepted rows to `sink` in batches. */
async function parseRows(
  campaign: CampaignDefinition,
  options: ImportSerialsOptions,
  rejects: string[],
  sink: RowSink,
): Promise<ParseOutcome> {
  const models = new Set(campaign.models.map((model) => model.code));
  const rules = { lookAlikes: campaign.serialRules.lookAlikes };
  const pattern = campaign.serialRules.pattern ? new RegExp(campaign.serialRules.pattern) : undefined;
  const totalBytes = fs.statSync(options.file).size;
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytesRead = 0;
  // Hashes the bytes and proves they are UTF-8 on their way to the CSV parser.
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytesRead += chunk.length;
      try {
        decoder.decode(chunk, { stream: true });
        done(null, chunk);
      } catch {
        done(
          new ImportRefusedError(
            'csv_encoding',
            `The file is not UTF-8 text (an invalid byte sequence within the first ${bytesRead} bytes). Save it as "CSV UTF-8" and import it again.`,
          ),
        );
      }
    },
    flush(done) {
      try {
        decoder.decode();
        done();
      } catch {
        done(
          new ImportRefusedError('csv_encoding', 'The file is not UTF-8 text (it ends inside a character).'),
        );
      }
    },
  });
  const parser = parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  // Errors anywhere tear the whole pipeline down and surface in the loop below.
  const piping = pipeline(fs.createReadStream(options.file, { highWaterMark: 1 << 20 }), check, parser).catch(
    () => {},
  );

  let rows = 0;
  let accepted = 0;
  let rejected = 0;
  let columns: ReturnType<typeof readHeader> | undefined;
  let batch: string[] = [];
  const reject = (line: number, record: string[], problem: RowProblem) => {
    rejected++;
    const serial = columns ? (record[columns.serial] ?? '') : '';
    const model = columns ? (record[columns.model] ?? '') : '';
    rejects.push(
      csvLine([line, serial.slice(0, 100), model.slice(0, 100), problem, ROW_PROBLEM_TEXT[problem]]),
    );
  };

  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!columns) {
        columns = readHeader(record);
        continue;
      }
      rows++;
      const line = info.lines;
      if (record.length !== columns.count) {
        reject(line, record, 'column_count');
        continue;
      }
      const normalised = normaliseSerial(record[columns.serial] ?? '');
      if (!normalised.ok) {
        reject(line, record, normalised.problem);
        continue;
      }
      const serial = applySerialRules(normalised.serial, rules);
      if (pattern && !pattern.test(serial)) {
        reject(line, record, 'serial_format');
        continue;
      }
      const model = normaliseModelCode(record[columns.model] ?? '');
      if (!model || !models.has(model)) {
        reject(line, record, 'model_unknown');
        continue;
      }
      const market = columns.market >= 0 ? (record[columns.market] ?? '').trim().toUpperCase() : '';
      if (market !== '' && !/^[A-Z]{2}$/.test(market)) {
        reject(line, record, 'market_invalid');
        continue;
      }
      const lot = columns.lot >= 0 ? (record[columns.lot] ?? '').trim() : '';
      if (lot.length > 64 || CONTROL_CHARACTERS.test(lot)) {
        reject(line, record, 'lot_invalid');
        continue;
      }
      // Unquoted empty fields are NULL in COPY's CSV format; lots are quoted as free text.
      batch.push(sink.row(line, serial, model, market, lot === '' ? '' : csvField(lot)));
      accepted++;
      if (batch.length >= COPY_BATCH_ROWS) {
        await sink.copy(sink.table, sink.columns, batch);
        batch = [];
        options.onProgress?.({ bytesRead, totalBytes, rows });
      }
    }
  } catch (error) {
    const csvError = error as { code?: string; lines?: number; message: string };
    if (typeof csvError.code === 'string' && csvError.code.startsWith('CSV_')) {
      throw new ImportRefusedError(
        'csv_malformed',
        `The file is not a well-formed CSV near line ${csvError.lines ?? '?'}: ${csvError.message}`,
      );
    }
    throw error;
  } finally {
    parser.destroy();
    await piping;
  }
  if (!columns) throw new ImportRefusedError('csv_empty', `The file is empty. ${HEADER_HELP}`);
  if (batch.length > 0) await sink.copy(sink.table, sink.columns, batch);
  options.onProgress?.({ bytesRead, totalBytes, rows });
  return { rows, accepted, rejected, sha256: hash.digest('hex') };
}

function readHeader(record: string[]) {
  const names = record.map((name) => name.trim().toLowerCase());
  const known = new Set(['serial', 'model', 'market', 'lot']);
  const unknown = names.filter((name) => !known.has(name));
  const duplicated = names.filter((name, i) => names.indexOf(name) !== i);
  if (!names.includes('serial') || !names.includes('model') || unknown.length > 0 || duplicated.length > 0) {
    const found = record.join(',').slice(0, 200);
    throw new ImportRefusedError('csv_header', `${HEADER_HELP} Found "${found}".`);
  }
  return {
    serial: names.indexOf('serial'),
    model: names.indexOf('model'),
    market: names.indexOf('market'),
    lot: names.indexOf('lot'),
    count: names.length,
  };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(fields: (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}
