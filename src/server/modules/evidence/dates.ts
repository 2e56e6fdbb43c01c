import { editDistance } from './matching.ts';

/**
 * Dates as owners write them next to "RECALLED": 2026-11-21, 11/21/2026, 21/11/2026, 21.11.26,
 * Nov 21 2026, 21 Nov 2026, 21 de noviembre de 2026, 2026年11月21日. A numeric date that reads
 * both ways (11/12/2026) yields both days. OCR's usual misreadings of digits (O for 0, l for 1,
 * S for 5…) are undone inside numbers first.
 */

export interface FoundDate {
  /** As read. */
  text: string;
  /** Every day it can mean, as YYYY-MM-DD. */
  days: string[];
}

const MONTHS: Record<string, number> = {};
for (const [names, month] of [
  [['jan', 'january', 'ene', 'enero'], 1],
  [['feb', 'february', 'febrero'], 2],
  [['mar', 'march', 'marzo'], 3],
  [['apr', 'april', 'abr', 'abril'], 4],
  [['may', 'mayo'], 5],
  [['jun', 'june', 'junio'], 6],
  [['jul', 'july', 'julio'], 7],
  [['aug', 'august', 'ago', 'agosto'], 8],
  [['sep', 'sept', 'september', 'septiembre', 'setiembre'], 9],
  [['oct', 'october', 'octubre'], 10],
  [['nov', 'november', 'noviembre'], 11],
  [['dec', 'december', 'dic', 'diciembre'], 12],
] as const)
  for (const name of names) MONTHS[name] = month;
const MONTH = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');

const DIGIT_LOOKALIKES: Record<string, string> = {
  O: '0',
  o: '0',
  D: '0',
  Q: '0',
  I: '1',
  l: '1',
  '|': '1',
  i: '1',
  S: '5',
  s: '5',
  B: '8',
  Z: '2',
  z: '2',
  g: '9',
  b: '6',
};

/** Inside a run that is mostly digits and separators, letters that OCR puts for digits become digits. */
function undoDigitMisreads(line: string): string {
  return line.replace(/[0-9OoDQIli|SsBZzgb]+(?:\s*[./\-年月]\s*[0-9OoDQIli|SsBZzgb]+)+[日]?/g, (run) => {
    const digits = run.replace(/[^0-9]/g, '').length;
    const letters = run.replace(/[0-9./\-\s年月日]/g, '').length;
    if (digits < 3 || letters > digits / 2) return run;
    return run.replace(/\s+/g, '').replace(/[OoDQIli|SsBZzgb]/g, (c) => DIGIT_LOOKALIKES[c] ?? c);
  });
}

const plausible = (year: number) => year >= 2000 && year <= 2099;

/**
 * The years a written year can mean. A year no one writes on a recalled unit (2626, or five
 * digits: 26026) is a misread: a marker 0 taken for a 6, a digit read twice. It stands for the
 * plausible years one misread digit away. A plausible year is never changed, so an old date
 * stays old.
 */
function yearsMeant(written: string): number[] {
  if (written.length <= 2) return [2000 + Number(written)];
  if (written.length === 4 && plausible(Number(written))) return [Number(written)];
  const near = new Set<number>();
  for (let i = 0; i < written.length; i++) {
    if (written.length === 5) near.add(Number(written.slice(0, i) + written.slice(i + 1)));
    else if (written.length === 4)
      for (const digit of '0123456789') near.add(Number(written.slice(0, i) + digit + written.slice(i + 1)));
  }
  return [...near].filter(plausible);
}

function day(year: number, month: number, date: number): string | undefined {
  if (month < 1 || month > 12 || date < 1 || date > 31 || !plausible(year)) return undefined;
  const value = new Date(Date.UTC(year, month - 1, date));
  if (value.getUTCMonth() !== month - 1) return undefined; // 31 November
  return value.toISOString().slice(0, 10);
}

/** Every day a date can mean, over the years its written year can mean. */
const days = (year: string, month: number, date: number) =>
  yearsMeant(year).map((meant) => day(meant, month, date));

/**
 * The dates in `lines`. A day and month written without a year ("22 NOV", "Nov 22") mean that day
 * in each of `yearless` (the years around submission; none by default).
 */
