import { parse } from 'csv-parse/sync';
import { AppError } from './errors.ts';

/**
 * CSV as spreadsheets and warehouse systems read it (RFC 4180, CRLF). A cell a spreadsheet would
 * run as a formula (=, @, or + and - followed by more than a number, e.g. "-2+3+cmd|…") is
 * prefixed with ', while a phone number such as +1 (555) 010-0000 stays as it is.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [
    columns.join(','),
    ...rows.map((row) => columns.map((column) => cell(row[column])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

function cell(value: unknown): string {
  let text =
    value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  if (/^[=@\t\r]/.test(text) || /^[+-].*[^0-9 ().\-/]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The rows of an uploaded CSV (header names trimmed and lower-cased), or 422 `import_refused`
 * when it cannot be read or its header lacks a `required` column; `headerHelp` says what it
 * should be.
 */
export function parseCsv(
  text: string | Buffer,
  required: readonly string[],
  headerHelp = `The first line must be the header "${required.join(',')}".`,
): Record<string, string>[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
  } catch (error) {
    throw new AppError('import_refused', { reason: `not a readable CSV (${(error as Error).message})` });
  }
  const header = rows[0] ? Object.keys(rows[0]) : [];
  if (rows.length === 0 || required.some((column) => !header.includes(column)))
    throw new AppError('import_refused', { reason: headerHelp });
  return rows;
}
