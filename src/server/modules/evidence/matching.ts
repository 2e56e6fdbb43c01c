import { collapseLookAlikes } from '../catalog/serial.ts';

/**
 * Finding what a claim says in what OCR read. OCR text is noisy: characters that look alike
 * are confused (0/O, 1/I/L, 2/Z, 5/S, 8/B), separators come and go, words break in two. Every
 * matcher here compares on letters and digits only, after collapsing look-alikes, and searches
 * for the expected text anywhere in a line with an edit distance (Sellers' algorithm), so a
 * misread character costs one edit instead of a miss. OCR's own confusions (G/6, Q/D/0) are
 * collapsed too.
 */

export type Outcome = 'pass' | 'fail' | 'unsure';

export interface Match {
  outcome: Outcome;
  /** 0-1: how sure the match is (1 - edits / length). */
  score: number;
  /** What was found (as read) and how far it was from what was expected. */
  found: string | null;
  distance: number | null;
}

/**
 * What OCR puts for a J (printed or written): ")", "])", "]" or "|", all dropped as punctuation
 * otherwise (and a whitelisted re-read drops the J itself).
 */
const J_READ_AS = /\]?\)|\]|\|/g;
const readJ = (line: string) => line.replace(J_READ_AS, 'J');

/** The lines as read and, where one has such a mark, again with it read as J: what codes can be read as. */
export const codeReadings = (lines: readonly string[]): (readonly string[])[] =>
  lines.some((line) => /[)\]|]/.test(line)) ? [lines, lines.map(readJ)] : [lines];

/** What OCR confuses beyond the look-alikes owners confuse: G/6, and Q and D with 0. */
const OCR_CONFUSIONS: Record<string, string> = { G: '6', Q: '0', D: '0' };

/** `text` with its accents dropped (and compatibility forms, full-width letters, folded). */
export const withoutAccents = (text: string) => text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');

/** Upper case, letters and digits only, accents dropped; look-alikes not yet collapsed. */
const lettersAndDigits = (text: string) =>
  withoutAccents(text)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');

/** Folds look-alikes (an owner's and OCR's); keeps the length, so positions still match. */
const collapse = (compact: string) =>
  collapseLookAlikes(compact).replace(/[GQD]/g, (char) => OCR_CONFUSIONS[char] ?? char);

/** Upper case, letters and digits only, look-alikes (an owner's and OCR's) collapsed. */
export function canonical(text: string): string {
  return collapse(lettersAndDigits(text));
}

/**
 * Pairs of different characters OCR reads for one printed glyph, one after the other: the
 * recogniser emits a character and then its look-alike for the same wide glyph ("7T", "S8",
 * "1I", "0O"). The same character twice ("11") is never taken for a stutter, since serials do
 * repeat characters.
 */
const STUTTER_TWINS = new Set(
  ['7T', '8S', '8B', '5S', '1I', '1L', '0O', '0D', '0Q', '2Z', '6G', '4A'].flatMap((pair) => [
    pair,
    `${pair[1]}${pair[0]}`,
  ]),
);
const MAX_STUTTERS = 4;
/** Characters of a line that may be stutters, at most: bounds the readings tried (2^8). */
const MAX_STUTTER_CANDIDATES = 8;

/**
 * `compact` (letters and digits as read) and what it reads as with stutters undone: up to four
 * characters dropped, each one that stands next to its twin, with that twin kept (a pair is
 * never dropped whole). Every position is tried, so in "T7TE" the stutter "7T" is found though
 * "T7" comes first.
 */
export function destuttered(compact: string): string[] {
  const twins = (a: number, b: number) => STUTTER_TWINS.has(`${compact[a] ?? ''}${compact[b] ?? ''}`);
  const candidates = [...[...compact].keys()]
    .filter((i) => twins(i - 1, i) || twins(i, i + 1))
    .slice(0, MAX_STUTTER_CANDIDATES);
  const readings = new Set([compact]);
  const choose = (from: number, dropped: number[]) => {
    if (dropped.length > 0) {
      const gone = new Set(dropped);
      const kept = (i: number) => i >= 0 && i < compact.length && !gone.has(i);
      if (dropped.every((i) => (twins(i - 1, i) && kept(i - 1)) || (twins(i, i + 1) && kept(i + 1))))
        readings.add([...compact].filter((_, i) => !gone.has(i)).join(''));
    }
    if (dropped.length === MAX_STUTTERS) return;
    for (let k = from; k < candidates.length; k++) choose(k + 1, [...dropped, candidates[k] as number]);
  };
  choose(0, []);
  return [...readings];
}

/**
 * The smallest edit distance between `pattern` and any substring of `text`, and where that
 * substring ends (Sellers 1980: Levenshtein with a free start anywhere in the text).
 */
