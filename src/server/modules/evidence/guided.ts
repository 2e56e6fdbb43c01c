import { type DateWindow, findDates, inWindow } from './dates.ts';
import { withoutAccents } from './matching.ts';
import { cheapestIn, type Lattice, spot, type Target } from './spotting.ts';

/**
 * Guided reading of the marked photo: what the claim expects (its code, the claimant's name,
 * RECALLED, a day in the date window, in every way people write it) spotted in the handwriting
 * recogniser's lattices (spotting.ts). A check the plain reading left unsure passes when the
 * expected text costs at most its threshold; a plain `fail` (an old date, another code legible)
 * is never overruled. The thresholds were measured on good and bad evidence alike:
 * docs/decisions/0024-guided-reading.md.
 */

/** Most nats of the recogniser's own reading overruled, per check. */
export const GUIDED_THRESHOLD = {
  word_recalled: 5,
  date_current: 3,
  name_present: 2,
  claim_code_present: 10,
} as const;
type GuidedCheck = keyof typeof GUIDED_THRESHOLD;

/** What handwriting recognisers put for a digit, a separator or a code's Q (codes have no O or 0). */
const READ_FOR: Record<string, string> = {
  '0': 'OoDQ',
  '1': 'Il|i',
  '2': 'Zz',
  '5': 'Ss',
  '6': 'bG',
  '8': 'B',
  '9': 'gq',
  '/': '\\', // never 1, l or |: a slash read as 1 would let 1/21 pass for 11/21
  '-': '—_~.',
  '.': ',·',
  Q: 'Oo0',
};

/** Latin letters with an accent. */
const ACCENTED = 'àáâãäåèéêëìíîïòóôõöùúûüýÿñçÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝÑÇ';
/**
 * Each Latin letter with any accent or none, either case: a marker's accent is a dot or a dash the
 * recogniser reads as another accent ("Chloé" as "CHWèDvBOis") or misses, and owners leave it out.
 */
const SAME_LETTER = new Map<string, string[]>();
for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
  const forms = [
    letter,
    letter.toUpperCase(),
    ...[...ACCENTED].filter((other) => withoutAccents(other).toLowerCase() === letter),
  ];
  for (const form of forms) SAME_LETTER.set(form, forms);
}

/**
 * `text` to spot: each character with its other case, accents (`SAME_LETTER`) and what recognisers
 * put for it, spaces dropped (a space reads as a blank), anchored where `anchors` says.
 */
export function target(
  text: string,
  anchors: Pick<Target, 'start' | 'end'> = {},
  readFor: Record<string, string> = READ_FOR,
): Target {
  const positions = [...text.replace(/\s+/g, '')].map((character) => [
    ...new Set([
      character,
      character.toUpperCase(),
      character.toLowerCase(),
      ...(SAME_LETTER.get(character) ?? []),
      ...(readFor[character.toUpperCase()] ?? ''),
    ]),
  ]);
  const optional = [...positions.keys()].filter(
    (k) => k > 0 && k < positions.length - 1 && SEPARATORS.includes(positions[k]?.[0] ?? ''),
  );
  return { text, positions, ...(optional.length > 0 ? { optional } : {}), ...anchors };
}

/** Separators in a date, which recognisers often miss; they may be left out. */
const SEPARATORS = ['/', '.', '-', ','];

/**
 * Every way a day is written: numeric in each order, separator and padding, with month names, in
 * Chinese; each a word of its own ("1.11.26" is not in "21.11.26"). A day and month without a
 * year must end the line: "21 Nov" is not today in "21 Nov 2025".
 */
export function writtenForms(day: Date): Target[] {
  const d = day.getUTCDate();
  const m = day.getUTCMonth() + 1;
  const y = day.getUTCFullYear();
  const month = day.toLocaleString('en', { month: 'short', timeZone: 'UTC' });
  const full = day.toLocaleString('en', { month: 'long', timeZone: 'UTC' });
  const forms = new Set<string>();
  const yearless = new Set<string>();
  for (const pad of [(n: number) => String(n), (n: number) => String(n).padStart(2, '0')])
    for (const sep of ['/', '.', '-']) {
      for (const year of [String(y), String(y).slice(2)]) {
        forms.add(`${pad(m)}${sep}${pad(d)}${sep}${year}`);
        forms.add(`${pad(d)}${sep}${pad(m)}${sep}${year}`);
      }
      forms.add(`${y}${sep}${pad(m)}${sep}${pad(d)}`);
    }
  for (const name of [month, full]) {
    forms.add(`${name} ${d} ${y}`);
    forms.add(`${d} ${name} ${y}`);
    yearless.add(`${name} ${d}`);
    yearless.add(`${d} ${name}`);
  }
  forms.add(`${y}年${m}月${d}日`);
  return [
    ...[...forms].map((form) => target(form, { start: 'word', end: 'word' })),
    ...[...yearless].map((form) => target(form, { start: 'word', end: 'line' })),
  ];
}

