import { describe, expect, it } from 'vitest';
import { type FoundDate, findDates, inWindow, misreadFromWindow } from './dates.ts';
import {
  approximateSearch,
  destuttered,
  matchClaimCode,
  matchModel,
  matchName,
  matchRecalled,
  matchSerial,
} from './matching.ts';

describe('matchSerial', () => {
  const serial = 'AH7M4Z2K9C1QR8T3';
  it('passes the serial as OCR reads it: look-alikes, separators, split over two lines', () => {
    expect(matchSerial(['S/N: AH7M4Z2K9C1QR8T3'], serial).outcome).toBe('pass');
    expect(matchSerial(['S/N AH7M-4ZZK-9CIQ-R8T3'], serial).outcome).toBe('pass'); // Z for 2, I for 1
    expect(matchSerial(['S/N: AH7M4Z2K', '9C1QR8T3 Input 5V'], serial).outcome).toBe('pass');
    // A printed 4 read as A (and back) is the same character on a serial; shown as read.
    expect(matchSerial(['S/N: AH7MAZ2K9C1QR8T3'], serial)).toMatchObject({
      outcome: 'pass',
      found: 'AH7MA22K9C10R8T3', // as read, look-alikes collapsed
    });
  });
  it('is unsure of one misread character and fails on another serial', () => {
    const one = matchSerial(['S/N: AH7M4Z2K9C1QR8T5'], serial);
    expect(one.outcome).toBe('unsure'); // T5 vs T3: could be a misread, could be another unit
    expect(one.distance).toBe(1);
    const other = matchSerial(['S/N: AG3P7X5N2W8K4R6T'], serial);
    expect(other.outcome).toBe('fail');
    expect(other.found).toBe('AG3P7X5N2W8K4R6T'); // another serial, legible: for a person to see
    // Nothing legible is not a mismatch: the owner is asked for a better photo.
    expect(matchSerial([], serial)).toMatchObject({ outcome: 'unsure', found: null });
  });
  it('forgives a printed glyph read twice as two look-alikes, but not a character read twice', () => {
    // Tesseract emits "7T" for one wide 7, "S8" for one 8, "1I" for one 1.
    expect(matchSerial(['S/N: AH7TM4Z2K9C1QR8T3'], serial).outcome).toBe('pass');
    expect(matchSerial(['S/N: AH7M4Z2K9C1IQRS8T3'], serial).outcome).toBe('pass');
    // The same character twice may be a serial with one character more: one edit, unsure.
    expect(matchSerial(['S/N: AH7M4Z2K9C11QR8T3'], serial)).toMatchObject({ outcome: 'unsure', distance: 1 });
    // A stutter is only skipped, never taken for a missing character.
    expect(matchSerial(['S/N: AH7TM4Z2K9C1QR8T'], serial).outcome).toBe('unsure');
    // One of the two is the glyph: a pair of extra twins is not dropped whole.
    expect(matchSerial(['S/N: AH7M4Z2K9C1Q7TR8T3'], serial)).toMatchObject({
      outcome: 'unsure',
      distance: 1,
    });
  });
  it('undoes each stutter one way or the other, never both ways at once', () => {
    expect(destuttered('A7TB').sort()).toEqual(['A7B', 'A7TB', 'ATB'].sort());
    expect(destuttered('ABCD')).toEqual(['ABCD']);
    // Every position is tried: in "T7TE" the stutter is "7T", though "T7" comes first.
    expect(destuttered('T7TE')).toContain('T7E');
    const overlapping = destuttered('S8B7T');
    expect(overlapping).toEqual(expect.arrayContaining(['S8B7T', '8B7T', 'S87T', 'S8B7', '87']));
    expect(overlapping).not.toContain('S8B'); // "7T" dropped whole
    expect(overlapping).not.toContain('B7T'); // "S8" dropped whole
  });
  it('reads a J printed as ")" or "])" as the J it is', () => {
    expect(matchSerial(['S/N: DP4M72208)MM7W)B'], 'DP4M72208JMM7WJB').outcome).toBe('pass');
    expect(matchSerial(['S/N: 8C7CK9GPDNY23BX])'], '8C7CK9GPDNY23BXJ').outcome).toBe('pass');
    expect(matchSerial(['S/N: AHCBE98H]7NDW3JH'], 'AHCBE98HJ7NDW3JH').outcome).toBe('pass'); // "]"
    expect(matchSerial(['S/N: AHW741YBEH|T4MGB'], 'AHW741YBEHJT4MGB').outcome).toBe('pass'); // "|"
    // A ")" that is only a smudge costs nothing, as before: the line is also read as it is.
    expect(matchSerial(['S/N: AH7M4Z2K)9C1QR8T3'], serial)).toMatchObject({ outcome: 'pass', distance: 0 });
  });
});

