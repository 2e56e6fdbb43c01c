import type { EvidenceKind } from '../../../shared/claim-rules.ts';
import type { TriagePolicy } from '../catalog/campaign-definition.ts';
import { type CheckResult, type ClaimFacts, labelChecks, markedChecks, qualityCheck } from './checks.ts';
import type { OcrResult } from './ocr.ts';
import type { ImageQuality } from './quality.ts';

/** What the evidence job stored about a photo (evidence.analysis). */
export interface StoredAnalysis {
  ocr: Pick<OcrResult, 'lines' | 'words' | 'angle'> | null;
  quality: ImageQuality;
}

/** The checks one photo can answer on its own: the instant feedback on the form, and half the verification. */
export function photoChecks(
  kind: EvidenceKind,
  analysis: StoredAnalysis,
  facts: ClaimFacts,
  policy: Pick<TriagePolicy, 'dateWindow'>,
): CheckResult[] {
  const quality = qualityCheck(analysis.quality);
  quality.detail.kind = kind;
  if (!analysis.ocr) return [quality];
  const read =
    kind === 'label'
      ? labelChecks(analysis.ocr, facts)
      : kind === 'marked'
        ? markedChecks(analysis.ocr, facts, policy.dateWindow)
        : [];
  return [...read, quality];
}

export interface FeedbackItem {
  check: string;
  outcome: CheckResult['outcome'];
  /** A key under `feedback.` in the message catalogs. */
  message: string;
}

/**
 * What the owner is told about a photo: one line per problem, each saying what to do.
 * Only problems a better photo can fix are named; a mismatch (another serial) is left to a person.
 */
export function feedbackFor(checks: readonly CheckResult[]): FeedbackItem[] {
  const items: FeedbackItem[] = [];
  for (const check of checks) {
    if (check.outcome === 'pass') continue;
    if (check.id === 'image_quality') {
      for (const problem of (check.detail.problems as string[] | undefined) ?? [])
        items.push({ check: check.id, outcome: check.outcome, message: problem });
    } else if (check.id === 'date_current' && check.outcome === 'fail') {
      items.push({ check: check.id, outcome: check.outcome, message: 'date_old' });
    } else if (check.detail.found === null || check.detail.found === undefined) {
      items.push({ check: check.id, outcome: check.outcome, message: check.id });
    }
  }
  return items;
}
