import { describe, expect, it } from 'vitest';
import { blank, lattice, sure } from '../../../../test/support/lattices.ts';
import { target } from './guided.ts';
import { costIn, spot } from './spotting.ts';

describe('spotting the expected text in what the recogniser saw', () => {
  // "2020" read greedily, the last digit a marker 6 the recogniser found 55 % a 0 and 40 % a 6.
  const year = lattice([blank, ...sure('202'), { '0': 0.55, '6': 0.4 }, blank]);

  it('costs nothing for what was read, and little for a close second', () => {
    expect(costIn(year, target('2020'))).toBeCloseTo(0, 1);
    expect(costIn(year, target('2026'))).toBeCloseTo(Math.log(0.55 / 0.4), 1);
  });

  it('costs much for a character the recogniser did not find likely (an old year stays old)', () => {
    expect(costIn(year, target('2025'))).toBeGreaterThan(5);
  });

  it('finds the text anywhere in the line, what stands around it free', () => {
    const line = lattice([{ A: 0.9 }, blank, ...sure('2026'), { Z: 0.95 }]);
    expect(costIn(line, target('2026'))).toBeLessThan(0.1);
  });

  it('needs a blank between a character written twice: "11" is not one 1', () => {
    const once = lattice([blank, { '1': 0.99 }, { '1': 0.99 }, blank]);
    const twice = lattice([blank, { '1': 0.99 }, { '': 0.9, '1': 0.09 }, { '1': 0.99 }, blank]);
    expect(costIn(once, target('11'))).toBeGreaterThan(5);
    expect(costIn(twice, target('11'))).toBeLessThan(0.1);
  });

  it('reads either case, a space as a blank, and what recognisers put for a digit', () => {
    const written = lattice([{ r: 0.9 }, { k: 0.8 }, { ' ': 0.99 }, { O: 0.7, Q: 0.2 }, blank]);
    expect(costIn(written, target('RK Q'))).toBeLessThan(0.3);
  });

  it('finds a name only as a word of its own: not "Ana" in "PRIYA NAIR"', () => {
    const line = lattice(sure('PRIYA NAIR'));
    expect(costIn(line, target('Ana'))).toBeLessThan(0.1);
    expect(costIn(line, target('Ana', { start: 'word', end: 'word' }))).toBeGreaterThan(5);
    expect(costIn(line, target('Nair', { start: 'word', end: 'word' }))).toBeLessThan(0.1);
  });

  it('finds a day without a year only at the end of the line: "21 Nov" is not today in "21 Nov 2025"', () => {
    const yearless = { start: 'word', end: 'line' } as const;
    expect(costIn(lattice(sure('21 NOV')), target('21 Nov', yearless))).toBeLessThan(0.1);
    expect(costIn(lattice(sure('21 NOV 2025')), target('21 Nov', yearless))).toBeGreaterThan(5);
  });

  it('finds a text anchored to the whole line only with nothing before or after it', () => {
    const whole = { start: 'line', end: 'line' } as const;
    expect(costIn(lattice([blank, ...sure('LI')]), target('Li', whole))).toBeLessThan(0.1);
    expect(costIn(lattice(sure('TOM LI')), target('Li', whole))).toBeGreaterThan(5);
    expect(costIn(lattice(sure('TOM LI')), target('Li', { start: 'word', end: 'line' }))).toBeLessThan(0.1);
  });

  it("lets a date's separators be missed, never a digit", () => {
    const read = lattice(sure('1121/2026'));
    expect(costIn(read, target('11/21/2026', { start: 'word', end: 'word' }))).toBeLessThan(0.1);
    expect(costIn(read, target('1/21/2026', { start: 'word', end: 'word' }))).toBeGreaterThan(5);
  });

  it('keeps a run of surely blank steps once', () => {
    expect(lattice([blank, blank, blank, { A: 0.99 }, blank, blank])).toHaveLength(3);
  });

  it('joins a line with the next region: a code written over two lines', () => {
    const first = { region: 0, steps: lattice([{ R: 0.99 }, { K: 0.99 }, blank]) };
    const second = { region: 1, steps: lattice([{ '7': 0.99 }, { X: 0.99 }, blank]) };
    expect(spot([first, second], [target('RK7X')])?.cost).toBeLessThan(0.1);
    expect(spot([first], [target('RK7X')])?.cost).toBeGreaterThan(5);
  });
});
