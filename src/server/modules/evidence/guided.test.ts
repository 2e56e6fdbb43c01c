import { describe, expect, it } from 'vitest';
import { blank, lattice, sure } from '../../../../test/support/lattices.ts';
import { markedChecks } from './checks.ts';
import { windowDate, writtenForms } from './guided.ts';
import type { Lattice } from './spotting.ts';

const at = new Date('2026-11-21T15:00:00Z');
const window = { daysBefore: 14, daysAfter: 1 };
const facts = { serial: null, model: 'A1263', name: 'Jonas Weber', code: 'RK-7K3F-9Q2M', at };
const lines = (...read: Record<string, number>[][]): Lattice[] =>
  read.map((steps, region) => ({ region, steps: lattice(steps) }));
const check = (ocr: Parameters<typeof markedChecks>[0], id: string) =>
  markedChecks(ocr, facts, window).find((result) => result.id === id);

describe('guided reading of the marked photo', () => {
  it('passes a code the plain reading left unsure when the recogniser found it a close second', () => {
    // Greedy: "RK-7K3E-9Q2N" (two characters off: unsure); the F and the M were close seconds.
    const steps = [...sure('RK-7K3'), { E: 0.5, F: 0.4 }, blank, ...sure('-9Q2'), { N: 0.6, M: 0.35 }, blank];
    const plain = check({ lines: ['RK-7K3E-9Q2N'] }, 'claim_code_present');
    expect(plain?.outcome).toBe('unsure');
    const guided = check({ lines: ['RK-7K3E-9Q2N'], lattices: lines(steps) }, 'claim_code_present');
    expect(guided?.outcome).toBe('pass');
    expect(guided?.detail.guided).toMatchObject({ text: 'RK-7K3F-9Q2M' });
  });

  it('passes a code whose marker Hs were read as 1 and I, which no code holds', () => {
    const read = (text: string, code: string) =>
      markedChecks({ lines: [text], lattices: lines(sure(text)) }, { ...facts, code }, window).find(
        (result) => result.id === 'claim_code_present',
      );
    expect(read('RK-J1IA-GGDD', 'RK-JHHA-GGDD')?.outcome).toBe('pass');
    // Only an H: where the code has two Ts, that reading is two characters off.
    expect(read('RK-J1IA-GGDD', 'RK-JTTA-GGDD')?.outcome).toBe('unsure');
  });

  it("never passes another claim's code, however its lines are read", () => {
    const other = lines(sure('RK-A4CX-TT7H'));
    expect(check({ lines: ['RK-A4CX-TT7H'], lattices: other }, 'claim_code_present')?.outcome).toBe('unsure');
  });

  it('passes a date whose separators were missed: "1121/2026" for 11/21/2026', () => {
    const read = check({ lines: ['1121/2026'], lattices: lines(sure('1121/2026')) }, 'date_current');
    expect(read?.outcome).toBe('pass');
    expect(read?.detail.found).toBe('11/21/2026');
  });

  it('leaves an old date unsure when the recogniser could not tell its 5 from a 6', () => {
    // "2025-11-21", the 5 found 41 % a 5 and 32 % a 6: today's date costs little, but a year-old
    // date costs less.
    const steps = [...sure('202'), { '5': 0.41, '6': 0.32 }, blank, ...sure('-11-21')];
    const ocr = { lines: ['2025-121'], lattices: lines(steps) };
    expect(check({ lines: ['2025-121'] }, 'date_current')?.outcome).toBe('unsure');
    expect(check(ocr, 'date_current')?.outcome).toBe('unsure');
    // The same glyph, the 6 the likelier: today's date.
    const today = [...sure('202'), { '6': 0.8, '5': 0.05 }, blank, ...sure('-11-21')];
    expect(windowDate(lines(today), at, window).guided?.text).toBe('2026-11-21');
  });

  it('counts as rivals only days an older photo could show: none before the recall was announced', () => {
    // "2026-11-21" with a marker 6 the recogniser finds 45 % a 6 and 40 % a 0: "2020" is nearly
    // as likely, but no one wrote RECALLED on a unit in 2020.
    const steps = [...sure('202'), { '6': 0.45, '0': 0.4 }, blank, ...sure('-11-21')];
    const ocr = { lines: ['2020-11-21'], lattices: lines(steps) };
    expect(check(ocr, 'date_current')?.outcome).toBe('unsure'); // announcement unknown
    const announced = new Date('2025-06-12T00:00:00Z');
    const read = markedChecks(ocr, { ...facts, recallAnnounced: announced }, window).find(
      (result) => result.id === 'date_current',
    );
    expect(read?.outcome).toBe('pass');
    expect(read?.detail.found).toBe('2026-11-21');
    // A year ago is after the announcement: 2025 for a 2026 written alike stays a rival.
    const lastYear = [...sure('202'), { '6': 0.45, '5': 0.4 }, blank, ...sure('-11-21')];
    expect(windowDate(lines(lastYear), at, window, announced).guided).toBeNull();
  });

  it('takes no old date for today because the recogniser ran its doubled digit together', () => {
    // "2026-11-21" with its 1s run together and the second dash missed reads "2026-121", which is
    // also "2026-12-1": on December 10 that photo is three weeks old, not from within the window.
    const steps = [
      ...sure('2026-'),
      { '1': 0.99 },
      { '1': 0.55, '': 0.45 },
      { '1': 0.99 },
      blank,
      ...sure('21'),
    ];
    const tenth = new Date('2026-12-10T15:00:00Z');
    expect(windowDate(lines(steps), tenth, window, new Date('2025-06-12T00:00:00Z')).guided).toBeNull();
    // A photo that plainly shows December 1 still passes on December 10.
    const december = [...sure('2026-12-1')];
    expect(windowDate(lines(december), tenth, window).guided?.text).toBe('2026-12-1');
  });

  it('doubts a plain reading of today when the recogniser found an older day nearly as likely', () => {
    // A marker "2025-11-21" whose 5 the recogniser found 60 % a 6 and 25 % a 5: read plainly as
    // today's date, but a year-old date is 2.4 times less likely, not 7.4 (DATE_MARGIN).
    const announced = new Date('2025-06-12T00:00:00Z');
    const read = (five: Record<string, number>) =>
      markedChecks(
        { lines: ['2026-11-21'], lattices: lines([...sure('202'), five, blank, ...sure('-11-21')]) },
        { ...facts, recallAnnounced: announced },
        window,
      ).find((result) => result.id === 'date_current');
    expect(check({ lines: ['2026-11-21'] }, 'date_current')?.outcome).toBe('pass'); // no lattices
    expect(read({ '6': 0.6, '5': 0.25 })).toMatchObject({
      outcome: 'unsure',
      detail: { rival: '2025-11-21' },
    });
    expect(read({ '6': 0.9, '5': 0.05 })?.outcome).toBe('pass');
    // A day after the window is no rival (no older photo shows it), nor last year's for a day and
    // month: "21 Nov" whose 1 may be a 4 is today, whose 2 may be missing is November 1.
    const yearless = (steps: Record<string, number>[]) =>
      markedChecks({ lines: ['21 Nov'], lattices: lines(steps) }, facts, window).find(
        (result) => result.id === 'date_current',
      )?.outcome;
    expect(yearless([...sure('2'), { '1': 0.6, '4': 0.3 }, blank, { ' ': 0.9 }, ...sure('Nov')])).toBe(
      'pass',
    );
    expect(yearless([{ '2': 0.6, '': 0.35 }, blank, ...sure('1'), { ' ': 0.9 }, ...sure('Nov')])).toBe(
      'unsure',
    );
  });

  it('keeps a plain fail: an old date read clearly is not overruled', () => {
    const ocr = { lines: ['2026-09-02', '2026-09-02'], lattices: lines(sure('2026-09-02')) };
    expect(check(ocr, 'date_current')?.outcome).toBe('fail');
  });

  it('finds the name as a word of its own, the other names not', () => {
    const steps = [...sure('JONAS'), { ' ': 0.9 }, ...sure('WEBFR')];
    expect(check({ lines: ['JONAS WEBFR'], lattices: lines(steps) }, 'name_present')?.outcome).toBe('pass');
    const other = lines([...sure('JONATHAN'), { ' ': 0.9 }, ...sure('WEBB')]);
    expect(check({ lines: ['JONATHAN WEBB'], lattices: other }, 'name_present')?.outcome).toBe('unsure');
  });

  it('finds a two-letter name written alone as its line, and never as a word in another', () => {
    const name = (read: Record<string, number>[], text: string, claimant = 'Li Wei') =>
      markedChecks({ lines: [text], lattices: lines(read) }, { ...facts, name: claimant }, window).find(
        (result) => result.id === 'name_present',
      );
    // A marker i read as l (the plain reading is unsure), with the i a close second.
    const alone = name([...sure('L'), { l: 0.55, i: 0.4 }, blank], 'Ll');
    expect(alone?.outcome).toBe('pass');
    expect(alone?.detail.guided).toMatchObject({ text: 'Li' });
    // The same two letters starting or inside a longer line are not the name.
    expect(name([...sure('L'), { l: 0.55, i: 0.4 }, ...sure('SA')], 'LlSA')?.outcome).toBe('unsure');
    expect(name([...sure('OL'), { l: 0.55, i: 0.4 }, blank], 'OLl')?.outcome).toBe('unsure');
    expect(name([...sure('RK'), { ' ': 0.9 }, ...sure('L'), { l: 0.55, i: 0.4 }], 'RK Ll')?.outcome).toBe(
      'unsure',
    );
    // Nor when it is the claimant's whole name.
    const another = [...sure('TOM'), { ' ': 0.9 }, ...sure('L'), { l: 0.55, i: 0.4 }];
    expect(name(another, 'TOM Ll', 'Li')?.outcome).toBe('unsure');
    expect(name([...sure('L'), { l: 0.55, i: 0.4 }, blank], 'Ll', 'Li')?.outcome).toBe('pass');
  });

  it('reads an accent as any accent or none: a marker é is read è, and owners leave it out', () => {
    // Greedy "CXLDÈ DVBQ" (unsure); the H and the O were close seconds, the é read as an è.
    const name = (accented: string, claimant: string) => {
      const steps = [...sure('C'), { X: 0.5, H: 0.45 }, blank, ...sure('L'), { D: 0.5, O: 0.45 }, blank];
      const read = [...steps, ...sure(accented), { ' ': 0.9 }, ...sure('DVBQ')];
      return markedChecks(
        { lines: [`CXLD${accented} DVBQ`], lattices: lines(read) },
        { ...facts, name: claimant },
        window,
      ).find((result) => result.id === 'name_present');
    };
    expect(name('È', 'Chloé Dubois')?.detail.guided).toMatchObject({ text: 'Chloé' });
    expect(name('E', 'Chloé Dubois')?.outcome).toBe('pass');
    expect(name('É', 'Chloe Dubois')?.outcome).toBe('pass');
    // Another letter is not an accent: "Chloa" is not Chloé.
    expect(name('A', 'Chloé Dubois')?.outcome).toBe('unsure');
  });

  it('writes a day every way people write it', () => {
    const forms = writtenForms(at).map((form) => form.text);
    for (const form of [
      '11/21/2026',
      '21/11/2026',
      '21.11.26',
      'Nov 21 2026',
      '2026-11-21',
      '21 Nov',
      '2026年11月21日',
    ])
      expect(forms).toContain(form);
  });
});
