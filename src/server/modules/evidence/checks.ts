import type { TriagePolicy } from '../../../shared/contracts/campaign-definition.ts';
import {
  type DateWindow,
  type FoundDate,
  findDates,
  inWindow,
  misreadFromWindow,
  withExpectedMonths,
} from './dates.ts';
import { type Guided, guidedCode, guidedName, guidedRecalled, windowDate } from './guided.ts';
import {
  type Match,
  matchClaimCode,
  matchModel,
  matchName,
  matchRecalled,
  matchSerial,
  type Outcome,
} from './matching.ts';
import type { OcrResult } from './ocr.ts';
import type { ExifSummary } from './photo.ts';
import type { ImageQuality } from './quality.ts';

/**
 * The evidence checks, as pure functions of what was read in the photos and what the claim
 * says; the verification job (and `recallkit verify`) feeds them and stores the results.
 */

export type CheckId =
  | 'serial_matches'
  | 'model_matches'
  | 'word_recalled'
  | 'date_current'
  | 'name_present'
  | 'claim_code_present'
  | 'photo_unique'
  | 'image_quality'
  | 'exif_plausible';

export interface CheckResult {
  id: CheckId;
  outcome: Outcome;
  score: number;
  detail: Record<string, unknown>;
}

export interface ClaimFacts {
  serial: string | null;
  model: string;
  name: string;
  code: string;
  /** Submission (or, for instant feedback, now). */
  at: Date;
  /** When the recall was announced, if known: no one wrote RECALLED on a unit before it. */
  recallAnnounced?: Date | null;
}

const result = (id: CheckId, match: Match, extra: Record<string, unknown> = {}): CheckResult => ({
  id,
  outcome: match.outcome,
  score: round(match.score),
  detail: { found: match.found, distance: match.distance, ...extra },
});
const round = (value: number) => Math.round(value * 1000) / 1000;

/** Photo 1: the label shows the claimed serial and model. */
export function labelChecks(ocr: Pick<OcrResult, 'lines'>, facts: ClaimFacts): CheckResult[] {
  const checks: CheckResult[] = [
    result('model_matches', matchModel(ocr.lines, facts.model), { expected: facts.model }),
  ];
  if (facts.serial)
    checks.unshift(
      result('serial_matches', matchSerial(ocr.lines, facts.serial), { expected: facts.serial }),
    );
  return checks;
}

/**
 * Photo 2: RECALLED, a current date, the claimant's name and the claim code, in marker. What the
 * plain reading leaves unsure is looked for again, guided by what the claim expects, in the
 * handwriting recogniser's lattices (guided.ts); a plain fail stands.
 */
export function markedChecks(
  ocr: Pick<OcrResult, 'lines' | 'lattices'>,
  facts: ClaimFacts,
  window: DateWindow,
): CheckResult[] {
  const lattices = ocr.lattices ?? [];
  const guide = (check: CheckResult, spot: () => Guided | null): CheckResult => {
    if (check.outcome !== 'unsure' || lattices.length === 0) return check;
    const guided = spot();
    if (!guided) return check;
    return {
      ...check,
      outcome: 'pass',
      detail: { ...check.detail, found: guided.text, distance: null, guided },
    };
  };
  // The recogniser's reading of the date, read once: it guides an unsure check and doubts a plain
  // pass where an older day is nearly as likely.
  let dateRead: ReturnType<typeof windowDate> | undefined;
  const readDate = () => {
    dateRead ??= windowDate(lattices, facts.at, window, facts.recallAnnounced);
    return dateRead;
  };
  const doubted = (check: CheckResult): CheckResult => {
    if (check.outcome !== 'pass' || lattices.length === 0) return check;
    const { rival } = readDate();
    return rival ? { ...check, outcome: 'unsure', score: 0, detail: { ...check.detail, rival } } : check;
  };
  return [
    guide(result('word_recalled', matchRecalled(ocr.lines)), () => guidedRecalled(lattices)),
    guide(doubted(dateCheck(ocr.lines, facts.at, window)), () => readDate().guided),
    guide(result('name_present', matchName(ocr.lines, facts.name)), () => guidedName(lattices, facts.name)),
    guide(result('claim_code_present', matchClaimCode(ocr.lines, facts.code), { expected: facts.code }), () =>
      guidedCode(lattices, facts.code),
    ),
  ];
}

