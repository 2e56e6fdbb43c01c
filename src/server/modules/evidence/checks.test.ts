import { describe, expect, it } from 'vitest';
import { type CheckResult, markedChecks, qualityCheck, triage } from './checks.ts';
import { feedbackFor } from './photo-feedback.ts';

const at = new Date('2026-11-22T15:00:00Z');
const window = { daysBefore: 14, daysAfter: 1 };
const facts = { serial: 'AH7M4Z2K9C1QR8T3', model: 'A1263', name: 'Ana García', code: 'RK-7K3F-9Q2M', at };
const marked = (...lines: string[]) => markedChecks({ lines }, facts, window);
const outcome = (checks: CheckResult[], id: string) => checks.find((check) => check.id === id)?.outcome;
/** Black print on white paper: every text read, the photo brighter than the quality check likes. */
const bright = qualityCheck({ width: 1600, height: 1200, sharpness: 300, brightness: 232, clipped: 0.1 });

describe('the marked photo', () => {
  it('passes every way owners write the date, the code and the name', () => {
    for (const date of [
      '11/22/2026',
      '22/11/2026',
      '22.11.26',
      'Nov 22 2026',
      '2026-11-22',
      '22 NOV',
      '2026年11月22日',
    ])
      expect(outcome(marked('RECALLED', 'Ana', date, 'RK-7K3F-9Q2M'), 'date_current'), date).toBe('pass');
    for (const code of ['rk-7k3f-9q2m', 'RK7K3F9Q2M', 'RK 7K3F 9Q2M'])
      expect(outcome(marked('RECALLED', 'Ana', '2026-11-22', code), 'claim_code_present'), code).toBe('pass');
  });

  it('fails an old date two readings show, but leaves a date one misread digit from today to a person', () => {
    // Each line is read more than once (PP-OCR's two views, Tesseract): both show the old day.
    expect(
      outcome(marked('RECALLED', 'Ana', '2026-09-02', '2026-09-02', 'RK-7K3F-9Q2M'), 'date_current'),
    ).toBe('fail');
    expect(
      outcome(marked('RECALLED', 'Ana', '2026-09-02', '09/02/2026', 'RK-7K3F-9Q2M'), 'date_current'),
    ).toBe('fail'); // read in two forms, September 2 in both
    // Read once only, another reading of the line disagreeing: a misread as likely as an old photo.
    expect(outcome(marked('RECALLED', 'Ana', '2/1/2020', '2O/11/202C', 'RK-7K3F-9Q2M'), 'date_current')).toBe(
      'unsure',
    );
    const misread = marked('RECALLED', 'Ana', 'Nov 22 2020', 'RK-7K3F-9Q2M'); // a marker 6 read as 0
    expect(outcome(misread, 'date_current')).toBe('unsure');
    expect(triage(misread, { autoApprove: true }).verdict).toBe('review');
    // A handwritten 6 read as b.
    expect(outcome(marked('RECALLED', 'Ana', '22 .11 .2b', 'RK-7K3F-9Q2M'), 'date_current')).toBe('pass');
  });

  it('reads a month word one letter off as the month expected, never an old month as a current one', () => {
    for (const date of ['NOY 22 2026', 'NV 22 2026', '2Z NON', '22 NO y', 'N0V 22 2026'])
      expect(outcome(marked('RECALLED', 'Ana', date, 'RK-7K3F-9Q2M'), 'date_current'), date).toBe('pass');
    // The digits must still match, and September stays September.
    expect(outcome(marked('RECALLED', 'Ana', 'NOY 2 2026', 'RK-7K3F-9Q2M'), 'date_current')).not.toBe('pass');
    expect(outcome(marked('RECALLED', 'Ana', 'SEP 22 2026', 'SEP 22 2026'), 'date_current')).toBe('fail');
    expect(outcome(marked('RECALLED', 'Ana', 'SEQ 22 2026', 'RK-7K3F-9Q2M'), 'date_current')).not.toBe(
      'pass',
    );
  });

  it('never fails what it could not read: nothing legible asks the owner for a better photo', () => {
    const blank = marked('~~ ~~~');
    expect(blank.map((check) => check.outcome)).toEqual(['unsure', 'unsure', 'unsure', 'unsure']);
    expect(triage(blank, { autoApprove: true }).verdict).toBe('request_info');
    expect(feedbackFor(blank).map((item) => item.message)).toEqual([
      'word_recalled',
      'date_current',
      'name_present',
      'claim_code_present',
    ]);
  });
});

describe('photo quality', () => {
  it('does not send back a photo whose every text was read, however bright', () => {
    const checks = [...marked('RECALLED', 'Ana García', '2026-11-22', 'RK-7K3F-9Q2M'), bright];
    expect(bright.outcome).toBe('fail');
    expect(triage(checks, { autoApprove: true }).verdict).toBe('approve');
    expect(feedbackFor(checks)).toEqual([]);
  });

  it('asks for a retake for the light when something on the photo could not be read', () => {
    const checks = [...marked('RECALLED', 'Ana García', '2026-11-22'), bright];
    expect(triage(checks, { autoApprove: true })).toEqual({
      verdict: 'request_info',
      reasons: ['claim_code_present', 'image_quality'],
    });
    expect(feedbackFor(checks).map((item) => item.message)).toEqual(['claim_code_present', 'too_bright']);
  });
});