describe('matchModel, matchClaimCode, matchRecalled', () => {
  it('reads the model exactly: one digit apart is another model', () => {
    expect(matchModel(['Model: A1263'], 'A1263').outcome).toBe('pass');
    expect(matchModel(['Mode) Al263'], 'A1263').outcome).toBe('pass'); // l for 1
    expect(matchModel(['Model: A1257'], 'A1263')).toMatchObject({ outcome: 'fail', found: 'A1257' });
    expect(matchModel(['10000mAh 36Wh'], 'A1263')).toMatchObject({ outcome: 'unsure', found: null });
  });
  it('finds the claim code with or without its dashes', () => {
    expect(matchClaimCode(['RK-7K3F-9Q2M'], 'RK-7K3F-9Q2M').outcome).toBe('pass');
    expect(matchClaimCode(['RK 7K3F 9O2M'], 'RK-7K3F-9Q2M').outcome).toBe('pass'); // O read for Q
    expect(matchClaimCode(['RK 7K3F 9Q2N'], 'RK-7K3F-9Q2M').outcome).toBe('pass'); // one misread: still this code
    expect(matchClaimCode(['RK 7K3F 9X2N'], 'RK-7K3F-9Q2M').outcome).toBe('unsure');
    expect(matchClaimCode(['rk7k3f9q2m'], 'RK-7K3F-9Q2M').outcome).toBe('pass'); // lower case, no dashes
    // Not legible: unsure, and the owner is asked to write it larger, never told it is missing.
    expect(matchClaimCode(['Ana Garcia'], 'RK-7K3F-9Q2M')).toMatchObject({ outcome: 'unsure', found: null });
  });
  it('shows a person another code written instead, without failing it (the database knows whose it is)', () => {
    expect(matchClaimCode(['RK-AXWC-PT4E'], 'RK-7K3F-9Q2M')).toMatchObject({
      outcome: 'unsure',
      found: 'RKAXWCPT4E',
    });
    // A code the hand mangled (three characters) is doubtful, not another claim's.
    expect(matchClaimCode(['RK-7K3F-XXXM'], 'RK-7K3F-9Q2M').outcome).toBe('unsure');
  });
  it('finds RECALLED or RECALL in marker', () => {
    expect(matchRecalled(['RECALLED']).outcome).toBe('pass');
    expect(matchRecalled(['RECAILED']).outcome).toBe('pass');
    expect(matchRecalled(['recall']).outcome).toBe('pass');
    expect(matchRecalled(['Ana Garcia 11/21/2026'])).toMatchObject({ outcome: 'unsure', found: null });
  });
  it('searches approximately', () => {
    expect(approximateSearch('ABC', 'XXABDXX')).toMatchObject({ distance: 1, start: 2 });
    expect(approximateSearch('ABC', 'XXABCXX')).toMatchObject({ distance: 0, start: 2, end: 5 });
  });
});

describe('matchName', () => {
  it('ignores case and accents and is content with one of several names', () => {
    expect(matchName(['ana garcia'], 'Ana García').outcome).toBe('pass');
    expect(matchName(['GARCIA'], 'Ana María García López').outcome).toBe('pass');
    expect(matchName(['Ana Gar cia'], 'Ana García').outcome).toBe('pass');
    expect(matchName(['Garcla'], 'García').outcome).toBe('pass'); // one misread letter in a long name
    expect(matchName(['RECALLED', 'Li'], 'Li Wei').outcome).toBe('pass');
    expect(matchName(['Lu'], 'Li Wei').outcome).toBe('unsure');
    expect(matchName(['LiWei'], 'Li Wei').outcome).toBe('pass'); // the space lost
  });
  it('never passes another name, and never fails one either: a hand OCR cannot read looks the same', () => {
    expect(matchName(['John Smith'], 'Ana García')).toMatchObject({ outcome: 'unsure', found: null });
    expect(matchName([], 'Ana García')).toMatchObject({ outcome: 'unsure', found: null });
  });
});