function dateCheck(lines: readonly string[], at: Date, window: DateWindow): CheckResult {
  // "22 NOV" has no year: it means that day around submission.
  const year = at.getUTCFullYear();
  const yearless = [year - 1, year, year + 1];
  const dates = findDates(lines, yearless);
  const isCurrent = (found: FoundDate) => found.days.some((day) => inWindow(day, at, window));
  // Read as written first; then with a month word one letter off read as the expected month.
  const current =
    dates.find(isCurrent) ?? findDates(withExpectedMonths(lines, at, window), yearless).find(isCurrent);
  if (current)
    return { id: 'date_current', outcome: 'pass', score: 1, detail: { found: current.text, window } };
  if (dates.length > 0) {
    const detail = { found: dates.map((d) => d.text), days: dates.flatMap((d) => d.days), window };
    // Old only when no digit of it may have been misread, and two readings of the photo (PP-OCR's
    // two views, or PP-OCR and Tesseract) show the same old day: a doubtful date goes to a person.
    const doubtful = dates.some((date) => misreadFromWindow(date, at, window, yearless));
    const shownTwice = dates.some((date, i) =>
      dates.some((other, j) => j !== i && other.days.some((day) => date.days.includes(day))),
    );
    return { id: 'date_current', outcome: doubtful || !shownTwice ? 'unsure' : 'fail', score: 0, detail };
  }
  return { id: 'date_current', outcome: 'unsure', score: 0, detail: { found: null, window } };
}

/** What can be wrong with a photo's quality (each has an i18n `feedback.*` text for the owner). */
export const QUALITY_PROBLEMS = ['too_small', 'blurred', 'too_dark', 'too_bright'] as const;
export type QualityProblem = (typeof QUALITY_PROBLEMS)[number];

/** Big enough, sharp enough and lit well enough to read. */
export function qualityCheck(quality: ImageQuality): CheckResult {
  const problems: QualityProblem[] = [];
  if (Math.min(quality.width, quality.height) < 600) problems.push('too_small');
  if (quality.sharpness < 40) problems.push('blurred');
  if (quality.brightness < 45) problems.push('too_dark');
  if (quality.brightness > 225 || quality.clipped > 0.5) problems.push('too_bright');
  return {
    id: 'image_quality',
    outcome: problems.length === 0 ? 'pass' : 'fail',
    score: problems.length === 0 ? 1 : 0,
    detail: { ...quality, problems },
  };
}

const EDITORS =
  /photoshop|lightroom|gimp|snapseed|picsart|pixelmator|affinity|canva|facetune|fotor|paint\.net|photopea/i;

/**
 * EXIF, when present: taken neither long before the recall nor after submission, and not saved
 * by editing software. Absent EXIF (the claim form resizes photos, which drops it) is unsure, never a fail.
 */
export function exifCheck(exif: ExifSummary | null, recallAnnounced: Date | null, at: Date): CheckResult {
  if (!exif || (!exif.takenAt && !exif.software))
    return { id: 'exif_plausible', outcome: 'unsure', score: 0.5, detail: { reason: 'no_exif' } };
  if (exif.software && EDITORS.test(exif.software))
    return {
      id: 'exif_plausible',
      outcome: 'fail',
      score: 0,
      detail: { reason: 'edited', software: exif.software },
    };
  if (exif.takenAt) {
    const [date, time] = exif.takenAt.split(' ');
    const taken = Date.parse(
      `${(date ?? '').replace(/:/g, '-')}T${time ?? '00:00:00'}${exif.takenAtOffset ?? 'Z'}`,
    );
    const dayMs = 86_400_000;
    if (Number.isFinite(taken)) {
      if (recallAnnounced && taken < recallAnnounced.getTime() - 30 * dayMs)
        return {
          id: 'exif_plausible',
          outcome: 'fail',
          score: 0,
          detail: { reason: 'taken_before_recall', takenAt: exif.takenAt },
        };
      if (taken > at.getTime() + dayMs)
        return {
          id: 'exif_plausible',
          outcome: 'fail',
          score: 0,
          detail: { reason: 'taken_after_submission', takenAt: exif.takenAt },
        };
    }
  }
  return { id: 'exif_plausible', outcome: 'pass', score: 1, detail: { takenAt: exif.takenAt ?? null } };
}

