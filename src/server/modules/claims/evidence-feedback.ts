import type { EvidenceKind } from '../../../shared/claim-rules.ts';
import type { EvidenceFeedback } from '../../../shared/contracts/claims.ts';
import { translate } from '../../../shared/i18n/index.ts';
import type { Language } from '../../../shared/languages.ts';
import { AppError } from '../../errors.ts';
import { claimFacts, feedbackFor, photoChecks, type StoredAnalysis } from '../evidence/photo-feedback.ts';
import { authorizeClaim } from './claim-access.ts';
import type { ClaimsDeps } from './claims-deps.ts';

/**
 * What the machine could read in one photo, for the form to show while the owner can still
 * retake it: each check of that photo with its outcome, and what to do about each problem, in
 * the owner's language. `state: processing` until the evidence job has read the photo.
 */
export async function evidenceFeedback(
  deps: ClaimsDeps,
  claimId: string,
  evidenceId: string,
  authorization: string | undefined,
  language: Language,
): Promise<EvidenceFeedback> {
  const claim = await authorizeClaim(deps.db.kysely, claimId, authorization);
  const row = await deps.db.kysely
    .selectFrom('evidence')
    .select(['id', 'kind', 'state', 'problem', 'analysis'])
    .where('id', '=', evidenceId)
    .where('claim_id', '=', claimId)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found');
  const base = { id: row.id, kind: row.kind, state: row.state, problem: row.problem };
  if (row.state === 'unreadable')
    return {
      ...base,
      checks: [],
      messages: [translate(language, `errors.${row.problem ?? 'photo_corrupt'}`, { max: 0 })],
    };
  const campaign = deps.catalog.current().campaignById(claim.campaign_id);
  if (row.state === 'processing' || !row.analysis || !campaign) return { ...base, checks: [], messages: [] };
  const checks = photoChecks(
    row.kind as EvidenceKind,
    row.analysis as unknown as StoredAnalysis,
    claimFacts(claim, new Date()),
    campaign.definition.triage,
  );
  const problems = feedbackFor(checks);
  const messages = [
    ...new Set(problems.map((item) => translate(language, `feedback.${item.message}`, { code: claim.code }))),
  ];
  if (messages.length === 0 && (row.kind === 'label' || row.kind === 'marked'))
    messages.push(translate(language, `feedback.ok_${row.kind}`));
  return {
    ...base,
    checks: checks.map((check) => ({ id: check.id, outcome: check.outcome })),
    messages,
  };
}