export function findDates(lines: readonly string[], yearless: readonly number[] = []): FoundDate[] {
  const found: FoundDate[] = [];
  const add = (text: string, days: (string | undefined)[]) => {
    const valid = [...new Set(days.filter((d): d is string => Boolean(d)))];
    if (valid.length > 0) found.push({ text, days: valid });
  };
  for (const raw of lines) {
    const line = undoDigitMisreads(raw);
    for (const m of line.matchAll(/(\d{4,5})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?/g))
      add(m[0], days(m[1] as string, Number(m[2]), Number(m[3])));
    for (const m of line.matchAll(/(?<!\d)(\d{4,5})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g))
      add(m[0], days(m[1] as string, Number(m[2]), Number(m[3])));
    for (const m of line.matchAll(/(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4,5}|\d{2})(?!\d)/g)) {
      const [a, b, y] = [Number(m[1]), Number(m[2]), m[3] as string];
      add(m[0], [...days(y, a, b), ...days(y, b, a)]); // month first (US) and day first
    }
    const lower = line.toLowerCase();
    for (const m of lower.matchAll(
      new RegExp(
        `\\b(${MONTH})\\.?\\s*(\\d{1,2})(?:st|nd|rd|th)?(?:,\\s*|\\s+)(\\d{4,5}|\\d{2})(?!\\d)`,
        'g',
      ),
    ))
      add(m[0], days(m[3] as string, MONTHS[m[1] as string] as number, Number(m[2])));
    // The same with the spaces lost, as a re-read of one line gives it: "NOV212026".
    for (const m of lower.matchAll(new RegExp(`\\b(${MONTH})\\.?(\\d{1,2})(20\\d{2})(?!\\d)`, 'g')))
      add(m[0], days(m[3] as string, MONTHS[m[1] as string] as number, Number(m[2])));
    for (const m of lower.matchAll(
      new RegExp(
        `(?<!\\d)(\\d{1,2})(?:st|nd|rd|th)?\\.?\\s*(?:de\\s+)?(${MONTH})\\.?,?\\s*(?:de\\s+)?(\\d{4,5}|\\d{2})(?!\\d)`,
        'g',
      ),
    ))
      add(m[0], days(m[3] as string, MONTHS[m[2] as string] as number, Number(m[1])));
    if (yearless.length === 0) continue;
    const inYears = (month: number, date: number) => yearless.map((year) => day(year, month, date));
    for (const m of lower.matchAll(
      new RegExp(
        `(?<![\\d.])(\\d{1,2})(?:st|nd|rd|th)?\\.?\\s*(?:de\\s+)?(${MONTH})\\b(?!\\.?,?\\s*(?:de\\s+)?\\d)`,
        'g',
      ),
    ))
      add(m[0], inYears(MONTHS[m[2] as string] as number, Number(m[1])));
    for (const m of lower.matchAll(new RegExp(`\\b(${MONTH})\\.?\\s*(\\d{1,2})(?![\\d.,]|\\s*\\d)`, 'g')))
      add(m[0], inYears(MONTHS[m[1] as string] as number, Number(m[2])));
  }
  return found;
}

/** `text` with one digit read once where it was written twice ("11" as "1"), undone. */
function mergedDigits(text: string): string[] {
  const edits: string[] = [];
  for (let i = 0; i < text.length; i++)
    if (/\d/.test(text[i] as string)) edits.push(text.slice(0, i + 1) + text.slice(i));
  return edits;
}

/** `text` with one digit read differently, undone in every way. */
function changedDigits(text: string): string[] {
  const edits: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!/\d/.test(text[i] as string)) continue;
    for (const digit of '0123456789')
      if (digit !== text[i]) edits.push(text.slice(0, i) + digit + text.slice(i + 1));
  }
  return edits;
}

/**
 * Whether `found` reads as a day in the window once one digit read differently (a marker 6 taken
 * for a 0 turns 2026 into 2020) or one digit read once where it was written twice (OCR merges the
 * narrow 1s of "11") is undone; or one of each, in a date with its year in full, where two slips
 * among six digits or more are likelier than a photo that old ("2026年11月21日" read
 * "2020年1月21日"). Such a date is doubtful, not old.
 */
export function misreadFromWindow(
  found: FoundDate,
  at: Date,
  window: DateWindow,
  yearless: readonly number[] = [],
): boolean {
  const current = (changed: string) =>
    findDates([changed], yearless).some((date) => date.days.some((d) => inWindow(d, at, window)));
  const changed = changedDigits(found.text);
  const both = (found.text.match(/\d/g) ?? []).length >= 6 ? changed.flatMap(mergedDigits) : [];
  return [...changed, ...mergedDigits(found.text), ...both].some(current);
}

export interface DateWindow {
  daysBefore: number;
  daysAfter: number;
}

/** Whether `day` (YYYY-MM-DD) falls in the window around `at`, compared as calendar days. */
export function inWindow(day: string, at: Date, window: DateWindow): boolean {
  const written = Date.parse(`${day}T00:00:00Z`);
  const reference = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const dayMs = 86_400_000;
  return written >= reference - window.daysBefore * dayMs && written <= reference + window.daysAfter * dayMs;
}

const MONTH_ABBREVIATIONS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];

/**
 * `lines` with a month word misread by one letter ("NOY", "NV", "N0V" for NOV) spelled as the
 * expected month, and the one- or two-character day beside it ("2I NOV") read as digits. Only
 * the months of the window are expected, so an old month never becomes a current one; the
 * digits of the day and year still have to match.
 */
export function withExpectedMonths(lines: readonly string[], at: Date, window: DateWindow): string[] {
  const expected = new Set<string>();
  for (const offset of [-window.daysBefore, 0, window.daysAfter]) {
    const day = new Date(at.getTime() + offset * 86_400_000);
    expected.add(MONTH_ABBREVIATIONS[day.getUTCMonth()] as string);
  }
  return lines.map((line) => {
    const tokens = line.split(/(\s+)/);
    const months = tokens.map((token) => {
      const word = token.toLowerCase().replace(/[^a-z0-9]/g, '');
      if (word.length < 2 || word.length > 4 || MONTHS[word] !== undefined) return undefined;
      return [...expected].find((month) => editDistance(word, month) <= 1);
    });
    if (months.every((month) => month === undefined)) return line;
    return tokens
      .map((token, i) => {
        const month = months[i];
        if (month) return month;
        const besideMonth = months[i - 2] !== undefined || months[i + 2] !== undefined;
        if (besideMonth && /^[0-9OoDQIli|SsBZzg]{1,2}$/.test(token))
          return token.replace(/[OoDQIli|SsBZzg]/g, (c) => DIGIT_LOOKALIKES[c] ?? c);
        return token;
      })
      .join('');
  });
}
