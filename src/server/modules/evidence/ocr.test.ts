import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handwrittenPhoto } from '../../../../eval/handwritten-evidence.ts';
import { CLEAN, labelPhoto } from '../../../../eval/synthetic-evidence.ts';
import { matchClaimCode, matchRecalled } from './matching.ts';
import { OcrEngine } from './ocr.ts';
import { shutdownPpOcr } from './pp-ocr.ts';

describe('OcrEngine', () => {
  let engine: OcrEngine;
  beforeAll(async () => {
    engine = await OcrEngine.start(1);
  });
  afterAll(async () => {
    await engine?.close();
    await shutdownPpOcr();
  });

  it('re-reads codes without the characters the campaign’s serials never contain', async () => {
    // A label whose print mixes O and I with 0 and 1: as read, and again with the rule "never O or I".
    const photo = await labelPhoto({ model: 'A1263', serial: 'OI0I1O0I1OI0O1I0' }, 3, CLEAN);
    const plain = (await engine.recognize(photo)).lines;
    const ruled = (await engine.recognize(photo, { neverContains: ['O', 'I'] })).lines;
    // The page is read the same way; only the enlarged re-reads of code lines differ.
    const rereadWithRule = ruled.filter((line) => !plain.includes(line));
    const rereadWithout = plain.filter((line) => !ruled.includes(line));
    expect(rereadWithRule.some((line) => line.includes('S/N'))).toBe(true);
    for (const line of rereadWithRule) expect(line, line).not.toMatch(/[OI]/);
    expect(rereadWithout.some((line) => /[OI]/.test(line))).toBe(true);
  });

  it('reads marker handwriting that Tesseract alone cannot, with PP-OCR beside it', async () => {
    // A script hand in black marker, slightly tilted and soft: Tesseract alone reads no code.
    const photo = await handwrittenPhoto(
      { word: 'RECALLED', name: 'Ana García', date: 'Nov 22 2026', code: 'RK-7K3F-9Q2M' },
      5,
      { hand: 'Dancing Script', surface: 'light_unit' },
      { ...CLEAN, rotate: 4, blur: 0.8, noise: 6, jpegQuality: 75 },
    );
    const { lines } = await engine.recognize(photo);
    expect(matchClaimCode(lines, 'RK-7K3F-9Q2M').outcome, lines.join(' | ')).toBe('pass');
    expect(matchRecalled(lines).outcome, lines.join(' | ')).toBe('pass');
  });
});
