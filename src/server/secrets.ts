import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

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

/*
 * Secrets Recallkit must read back (gift card codes, webhook signing secrets) are sealed at rest
 * with AES-256-GCM under SECRET_KEY (docs/decisions/0017-secrets-at-rest.md). A sealed value
 * reads `enc:v1:<key id>:<base64 of iv, tag and ciphertext>`; a value without the prefix was
 * stored before sealing and reads as itself until `recallkit secrets reseal` seals it.
 */
const SEALED = /^enc:v1:([0-9a-f]{8}):([A-Za-z0-9+/=]+)$/;

interface SealingKey {
  id: string;
  key: Buffer;
}

/** Keys from SECRET_KEY's entries (comma-separated, the first seals): each is hashed to 32 bytes. */
export function sealingKeys(entries: readonly string[]): SealingKey[] {
  return entries.map((entry) => ({
    id: createHash('sha256').update(`recallkit-key-id:${entry}`).digest('hex').slice(0, 8),
    key: createHash('sha256').update(entry).digest(),
  }));
}

let keys: SealingKey[] = [];

/** Sets the keys this process seals and opens with (server and CLI start; tests). */
export function configureSealing(entries: readonly string[]): void {
  if (entries.length === 0) throw new Error('at least one SECRET_KEY is needed');
  keys = sealingKeys(entries);
}

function currentKey(): SealingKey {
  // A process that never configured keys (a unit test) seals with one of its own.
  if (keys.length === 0) configureSealing([randomBytes(32).toString('base64')]);
  return keys[0] as SealingKey;
}

export function seal(plain: string): string {
  const { id, key } = currentKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `enc:v1:${id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

export const isSealed = (value: string) => SEALED.test(value);

/** The plain text of a sealed value (or the value itself, stored before sealing). */
export function unseal(value: string): string {
  const match = SEALED.exec(value);
  if (!match) return value;
  currentKey();
  const key = keys.find((candidate) => candidate.id === match[1]);
  if (!key) throw new Error(`a secret is sealed with key ${match[1]}, which SECRET_KEY does not hold`);
  const data = Buffer.from(match[2] as string, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(0, 12));
  decipher.setAuthTag(data.subarray(12, 28));
  return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
}

/*
 * Signed links: `<value>.<tag>`, the tag an HMAC-SHA256 of the purpose and value under a key
 * derived from SECRET_KEY's first entry (any entry verifies, so rotating the key keeps old links
 * working while the old key is listed). The value is an opaque id, never personal data.
 */
const signingKey = (key: SealingKey) => createHmac('sha256', key.key).update('recallkit-signing').digest();
const tagOf = (key: SealingKey, purpose: string, value: string) =>
  createHmac('sha256', signingKey(key))
    .update(`${purpose}:${value}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');

export function signValue(purpose: string, value: string): string {
  return `${value}.${tagOf(currentKey(), purpose, value)}`;
}

/** The value a signed token carries, or null when its tag is not one of ours. */
export function verifySigned(purpose: string, token: string): string | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const value = token.slice(0, dot);
  const tag = Buffer.from(token.slice(dot + 1), 'base64url');
  currentKey();
  const ok = keys.some((key) => {
    const expected = Buffer.from(tagOf(key, purpose, value), 'base64url');
    return expected.length === tag.length && timingSafeEqual(expected, tag);
  });
  return ok ? value : null;
}
