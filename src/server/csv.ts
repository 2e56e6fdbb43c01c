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