export function approximateSearch(
  pattern: string,
  text: string,
): { distance: number; end: number; start: number } {
  const m = pattern.length;
  if (m === 0) return { distance: 0, end: 0, start: 0 };
  // column[i]: distance of pattern[0..i) against the best substring ending at the current text position
  let previous = Array.from({ length: m + 1 }, (_, i) => i);
  let previousStart = new Array<number>(m + 1).fill(0);
  let best = { distance: m, end: 0, start: 0 };
  for (let j = 1; j <= text.length; j++) {
    const current = [0];
    const currentStart = [j];
    for (let i = 1; i <= m; i++) {
      const substitute = (previous[i - 1] as number) + (pattern[i - 1] === text[j - 1] ? 0 : 1);
      const insert = (previous[i] as number) + 1;
      const remove = (current[i - 1] as number) + 1;
      const value = Math.min(substitute, insert, remove);
      current.push(value);
      currentStart.push(
        value === substitute
          ? (previousStart[i - 1] as number)
          : value === insert
            ? (previousStart[i] as number)
            : (currentStart[i - 1] as number),
      );
    }
    if ((current[m] as number) < best.distance)
      best = { distance: current[m] as number, end: j, start: currentStart[m] as number };
    previous = current;
    previousStart = currentStart;
  }
  return best;
}

/** Levenshtein distance of two whole strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current.push(
        Math.min(
          (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
          (previous[j] as number) + 1,
          (current[j - 1] as number) + 1,
        ),
      );
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * Searches each line, and each pair of neighbouring lines joined (OCR splits a code across
 * lines), for `expected`. `unsureAt` edits and more are not a pass; `failAt` and more a fail.
 */
function searchLines(
  lines: readonly string[],
  expected: string,
  unsureAt: number,
  failAt: number,
  options: {
    /** Further confusions to ignore; it must keep lengths, so what was found is shown as read. */
    fold?: (text: string) => string;
    /** Printed text: a glyph read twice as two look-alikes is one character. */
    stutters?: boolean;
  } = {},
): Match {
  const fold = options.fold ?? ((text: string) => text);
  const pattern = fold(canonical(expected));
  let best: { distance: number; found: string } | null = null;
  for (const reading of codeReadings(lines)) {
    const read = reading.map(lettersAndDigits);
    for (const [i, text] of read.entries()) {
      for (const compact of [text, i + 1 < read.length ? text + read[i + 1] : '']) {
        if (!compact) continue;
        for (const variant of options.stutters ? destuttered(compact) : [compact]) {
          const candidate = collapse(variant);
          const hit = approximateSearch(pattern, fold(candidate));
          if (!best || hit.distance < best.distance)
            best = { distance: hit.distance, found: candidate.slice(hit.start, hit.end) };
        }
      }
    }
  }
  if (!best) return { outcome: 'fail', score: 0, found: null, distance: null };
  const score = Math.max(0, 1 - best.distance / pattern.length);
  const outcome: Outcome = best.distance < unsureAt ? 'pass' : best.distance < failAt ? 'unsure' : 'fail';
  return { outcome, score, found: outcome === 'fail' ? null : best.found, distance: best.distance };
}

/**
 * When the expected text is not there, what stands in its place (as read, not folded): a word shaped like it (as long,
 * within two characters, letters and digits mixed where it mixes them; a short code letter for
 * letter and digit for digit). A label legibly showing
 * another serial is then a mismatch for a person, not a photo to retake.
 */
function lookalikeWord(lines: readonly string[], expected: string): string | null {
  const pattern = canonical(expected);
  const mixed = /[0-9]/.test(pattern) && /[A-Z]/.test(pattern);
  for (const line of lines)
    for (const word of line.split(/[\s:]+/)) {
      const token = canonical(word);
      if (Math.abs(token.length - pattern.length) > 2 || token.length < 4) continue;
      if (mixed && !(/[0-9]/.test(token) && /[A-Z]/.test(token))) continue;
      // A short code (a model) must have the very shape: letters and digits in the same places.
      if (pattern.length < 8 && shape(token) !== shape(pattern)) continue;
      return lettersAndDigits(word); // as read, for a person (and the lookup's look-alikes) to read
    }
  return null;
}

const shape = (text: string) => text.replace(/[A-Z]/g, 'a').replace(/[0-9]/g, '9');

function withStandIn(match: Match, lines: readonly string[], expected: string): Match {
  if (match.outcome !== 'fail') return match;
  return unreadIsUnsure({ ...match, found: lookalikeWord(lines, expected) });
}

/**
 * A check fails only on what the photo clearly shows instead (another serial, another claim's
 * code, an old date); what could not be read at all is unsure, and `found: null` asks the owner
 * for a better photo rather than telling them it is wrong.
 */
