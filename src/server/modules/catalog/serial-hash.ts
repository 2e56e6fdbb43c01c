import os from 'node:os';

if (os.endianness() !== 'LE') {
  // The index reads each 64-bit hash as two 32-bit words, low word first.
  throw new Error('The serial index assumes a little-endian CPU');
}

/**
 * A 64-bit hash of a serial, written as [low, high] 32-bit words at `out[offset]`.
 * Two multiplicative lanes mixed into each other at the end (the construction of cyrb53,
 * kept to 64 bits): fast in JS without BigInt, and with 1.1 million serials the chance that
 * an unlisted serial shares a listed one's hash is about 1.1e6 / 2^64 ≈ 6e-14 per lookup.
 */
export function hashSerialInto(serial: string, out: Uint32Array, offset: number): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < serial.length; i++) {
    const ch = serial.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[offset] = h1 >>> 0;
  out[offset + 1] = h2 >>> 0;
}

/** A set of serials as a sorted array of their 64-bit hashes: 8 bytes a serial. */
export class SerialHashSet {
  readonly size: number;
  private readonly words: Uint32Array;

  private constructor(hashes: BigUint64Array) {
    this.size = hashes.length;
    this.words = new Uint32Array(hashes.buffer, hashes.byteOffset, hashes.length * 2);
  }

  /** Builds from a filled array of hashes (sorted here, in place). */
  static fromHashes(hashes: BigUint64Array): SerialHashSet {
    hashes.sort();
    return new SerialHashSet(hashes);
  }

  get byteLength(): number {
    return this.words.byteLength;
  }

  /**
   * This set and `more` (hashes not in it; sorted here, in place) as a new set: one linear merge,
   * so a list added to a large campaign costs its own size plus a copy, not a sort of everything.
   */
  withHashes(more: BigUint64Array): SerialHashSet {
    more.sort();
    const merged = new BigUint64Array(this.size + more.length);
    const out = new Uint32Array(merged.buffer);
    const a = this.words;
    const b = new Uint32Array(more.buffer, more.byteOffset, more.length * 2);
    let i = 0;
    let j = 0;
    let k = 0;
    // Compared as (high word, low word): the order of BigUint64Array's sort, without BigInts.
    while (i < this.size && j < more.length) {
      const aHi = a[2 * i + 1] as number;
      const bHi = b[2 * j + 1] as number;
      if (aHi < bHi || (aHi === bHi && (a[2 * i] as number) < (b[2 * j] as number))) {
        out[2 * k] = a[2 * i] as number;
        out[2 * k + 1] = aHi;
        i++;
      } else {
        out[2 * k] = b[2 * j] as number;
        out[2 * k + 1] = bHi;
        j++;
      }
      k++;
    }
    out.set(a.subarray(2 * i, 2 * this.size), 2 * k);
    out.set(b.subarray(2 * j), 2 * (k + this.size - i));
    return new SerialHashSet(merged);
  }

  /** Whether the hash [lo, hi] is in the set: a binary search over (hi, lo). */
  has(lo: number, hi: number): boolean {
    const words = this.words;
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const midHi = words[2 * mid + 1] as number;
      const midLo = words[2 * mid] as number;
      if (midHi < hi || (midHi === hi && midLo < lo)) low = mid + 1;
      else if (midHi > hi || midLo > lo) high = mid - 1;
      else return true;
    }
    return false;
  }
}

/**
 * A set of 32-bit fingerprints, 4 bytes a member, sorted for binary search. Answers "maybe"
 * (a false positive about once in 4,000 lookups with a million members) or a certain "no".
 */
export class FingerprintSet {
  readonly size: number;
  private readonly fingerprints: Uint32Array;

  private constructor(fingerprints: Uint32Array) {
    this.size = fingerprints.length;
    this.fingerprints = fingerprints;
  }

  static fromFingerprints(fingerprints: Uint32Array): FingerprintSet {
    fingerprints.sort();
    return new FingerprintSet(fingerprints);
  }

  get byteLength(): number {
    return this.fingerprints.byteLength;
  }

  /** This set and `more` (sorted here, in place) as a new set, merged in one pass. */
  withFingerprints(more: Uint32Array): FingerprintSet {
    more.sort();
    const a = this.fingerprints;
    const merged = new Uint32Array(a.length + more.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < a.length && j < more.length)
      merged[k++] = (a[i] as number) <= (more[j] as number) ? (a[i++] as number) : (more[j++] as number);
    merged.set(a.subarray(i), k);
    merged.set(more.subarray(j), k + a.length - i);
    return new FingerprintSet(merged);
  }

  mayHave(fingerprint: number): boolean {
    const values = this.fingerprints;
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = values[mid] as number;
      if (value < fingerprint) low = mid + 1;
      else if (value > fingerprint) high = mid - 1;
      else return true;
    }
    return false;
  }
}
