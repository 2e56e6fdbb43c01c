import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

/**
 * Staff passwords: argon2id (the @node-rs/argon2 defaults, m=19 MiB, t=2, p=1, OWASP's
 * recommended minimum) through a prebuilt native addon, off the event loop.
 */
export const hashPassword = (password: string): Promise<string> => hash(password);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false; // a malformed stored hash never matches
  }
}

/** A hash of nothing anyone knows: verified against when the e-mail is unknown, so timing says nothing. */
let decoy: Promise<string> | undefined;
export const decoyHash = () => {
  decoy ??= hash(generatePassword());
  return decoy;
};

export const PASSWORD_MIN_LENGTH = 12;

/**
 * zxcvbn-ts with its lists of common and leaked passwords, English words and names, keyboard
 * patterns and l33t spellings, built on first use (the dictionaries take about 100 ms).
 */
let estimator: ZxcvbnFactory | undefined;
const strength = () => {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
  });
  return estimator;
};
/** Words that make a staff password of this product easy to guess, whatever the dictionaries say. */
const PRODUCT_WORDS = ['recallkit', 'recall', 'recalled', 'anker', 'powercore', 'console', 'admin', 'staff'];

/**
 * Why a new password is refused, or null. Length over composition rules, and no password that
 * is common, leaked or guessable from who uses it (NIST SP 800-63B 3.1.1.2): a zxcvbn score
 * under 3 (fewer than 10^8 guesses) is refused.
 */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > 256) return 'at most 256 characters';
  const [name = '', domain = ''] = email.toLowerCase().split('@');
  const lower = password.toLowerCase().replace(/[._-]/g, '');
  const bareName = name.replace(/[._-]/g, '');
  if (bareName.length >= 4 && lower.includes(bareName)) return 'not containing the e-mail name';
  if (new Set(password).size < 5) return 'more than a few different characters';
  const guessable = [...PRODUCT_WORDS, name, ...name.split(/[._-]/), ...domain.split('.')].filter(
    (word) => word.length >= 3,
  );
  if (strength().check(password, guessable).score < 3)
    return 'not a common, leaked or easily guessed password (a few unrelated words make a strong one)';
  return null;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A one-time password: 20 characters from an unambiguous alphabet (about 115 bits). */
export function generatePassword(): string {
  return Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}
