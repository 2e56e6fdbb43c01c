import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

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

/** Why a new password is refused, or null. Length over rules (NIST SP 800-63B). */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > 256) return 'at most 256 characters';
  const name = email.split('@')[0]?.toLowerCase() ?? '';
  if (name.length >= 4 && password.toLowerCase().includes(name)) return 'not containing the e-mail name';
  if (new Set(password).size < 5) return 'more than a few different characters';
  return null;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A one-time password: 20 characters from an unambiguous alphabet (about 115 bits). */
export function generatePassword(): string {
  return Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}