export type Verdict = 'approve' | 'request_info' | 'review';

export interface TriageOutcome {
  verdict: Verdict;
  /** Why: check ids that kept the claim from automatic approval, and other signals. */
  reasons: string[];
}

/** The checks that look for something written or printed in a photo. */
export const READ_CHECKS: ReadonlySet<CheckId> = new Set<CheckId>([
  'serial_matches',
  'model_matches',
  'word_recalled',
  'date_current',
  'name_present',
  'claim_code_present',
]);

/**
 * Whether a failed or unsure check is for a better photo rather than for a person: a photo too
 * poor to read, or nothing legible where the item should be. Something read but different or
 * doubtful (another serial, one unsure character, an old date) is for a person.
 */
export function needsRetake(check: CheckResult): boolean {
  if (check.outcome === 'pass') return false;
  if (check.id === 'image_quality') return true;
  return READ_CHECKS.has(check.id) && (check.detail.found === null || check.detail.found === undefined);
}

/**
 * Whether every text a photo must show was read: then its light, focus or size did not matter,
 * and a quality problem is no reason to ask for another photo.
 */
export function everythingRead(checks: readonly CheckResult[]): boolean {
  const read = checks.filter((check) => READ_CHECKS.has(check.id));
  return read.length > 0 && read.every((check) => check.outcome === 'pass');
}

/**
 * The next step. Approve only when every required check passes (EXIF may be unsure; image
 * quality does not count when every text was read anyway) and
 * nothing else calls for a person; ask for a new photo when something could not be read; send
 * anything that looks wrong (a different serial, an old date, a reused photo, fraud signals) to
 * a person with the reasons. The machine never rejects.
 */
export function triage(
  checks: readonly CheckResult[],
  policy: Pick<TriagePolicy, 'autoApprove'>,
  context: { hasUnit: boolean; signals: readonly string[] } = { hasUnit: true, signals: [] },
): TriageOutcome {
  if (!context.hasUnit) return { verdict: 'review', reasons: ['no_unit_always_reviewed'] };
  const failing = checks.filter(
    (check) =>
      check.outcome !== 'pass' &&
      !(check.id === 'exif_plausible' && check.outcome === 'unsure') &&
      !(check.id === 'image_quality' && everythingRead(checks)),
  );
  const retake = failing.filter(needsRetake).map((check) => check.id);
  const suspicious = failing.filter((check) => !needsRetake(check)).map((check) => check.id);
  if (suspicious.length > 0 || context.signals.length > 0)
    return { verdict: 'review', reasons: [...suspicious, ...context.signals, ...retake] };
  if (retake.length > 0) return { verdict: 'request_info', reasons: retake };
  if (!policy.autoApprove) return { verdict: 'review', reasons: ['auto_approve_off'] };
  return { verdict: 'approve', reasons: [] };
}

/** One result per check id: the worse where several photos have one (quality, EXIF). */
export function worstOf<T extends CheckResult>(checks: readonly T[]): T[] {
  const rank = { fail: 0, unsure: 1, pass: 2 } as const;
  const byId = new Map<string, T>();
  for (const check of checks) {
    const seen = byId.get(check.id);
    if (!seen || rank[check.outcome] < rank[seen.outcome]) byId.set(check.id, check);
  }
  return [...byId.values()];
}

/** What each doubt adds to a claim's risk score (0-100), shown to reviewers and used by the second-review policy. */
const RISK_WEIGHTS = {
  fail: 30,
  unsure: 10,
  photoReused: 60,
  signal: {
    serial_claimed_before: 50,
    same_email: 15,
    same_address: 15,
    same_phone: 15,
    same_client_address: 5,
  } as Record<string, number>,
};

export function riskScore(checks: readonly CheckResult[], signals: readonly string[]): number {
  let score = 0;
  for (const check of checks) {
    if (check.id === 'exif_plausible' && check.outcome === 'unsure') continue; // absent EXIF is normal
    if (check.id === 'photo_unique' && check.outcome === 'fail') score += RISK_WEIGHTS.photoReused;
    else if (check.outcome === 'fail') score += RISK_WEIGHTS.fail;
    else if (check.outcome === 'unsure') score += RISK_WEIGHTS.unsure;
  }
  for (const signal of signals) score += RISK_WEIGHTS.signal[signal] ?? 10;
  return Math.min(100, score);
}
