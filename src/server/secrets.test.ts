import { describe, expect, it } from 'vitest';
import { configureSealing, isSealed, seal, unseal } from './secrets.ts';

describe('sealing secrets at rest', () => {
  it('seals with a fresh nonce, opens what it sealed, and reads a value stored before sealing as itself', () => {
    configureSealing(['k'.repeat(40)]);
    const a = seal('GC-1234-ABCD');
    const b = seal('GC-1234-ABCD');
    expect(a).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('GC-1234');
    expect([unseal(a), unseal(b)]).toEqual(['GC-1234-ABCD', 'GC-1234-ABCD']);
    expect(isSealed('GC-1234-ABCD')).toBe(false);
    expect(unseal('GC-1234-ABCD')).toBe('GC-1234-ABCD');
  });

  it('rotates: a new first key seals, the old one still opens; without it, a clear error', () => {
    configureSealing(['old'.repeat(12)]);
    const sealedOld = seal('whsec_abc');
    configureSealing(['new'.repeat(12), 'old'.repeat(12)]);
    expect(unseal(sealedOld)).toBe('whsec_abc');
    const sealedNew = seal('whsec_abc');
    expect(sealedNew.slice(0, 16)).not.toBe(sealedOld.slice(0, 16)); // another key id
    configureSealing(['new'.repeat(12)]);
    expect(() => unseal(sealedOld)).toThrow(/SECRET_KEY does not hold/);
    // Tampering is caught.
    const tampered = `${sealedNew.slice(0, -4)}AAAA`;
    expect(() => unseal(tampered)).toThrow();
  });
});