function unreadIsUnsure(match: Match): Match {
  return match.outcome === 'fail' && match.found === null ? { ...match, outcome: 'unsure' } : match;
}

/**
 * In the printed label fonts OCR reads a 4 with an open top as A (about half the serials it got
 * one character wrong in eval:evidence): on a serial the two count as one character.
 */
const PRINTED_CONFUSIONS = (text: string) => text.replace(/A/g, '4');

/**
 * The claimed serial on the label: exact (look-alikes allowed, a glyph read twice forgiven)
 * passes, one misread character is unsure.
 */
export function matchSerial(lines: readonly string[], serial: string): Match {
  return withStandIn(
    searchLines(lines, serial, 1, 2, { fold: PRINTED_CONFUSIONS, stutters: true }),
    lines,
    serial,
  );
}

/** The model code (e.g. A1263): codes of one family differ in one digit, so only exact passes. */
export function matchModel(lines: readonly string[], model: string): Match {
  return withStandIn(searchLines(lines, model, 1, 2), lines, model);
}

/**
 * The claim code written by hand (RK-7K3F-9Q2M): exact or one misread character passes (eight
 * random characters one edit from another claim's code are as good as unique), more is unsure.
 */
export function matchClaimCode(lines: readonly string[], code: string): Match {
  const match = searchLines(lines, code, 2, 3);
  if (match.outcome !== 'fail') return match;
  // Another code legible is for a person to see, but only the database can say it is another
  // claim's (photo_unique fails then): a hand OCR misread five times looks the same here.
  return { ...match, outcome: 'unsure', found: otherClaimCode(lines, code) };
}

/** A claim code shape ("RK" and eight letters or digits). */
const CODE_SHAPE = /RK[A-Z0-9]{8}/g;

/**
 * A legible claim code far from the expected one, perhaps another claim's: five or more of its
 * ten characters differ.
 */
function otherClaimCode(lines: readonly string[], code: string): string | null {
  const expected = canonical(code);
  for (const line of lines)
    for (const candidate of collapse(lettersAndDigits(line)).match(CODE_SHAPE) ?? [])
      if (editDistance(candidate, expected) >= 5) return candidate;
  return null;
}

/** "RECALLED" or "RECALL" in marker: one misread letter still passes, two are unsure. */
export function matchRecalled(lines: readonly string[]): Match {
  const full = searchLines(lines, 'RECALLED', 2, 3);
  if (full.outcome === 'pass') return full;
  const short = searchLines(lines, 'RECALL', 1, 2);
  return unreadIsUnsure(short.score > full.score ? short : full);
}

const fold = (text: string) =>
  withoutAccents(text)
    .toLowerCase()
    .replace(/[^a-z\p{L}]/gu, ' ');

/**
 * The claimant's name, fuzzily: case and accents do not matter, and one of their names is
 * enough (people write "Ana", "Garcia" or "A. Garcia"). One misread letter is allowed in names
 * of five letters or more; two-letter names must be read exactly.
 */
export function matchName(lines: readonly string[], name: string): Match {
  // Every name of two letters or more: a two-letter one (Li, Wu) must be read exactly.
  const parts = fold(name)
    .split(/\s+/)
    .filter((part) => part.length >= 2);
  if (parts.length === 0) return { outcome: 'unsure', score: 0, found: null, distance: null };
  // Written, or read, without the space: "LiWei".
  if (parts.length > 1) parts.push(parts.join(''));
  const words = lines.flatMap((line) => fold(line).split(/\s+/)).filter(Boolean);
  // OCR splits a name ("Gar cia"): try neighbouring words joined too.
  const candidates = [...words, ...words.slice(1).map((word, i) => `${words[i]}${word}`)];
  let best: { part: string; word: string; distance: number } | null = null;
  for (const part of parts) {
    for (const word of candidates) {
      const distance = editDistance(part, word);
      if (part.length === 2 && distance > 0) continue;
      if (!best || distance / part.length < best.distance / best.part.length) best = { part, word, distance };
    }
  }
  if (!best) return { outcome: 'unsure', score: 0, found: null, distance: null };
  const allowed = best.part.length >= 5 ? 1 : 0;
  const score = Math.max(0, 1 - best.distance / best.part.length);
  if (best.distance <= allowed) return { outcome: 'pass', score, found: best.word, distance: best.distance };
  if (best.distance <= allowed + 1 && best.part.length >= 4)
    return { outcome: 'unsure', score, found: best.word, distance: best.distance };
  // Another name legibly written would be a mismatch, but a hand OCR cannot read looks the same.
  return { outcome: 'unsure', score, found: null, distance: best.distance };
}
