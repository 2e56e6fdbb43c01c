import { describe, expect, it } from 'vitest';
import { applySerialRules, collapseLookAlikes, lookAlikeVariants, normaliseSerial } from './serial.ts';

const ankerRules = { lookAlikes: { O: '0', I: '1' } };

describe('normaliseSerial', () => {
  it('trims, upper-cases and drops spaces and dashes of every kind', () => {
    expect(normaliseSerial('  ah7m-4z2k 9c1q\u2013r8t3 ')).toEqual({ ok: true, serial: 'AH7M4Z2K9C1QR8T3' });
    expect(normaliseSerial('ah7m\u00a04z2k.9c1q/r8t3')).toEqual({ ok: true, serial: 'AH7M4Z2K9C1QR8T3' });
  });

  it('turns full-width characters typed on a Chinese keyboard into ASCII', () => {
    expect(normaliseSerial('ＡＨ７Ｍ\u3000４Ｚ２Ｋ')).toEqual({ ok: true, serial: 'AH7M4Z2K' });
  });

  it('refuses empty, over-long and non-alphanumeric input with a reason', () => {
    expect(normaliseSerial('')).toEqual({ ok: false, problem: 'serial_empty' });
    expect(normaliseSerial(' - - ')).toEqual({ ok: false, problem: 'serial_empty' });
    expect(normaliseSerial('A'.repeat(10_000))).toEqual({ ok: false, problem: 'serial_too_long' });
    expect(normaliseSerial('A'.repeat(41))).toEqual({ ok: false, problem: 'serial_too_long' });
    expect(normaliseSerial("AB1'; DROP TABLE campaign;--")).toEqual({
      ok: false,
      problem: 'serial_invalid_characters',
    });
    expect(normaliseSerial('<script>')).toEqual({ ok: false, problem: 'serial_invalid_characters' });
    expect(normaliseSerial('AB\u0000CD')).toEqual({ ok: false, problem: 'serial_invalid_characters' });
    expect(normaliseSerial('AB\tCD')).toEqual({ ok: false, problem: 'serial_invalid_characters' });
  });
});

describe('applySerialRules', () => {
  it('maps letters a campaign never uses to the digit the owner meant', () => {
    expect(applySerialRules('AHOM4Z2KIC1Q', ankerRules)).toBe('AH0M4Z2K1C1Q');
    expect(applySerialRules('AH0M4Z2K1C1Q', ankerRules)).toBe('AH0M4Z2K1C1Q');
  });
});

describe('lookAlikeVariants', () => {
  it('offers every single look-alike substitution before any double one', () => {
    const variants = lookAlikeVariants('Z5', 2);
    expect(variants.slice(0, 2).sort()).toEqual(['25', 'ZS']);
    expect(variants).toContain('2S');
    expect(variants).not.toContain('Z5');
  });

  it('covers 0/O, 1/I/L, 2/Z, 5/S and 8/B', () => {
    const variants = new Set(lookAlikeVariants('01258', 1));
    for (const v of ['O1258', '0I258', '0L258', '01Z58', '012S8', '0125B']) expect(variants).toContain(v);
  });

  it('stops at the limit', () => {
    expect(lookAlikeVariants('0'.repeat(40), 2, 50)).toHaveLength(50);
  });
});

describe('collapseLookAlikes', () => {
  it('gives serials an owner could confuse the same form, and others different ones', () => {
    expect(collapseLookAlikes('AG5K2M8R')).toBe(collapseLookAlikes('AGSKZM8R'));
    expect(collapseLookAlikes('OIL0Z2S5B8')).toBe('0110225588');
    expect(collapseLookAlikes('AG5K2M8R')).not.toBe(collapseLookAlikes('AG6K2M8R'));
  });
});