/** The days of the window around `at`. */
function windowDays(at: Date, window: DateWindow): Date[] {
  const days: Date[] = [];
  for (let offset = -window.daysBefore; offset <= window.daysAfter; offset++)
    days.push(new Date(at.getTime() + offset * 86_400_000));
  return days;
}

export interface Guided {
  /** What was spotted, as the claim expects it. */
  text: string;
  /** Nats of the recogniser's reading overruled (0 when it read exactly that). */
  cost: number;
}

const rounded = (cost: number) => Math.round(cost * 100) / 100;

/** The cheapest of `targets` in the lattices, if within the check's threshold. */
function spotted(
  lattices: readonly Lattice[],
  targets: readonly Target[],
  check: GuidedCheck,
): Guided | null {
  const found = spot(lattices, targets, GUIDED_THRESHOLD[check]);
  if (!found) return null;
  return { text: (targets[found.target] as Target).text, cost: rounded(found.cost) };
}

const RECALLED_TARGETS = ['RECALLED', 'RECALL'].map((word) => target(word));
export const guidedRecalled = (lattices: readonly Lattice[]) =>
  spotted(lattices, RECALLED_TARGETS, 'word_recalled');

/**
 * In a claim code, a 1, I or l can only be an H whose crossbar the recogniser lost (a narrow
 * marker H reads "1" or "I"): codes have none of them (CODE_ALPHABET).
 */
const READ_FOR_CODE: Record<string, string> = { ...READ_FOR, H: '1Il|' };

/** The claim code with its dash and without (spaces never count). */
export const codeTargets = (code: string) =>
  [...new Set([code, code.replaceAll('-', '')])].map((text) => target(text, {}, READ_FOR_CODE));
export const guidedCode = (lattices: readonly Lattice[], code: string) =>
  spotted(lattices, codeTargets(code), 'claim_code_present');

/**
 * Any of the claimant's names of three letters or more (two Chinese characters), or the whole
 * name, each a word of its own: "Ana" is not found in "Priya Nair". A name of two letters ("Li"
 * of "Li Wei", which owners write alone) only as a line of its own: as a word, two letters are
 * found in too many readings.
 */
function nameTargets(name: string): Target[] {
  const parts = name.split(/\s+/);
  const long = (text: string) =>
    [...text].length >= 3 || (/[\u3400-\u9fff]/.test(text) && [...text].length >= 2);
  return [
    ...[...new Set([...parts, name])]
      .filter(long)
      .map((text) => target(text, { start: 'word', end: 'word' })),
    ...parts
      .filter((part) => /^\p{L}{2}$/u.test(part) && !long(part))
      .map((text) => target(text, { start: 'line', end: 'line' })),
  ];
}
export const guidedName = (lattices: readonly Lattice[], name: string) =>
  spotted(lattices, nameTargets(name), 'name_present');

/**
 * How much likelier today's date must be than its rivals (nats): a marker 5 the recogniser
 * finds 41 % a 5 and 32 % a 6 makes "2025" nearly as likely as "2026", and that is no reading.
 */
const DATE_MARGIN = 2;

/** `text` with one digit changed, left out or added: the dates a misread digit would mean. */
function oneDigitOff(text: string): string[] {
  const variants = new Set<string>();
  for (let i = 0; i <= text.length; i++) {
    for (const digit of '0123456789') variants.add(text.slice(0, i) + digit + text.slice(i));
    if (i < text.length && /\d/.test(text[i] as string)) {
      variants.add(text.slice(0, i) + text.slice(i + 1));
      for (const digit of '0123456789') variants.add(text.slice(0, i) + digit + text.slice(i + 1));
    }
  }
  variants.delete(text);
  return [...variants];
}

