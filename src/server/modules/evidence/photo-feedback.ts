import type { EvidenceKind } from '../../../shared/claim-rules.ts';
import type { CampaignDefinition, TriagePolicy } from '../../../shared/contracts/campaign-definition.ts';
import { translate } from '../../../shared/i18n/index.ts';
import type { Language } from '../../../shared/languages.ts';
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
  ocr: Pick<OcrResult, 'lines' | 'words' | 'angle' | 'lattices'> | null;
  quality: ImageQuality;
}

/** What a claim says that its photos must show, checked as of `at`, for a recall announced on `announcedOn`. */
export function claimFacts(
  claim: { serial: string | null; model_code: string; code: string; claimant: { name: string } },
  at: Date,
  announcedOn: string,
): ClaimFacts {
  return {
    serial: claim.serial,
    model: claim.model_code,
    name: claim.claimant.name,
    code: claim.code,
    at,
    recallAnnounced: new Date(`${announcedOn}T00:00:00Z`),
  };
}

type MarkedItem = 'name' | 'date' | 'word_recalled' | 'claim_code';
const MARKED_CHECK: Record<MarkedItem, CheckResult['id']> = {
  name: 'name_present',
  date: 'date_current',
  word_recalled: 'word_recalled',
  claim_code: 'claim_code_present',
};

/** What the campaign asks to be written on the unit (its marked photo's mustShow; all four when unsaid). */
export function markedMustShow(definition: CampaignDefinition): readonly MarkedItem[] | undefined {
  return definition.evidence.photos.find((photo) => photo.kind === 'marked')?.mustShow;
}

/**
 * The checks one photo can answer on its own: the instant feedback on the form, and half the
 * verification. A marked photo is checked for what the campaign asks to be written, no more.
 */
export function photoChecks(
  kind: EvidenceKind,
  analysis: StoredAnalysis,
  facts: ClaimFacts,
  policy: Pick<TriagePolicy, 'dateWindow'> & { mustShow?: readonly MarkedItem[] | undefined },
): CheckResult[] {
  const quality = qualityCheck(analysis.quality);
  quality.detail.kind = kind;
  if (!analysis.ocr) return [quality];
  const read =
    kind === 'label'
      ? labelChecks(analysis.ocr, facts)
      : kind === 'marked'
        ? markedChecks(analysis.ocr, facts, policy.dateWindow).filter(
            (check) => !policy.mustShow || policy.mustShow.some((item) => MARKED_CHECK[item] === check.id),
          )
        : [];
  return [...read, quality];
}

export interface FeedbackItem {
  check: string;
  outcome: CheckResult['outcome'];
  /** A key under `feedback.` in the message catalogs. */
  message: string;
  /** Its placeholders, beyond the claim code. */
  params?: Record<string, string>;
}

/**
 * What the owner is told about a photo: one line per problem a better photo can fix (see
 * needsRetake), each saying what to do; an old date, which they can write again; and another
 * serial read on the label, which the owner can fix on either side (issue 23). Other mismatches
 * are left to a person.
 */
export function feedbackFor(checks: readonly CheckResult[]): FeedbackItem[] {
  const items: FeedbackItem[] = [];
  // A photo whose every text was read is good enough, however bright or small it is.
  const readable = everythingRead(checks);
  for (const check of checks) {
    if (check.id === 'image_quality' && readable) continue;
    const item = (message: string) => items.push({ check: check.id, outcome: check.outcome, message });
    if (check.id === 'date_current' && check.outcome === 'fail') item('date_old');
    else if (
      check.id === 'serial_matches' &&
      check.outcome === 'fail' &&
      typeof check.detail.found === 'string'
    )
      items.push({
        check: check.id,
        outcome: check.outcome,
        message: 'serial_other',
        params: { found: check.detail.found, expected: String(check.detail.expected ?? '') },
      });
    else if (!needsRetake(check)) continue;
    else if (check.id === 'image_quality')
      for (const problem of (check.detail.problems as string[] | undefined) ?? []) item(problem);
    else item(check.id);
  }
  return items;
}

/** The feedback items as the owner reads them, in their language, each once. */
export function feedbackMessages(items: readonly FeedbackItem[], language: Language, code: string): string[] {
  return [
    ...new Set(
      items.map((item) => translate(language, `feedback.${item.message}`, { code, ...item.params })),
    ),
  ];
}
