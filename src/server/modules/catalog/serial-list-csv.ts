import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseCsv } from 'csv-parse';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import { applySerialRules, normaliseModelCode, normaliseSerial, type SerialProblem } from './serial.ts';

// Reading an eligibility list: the CSV is streamed, each row checked and normalised against the
// campaign's serial rules, accepted rows batched for COPY and rejected rows kept with their reason.

export interface ImportSerialsOptions {
  campaignSlug: string;
  file: string;
  /** Who imports: a staff e-mail, or `cli:<user>`. */
  actor: string;
  /** Where rejected rows go (default: `<file>.rejected.csv`); written only when a row is rejected. */
  rejectsFile?: string;
  onProgress?: (progress: { bytesRead: number; totalBytes: number; rows: number }) => void;
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

export type RowProblem =
  | SerialProblem
  | 'serial_format'
  | 'model_unknown'
  | 'market_invalid'
  | 'lot_invalid'
  | 'column_count'
  | 'serial_conflict';

export const ROW_PROBLEM_TEXT: Record<RowProblem, string> = {
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

export const HEADER_HELP =
  'The first line must be the header "serial,model", optionally followed by "market" and/or "lot".';

/** Rows per COPY: bounds memory on files of any size while keeping round trips few. */
export const COPY_BATCH_ROWS = 100_000;

// biome-ignore lint/suspicious/noControlCharactersInRegex: PostgreSQL text cannot hold NUL; other controls are typos
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export interface ParseOutcome {
  rows: number;
  accepted: number;
  rejected: number;
  sha256: string;
}

/** Where accepted rows go: a table, its columns, and a row's COPY CSV line. */
export interface RowSink {
  table: string;
  columns: readonly string[];
  row(line: number, serial: string, model: string, market: string, lot: string): string;
  copy(table: string, columns: readonly string[], rows: string[]): Promise<void>;
}

/** Reads, checks and normalises every row, sending accepted rows to `sink` in batches. */
export async function parseRows(
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
  // One batch is copied while the next is parsed: the database builds its index meanwhile.
  let copying: Promise<void> = Promise.resolve();
  const send = async (rows: string[]) => {
    await copying;
    copying = sink.copy(sink.table, sink.columns, rows);
    copying.catch(() => {}); // awaited before the next batch and at the end
  };
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
        await send(batch);
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
    // A batch still copying finishes before the caller rolls the transaction back.
    await copying.catch(() => {});
  }
  if (!columns) throw new ImportRefusedError('csv_empty', `The file is empty. ${HEADER_HELP}`);
  if (batch.length > 0) await send(batch);
  await copying;
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

export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(fields: (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}