/** Every way to cut `digits` into `fields` fields of one to four digits. */
function cuts(digits: string, fields: number): string[][] {
  if (fields === 1) return digits.length >= 1 && digits.length <= 4 ? [[digits]] : [];
  const all: string[][] = [];
  for (let length = 1; length <= Math.min(4, digits.length - 1); length++)
    for (const rest of cuts(digits.slice(length), fields - 1)) all.push([digits.slice(0, length), ...rest]);
  return all;
}

/**
 * `text` with a doubled digit read once or a digit read twice (CTC merges a character repeated in
 * consecutive steps), its digits cut among the same fields anywhere, since separators may be
 * missed: "2026-11-21" with its 1s run together and its last dash missed is "2026-12-1".
 */
function mergedOff(text: string): string[] {
  const pieces = text.split(/(\d+)/); // the digit fields at odd indexes
  const digits = pieces.filter((_, k) => k % 2 === 1).join('');
  const readings = new Set([digits]);
  for (let i = 0; i < digits.length; i++) {
    readings.add(digits.slice(0, i + 1) + digits.slice(i));
    if (digits[i] === digits[i + 1]) readings.add(digits.slice(0, i) + digits.slice(i + 1));
  }
  const variants = new Set<string>();
  for (const reading of readings)
    for (const fields of cuts(reading, (pieces.length - 1) / 2))
      variants.add(pieces.map((piece, k) => (k % 2 === 1 ? fields[(k - 1) / 2] : piece)).join(''));
  variants.delete(text);
  return [...variants];
}

/**
 * The likeliest reading of a day of the window (any way people write it) within `limit`, its
 * cost, and its likeliest rival in the same line and what it costs: a date one digit away, or
 * with a doubled digit merged (`mergedOff`), that an older photo could show: before the window
 * and, when the recall's announcement is known, not before it (a marker 2026 that could be 2020
 * is still today: no one wrote RECALLED in 2020). A day after the window is no rival: no older
 * photo shows it. (In the same line: a line read at its own width merges the 1s of "11", and the
 * line stretched wider is the view that can tell.)
 */
function dateReading(
  lattices: readonly Lattice[],
  at: Date,
  window: DateWindow,
  limit: number,
  announced: Date | null,
): { best: Target; cost: number; rival: { text: string; cost: number } } | null {
  const targets = windowDays(at, window).flatMap(writtenForms);
  const found = spot(lattices, targets, limit);
  if (!found) return null;
  const best = targets[found.target] as Target;
  const year = at.getUTCFullYear();
  const windowStart = Date.UTC(year, at.getUTCMonth(), at.getUTCDate() - window.daysBefore);
  const isRival = (text: string) => {
    // A day and month without a year ("1 Nov", from "21 Nov") is this year's: last year's is no
    // likelier for it than for the reading itself.
    const days = findDates([text], [year]).flatMap((date) => date.days);
    if (days.some((day) => inWindow(day, at, window))) return false;
    return days.some((day) => {
      const time = Date.parse(`${day}T00:00:00Z`);
      return time < windowStart && (!announced || time >= announced.getTime());
    });
  };
  const anchors = { ...(best.start ? { start: best.start } : {}), ...(best.end ? { end: best.end } : {}) };
  let rival = { text: '', cost: Number.POSITIVE_INFINITY };
  for (const text of new Set([...oneDigitOff(best.text), ...mergedOff(best.text)])) {
    if (!isRival(text)) continue;
    const cost = cheapestIn(found.line, [target(text, anchors)]);
    if (cost < rival.cost) rival = { text, cost };
  }
  return { best, cost: found.cost, rival };
}

/**
 * The recogniser's reading of a day of the window within the threshold: `guided` when it is clearly
 * likelier than every rival, else the older day it could as well be (`rival`): then a plain reading
 * of today's date proves nothing either. A marker "2025-11-21" the recogniser found six times
 * likelier "2026-11-21" (1.8 nats) was read so plainly and approved (docs/decisions/0027). Both
 * null when no day of the window is read within the threshold.
 */
export function windowDate(
  lattices: readonly Lattice[],
  at: Date,
  window: DateWindow,
  recallAnnounced: Date | null = null,
): { guided: Guided | null; rival: string | null } {
  const reading = dateReading(lattices, at, window, GUIDED_THRESHOLD.date_current, recallAnnounced);
  if (!reading) return { guided: null, rival: null };
  if (reading.rival.cost - reading.cost < DATE_MARGIN) return { guided: null, rival: reading.rival.text };
  return { guided: { text: reading.best.text, cost: rounded(reading.cost) }, rival: null };
}
