import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (an owner's claim link, a staff session): 256 random bits, handed out once and
 * stored only as their SHA-256. A secret that random needs no slow hash, and looking one up by
 * its hash leaks nothing through timing.
 */
export function newBearerSecret(): { secret: string; sha256: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, sha256: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
