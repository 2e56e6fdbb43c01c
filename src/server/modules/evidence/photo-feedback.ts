import type { EvidenceKind } from '../../../shared/claim-rules.ts';
import type { TriagePolicy } from '../../../shared/contracts/campaign-definition.ts';
import {
  type CheckResult,
  type ClaimFacts,
  everythingRead,
  labelChecks,
  markedChecks,
  needsRetake,
  qualityCheck,
} from './checks.ts';
import type { OcrResult } from './ocr.ts';
import type { ImageQuality } from './quality.ts';

/** What the evidence job stored about a photo (evidence.analysis). */
export interface StoredAnalysis {
  ocr: Pick<OcrResult, 'lines' | 'words' | 'angle'> | null;
  quality: ImageQuality;
}

/** What a claim says that its photos must show, checked as of `at`. */
export function claimFacts(
  claim: { serial: string | null; model_code: string; code: string; claimant: { name: string } },
  at: Date,
): ClaimFacts {
  return { serial: claim.serial, model: claim.model_code, name: claim.claimant.name, code: claim.code, at };
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
 * What the owner is told about a photo: one line per problem a better photo can fix (see
 * needsRetake), each saying what to do, and an old date, which they can write again. Other
 * mismatches (another serial) are left to a person.
 */
export function feedbackFor(checks: readonly CheckResult[]): FeedbackItem[] {
  const items: FeedbackItem[] = [];
  // A photo whose every text was read is good enough, however bright or small it is.
  const readable = everythingRead(checks);
  for (const check of checks) {
    if (check.id === 'image_quality' && readable) continue;
    const item = (message: string) => items.push({ check: check.id, outcome: check.outcome, message });
    if (check.id === 'date_current' && check.outcome === 'fail') item('date_old');
    else if (!needsRetake(check)) continue;
    else if (check.id === 'image_quality')
      for (const problem of (check.detail.problems as string[] | undefined) ?? []) item(problem);
    else item(check.id);
  }
  return items;
}