describe('findDates', () => {
  const days = (line: string) => findDates([line]).flatMap((d) => d.days);
  it('reads every common way of writing a date', () => {
    for (const line of [
      '2026-11-21',
      '11/21/2026',
      '21/11/2026',
      '21.11.26',
      'Nov 21 2026',
      'November 21, 2026',
      '21 Nov 2026',
      '21 de noviembre de 2026',
      '2026年11月21日',
      '11/2l/2O26', // OCR: l for 1, O for 0
      '11 / 21 / 2026',
      'NOV212026', // a re-read of the line, spaces lost
    ])
      expect(days(line), line).toContain('2026-11-21');
  });
  it('takes a year no one writes for the plausible years one misread digit away, and keeps plausible years', () => {
    expect(days('21/11/2626')).toEqual(['2026-11-21']); // a marker 0 read as 6
    expect(days('21 Nov 26026')).toEqual(['2026-11-21']); // a digit read twice
    expect(days('2625-11-21')).toEqual(['2025-11-21']); // an old date stays old
    expect(days('2025-11-21')).toEqual(['2025-11-21']);
    expect(days('11/21/2016')).toEqual(['2016-11-21']);
  });
  it('keeps both readings of an ambiguous date and refuses impossible ones', () => {
    expect(days('11/12/2026').sort()).toEqual(['2026-11-12', '2026-12-11']);
    expect(days('31/11/2026')).toEqual([]);
    expect(days('RK-7K3F-9Q2M')).toEqual([]);
  });
  it('reads a day and month written without a year as that day in the years it is given', () => {
    expect(findDates(['22 NOV'], [2026]).flatMap((d) => d.days)).toEqual(['2026-11-22']);
    expect(findDates(['Nov 22'], [2025, 2026]).flatMap((d) => d.days)).toEqual(['2025-11-22', '2026-11-22']);
    expect(findDates(['22 NOV'])).toEqual([]); // without years to assume, no date
    expect(findDates(['22 Nov 2026'], [2030]).flatMap((d) => d.days)).toEqual(['2026-11-22']); // a year written wins
  });
  it('tells a date a misread digit or two from the window from an old one', () => {
    const at = new Date('2026-11-22T15:00:00Z');
    const window = { daysBefore: 14, daysAfter: 1 };
    const [misread] = findDates(['Nov 22 2020']); // a marker 6 read as 0
    expect(misreadFromWindow(misread as FoundDate, at, window)).toBe(true);
    const [merged] = findDates(['2026年1月21日']); // the 1s of "11" merged into one
    expect(misreadFromWindow(merged as FoundDate, at, window)).toBe(true);
    const [both] = findDates(['2020年1月21日']); // a 6 read as 0 and the 1s of "11" merged
    expect(misreadFromWindow(both as FoundDate, at, window)).toBe(true);
    const [short] = findDates(['2.9.26']); // two slips from 11.9.26, in four digits: old, not doubtful
    expect(misreadFromWindow(short as FoundDate, at, window)).toBe(false);
    for (const written of ['2026-09-02', '09/02/2026', 'Sep 2 2026', '2026年9月2日']) {
      const [old] = findDates([written]);
      expect(misreadFromWindow(old as FoundDate, at, window), written).toBe(false);
    }
  });
  it('compares calendar days with the window', () => {
    const at = new Date('2026-11-21T15:00:00Z');
    const window = { daysBefore: 14, daysAfter: 1 };
    expect(inWindow('2026-11-21', at, window)).toBe(true);
    expect(inWindow('2026-11-07', at, window)).toBe(true);
    expect(inWindow('2026-11-06', at, window)).toBe(false);
    expect(inWindow('2026-11-22', at, window)).toBe(true);
    expect(inWindow('2026-11-23', at, window)).toBe(false);
  });
});
