/**
 * Serial numbers as owners type them and as manufacturers list them: normalised to one
 * canonical form so that equality is the whole match.
 */

/** Longest raw input we look at; anything longer is not a serial number. */
export const MAX_SERIAL_INPUT_LENGTH = 100;
/** Longest serial after normalisation. */
export const MAX_SERIAL_LENGTH = 40;

/** Characters owners confuse on a printed label. */
export const LOOK_ALIKE_GROUPS: readonly (readonly string[])[] = [
  ['0', 'O'],
  ['1', 'I', 'L'],
  ['2', 'Z'],
  ['5', 'S'],
  ['8', 'B'],
];

const ALTERNATIVES = new Map<string, string[]>();
for (const group of LOOK_ALIKE_GROUPS) {
  for (const char of group)
    ALTERNATIVES.set(
      char,
      group.filter((other) => other !== char),
    );
}

const COLLAPSED = new Map<string, string>();
for (const group of LOOK_ALIKE_GROUPS) {
  for (const char of group) COLLAPSED.set(char, group[0] as string);
}

/**
 * Every look-alike character replaced by its group's first member (O -> 0, I and L -> 1, Z -> 2,
 * S -> 5, B -> 8): two serials that an owner could confuse collapse to the same string.
 */
export function collapseLookAlikes(serial: string): string {
  let collapsed = '';
  for (let i = 0; i < serial.length; i++) {
    const char = serial[i] as string;
    collapsed += COLLAPSED.get(char) ?? char;
  }
  return collapsed;
}

export type SerialProblem = 'serial_empty' | 'serial_too_long' | 'serial_invalid_characters';

export type NormalisedSerial = { ok: true; serial: string } | { ok: false; problem: SerialProblem };

// Separators people type or paste between groups of characters: spaces of every width,
// hyphens and dashes of every kind, dots, slashes and underscores.
const SEPARATORS = /[\s\u00a0\u2000-\u200b\u3000\-\u2010-\u2015\u2212._/]/g;
// C0 and C1 control characters (tabs and newlines inside a serial included).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The campaign-independent form: NFKC (full-width characters from CJK keyboards become
 * ASCII), upper case, separators dropped. Look-alikes are not touched here: which of them a
 * campaign's serials can contain is a campaign rule (`applySerialRules`).
 */
export function normaliseSerial(raw: string): NormalisedSerial {
  if (raw.length > MAX_SERIAL_INPUT_LENGTH) return { ok: false, problem: 'serial_too_long' };
  const trimmed = raw.normalize('NFKC').trim();
  if (trimmed === '') return { ok: false, problem: 'serial_empty' };
  if (CONTROL.test(trimmed)) return { ok: false, problem: 'serial_invalid_characters' };
  const serial = trimmed.replace(SEPARATORS, '').toUpperCase();
  if (serial === '') return { ok: false, problem: 'serial_empty' };
  if (serial.length > MAX_SERIAL_LENGTH) return { ok: false, problem: 'serial_too_long' };
  if (!/^[A-Z0-9]+$/.test(serial)) return { ok: false, problem: 'serial_invalid_characters' };
  return { ok: true, serial };
}

/**
 * A model code as owners and lists write it (` a1263 `, full-width Ａ１２６３) in the form
 * campaigns define it (A1263), or undefined when it cannot be a model code.
 */
export function normaliseModelCode(raw: string): string | undefined {
  const code = raw.normalize('NFKC').toUpperCase().replace(/\s+/g, '');
  return /^[A-Z0-9][A-Z0-9-]{0,31}$/.test(code) ? code : undefined;
}

export interface SerialRules {
  /** Characters this campaign's serials never contain, mapped to the one the owner meant. */
  lookAlikes: Readonly<Record<string, string>>;
  /** Optional shape the canonical serial must have (checked on import; the lookup's `recognised` uses the snapshot's copy). */
  pattern?: RegExp | undefined;
}

/** The campaign's canonical form of an already normalised serial. */
export function applySerialRules(serial: string, rules: SerialRules): string {
  let canonical = serial;
  for (const [from, to] of Object.entries(rules.lookAlikes)) {
    if (canonical.includes(from)) canonical = canonical.replaceAll(from, to);
  }
  return canonical;
}

/**
 * Serials that differ from `serial` only by up to `maxSubstitutions` look-alike characters,
 * nearest first, never more than `limit`. Used to say "did you mean …" instead of a bare no.
 */
export function lookAlikeVariants(
  serial: string,
  maxSubstitutions = 2,
  limit = 2000,
  /** Characters never to substitute in (a campaign's serials never contain them). */
  excluded: ReadonlySet<string> = new Set(),
): string[] {
  const variants: string[] = [];
  const seen = new Set<string>([serial]);
  let frontier = [serial];
  for (let depth = 0; depth < maxSubstitutions && variants.length < limit; depth++) {
    const next: string[] = [];
    for (const base of frontier) {
      for (let i = 0; i < base.length; i++) {
        for (const alternative of ALTERNATIVES.get(base[i] as string) ?? []) {
          if (excluded.has(alternative)) continue;
          const variant = base.slice(0, i) + alternative + base.slice(i + 1);
          if (seen.has(variant)) continue;
          seen.add(variant);
          variants.push(variant);
          next.push(variant);
          if (variants.length >= limit) return variants;
        }
      }
    }
    frontier = next;
  }
  return variants;
}
