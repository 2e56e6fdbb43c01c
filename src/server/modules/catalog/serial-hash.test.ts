import { describe, expect, it } from 'vitest';
import { FingerprintSet, hashSerialInto, SerialHashSet } from './serial-hash.ts';

function setOf(serials: string[]) {
  return SerialHashSet.fromHashes(setOfHashes(serials));
}

function setOfHashes(serials: string[]) {
  const hashes = new BigUint64Array(serials.length);
  serials.forEach((serial, i) => {
    hashSerialInto(serial, new Uint32Array(hashes.buffer), 2 * i);
  });
  return hashes;
}

function has(set: SerialHashSet, serial: string) {
  const probe = new Uint32Array(2);
  hashSerialInto(serial, probe, 0);
  return set.has(probe[0] as number, probe[1] as number);
}

describe('SerialHashSet', () => {
  it('finds every member and no near miss', () => {
    const serials = Array.from(
      { length: 50_000 },
      (_, i) => `AH${i.toString(36).toUpperCase().padStart(14, '0')}`,
    );
    const set = setOf(serials);
    expect(set.size).toBe(50_000);
    expect(set.byteLength).toBe(8 * 50_000);
    for (const serial of serials) expect(has(set, serial)).toBe(true);
    for (let i = 50_000; i < 60_000; i++) {
      expect(has(set, `AH${i.toString(36).toUpperCase().padStart(14, '0')}`)).toBe(false);
    }
    expect(has(set, 'AH0000000000000')).toBe(false);
  });

  it('takes more serials by merging: the same set as built from all of them at once', () => {
    const serial = (i: number) => `AH${i.toString(36).toUpperCase().padStart(14, '0')}`;
    const first = Array.from({ length: 30_000 }, (_, i) => serial(2 * i));
    const more = Array.from({ length: 7_000 }, (_, i) => serial(2 * i + 1));
    const merged = setOf(first).withHashes(setOfHashes(more));
    expect(merged.size).toBe(37_000);
    for (const s of [...first, ...more]) expect(has(merged, s)).toBe(true);
    expect(has(merged, serial(90_001))).toBe(false);
    expect(setOf([]).withHashes(new BigUint64Array(0)).size).toBe(0);
    expect(has(setOf([]).withHashes(setOfHashes([serial(3)])), serial(3))).toBe(true);
  });

  it('answers on an empty set', () => {
    expect(has(setOf([]), 'ANYTHING')).toBe(false);
  });

  it('gives different hashes to serials that differ by one look-alike character', () => {
    const a = new Uint32Array(2);
    const b = new Uint32Array(2);
    hashSerialInto('AH7M4Z2K9C1QR8T3', a, 0);
    hashSerialInto('AH7M4Z2K9C1QR8T8', b, 0);
    expect([...a]).not.toEqual([...b]);
  });
});

describe('FingerprintSet', () => {
  it('never misses a member and rarely claims a stranger', () => {
    const members = Uint32Array.from({ length: 100_000 }, (_, i) => Math.imul(i + 1, 2654435761) >>> 0);
    const set = FingerprintSet.fromFingerprints(members.slice());
    expect(set.byteLength).toBe(4 * 100_000);
    for (const member of members) expect(set.mayHave(member)).toBe(true);
    let falsePositives = 0;
    for (let i = 0; i < 100_000; i++) if (set.mayHave(Math.imul(i + 200_001, 40503) >>> 0)) falsePositives++;
    expect(falsePositives).toBeLessThan(50); // about 100,000 * 100,000 / 2^32 ≈ 2.3 expected
  });

  it('takes more members by merging', () => {
    const set = FingerprintSet.fromFingerprints(Uint32Array.of(9, 1, 5)).withFingerprints(
      Uint32Array.of(7, 3, 11),
    );
    expect(set.size).toBe(6);
    for (const member of [1, 3, 5, 7, 9, 11]) expect(set.mayHave(member)).toBe(true);
    for (const stranger of [0, 2, 4, 6, 8, 10, 12]) expect(set.mayHave(stranger)).toBe(false);
  });
});
