import type { EvidenceKind } from '../../../shared/claim-rules.ts';
import type { EvidenceFeedback } from '../../../shared/contracts/claims.ts';
import { translate } from '../../../shared/i18n/index.ts';
import type { Language } from '../../../shared/languages.ts';
import { AppError } from '../../errors.ts';
import type { CatalogCampaign, CatalogSnapshot } from '../catalog/catalog-snapshot.ts';
import { lookup } from '../catalog/lookup.ts';
import { everythingRead } from '../evidence/checks.ts';
import { destuttered } from '../evidence/matching.ts';
import {
  claimFacts,
  type FeedbackItem,
  feedbackFor,
  feedbackMessages,
  markedMustShow,
  photoChecks,
  type StoredAnalysis,
} from '../evidence/photo-feedback.ts';
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
      serialRead: null,
    };
  const campaign = deps.catalog.current().campaignById(claim.campaign_id);
  if (row.state === 'processing' || !row.analysis || !campaign)
    return { ...base, checks: [], messages: [], serialRead: null };
  const checks = photoChecks(
    row.kind as EvidenceKind,
    row.analysis as unknown as StoredAnalysis,
    claimFacts(claim, new Date(), campaign.definition.announcedOn),
    { ...campaign.definition.triage, mustShow: markedMustShow(campaign.definition) },
  );
  const problems = feedbackFor(checks).map((item) =>
    item.message === 'serial_other' ? listedSerialInstead(deps.catalog.current(), campaign, item) : item,
  );
  const messages = feedbackMessages(problems, language, claim.code);
  // "We could read…" only when it is true: every text the photo must show was read as expected.
  if (messages.length === 0 && everythingRead(checks))
    messages.push(translate(language, `feedback.ok_${row.kind}`));
  return {
    ...base,
    checks: checks.map((check) => ({ id: check.id, outcome: check.outcome })),
    messages,
    serialRead: serialReadInstead(problems),
  };
}

/** The other serial read on a label photo, for the form to offer it (null when none was). */
function serialReadInstead(problems: readonly FeedbackItem[]) {
  return problems.find((item) => item.message === 'serial_other')?.params?.found ?? null;
}

/**
 * What OCR read in the serial's place, as the recall lists it: the text itself, or with glyphs
 * read twice dropped (matching.ts destuttered), or one or two look-alike characters away. Only a listed serial is
 * offered to the owner; OCR's own reading of an unlisted one is not worth quoting.
 */
function listedSerialInstead(
  snapshot: CatalogSnapshot,
  campaign: CatalogCampaign,
  item: FeedbackItem,
): FeedbackItem {
  const read = item.params?.found ?? '';
  for (const candidate of destuttered(read)) {
    const hit = snapshot.find(candidate, null).find((h) => h.campaign.id === campaign.id && h.serial);
    if (hit?.serial) return { ...item, params: { ...item.params, found: hit.serial } };
    const [near] = lookup(snapshot, { serial: candidate }, 'en').suggestions.filter(
      (s) => s.campaign === campaign.slug,
    );
    if (near) return { ...item, params: { ...item.params, found: near.serial } };
  }
  return { ...item, message: 'serial_other_unlisted', params: { expected: item.params?.expected ?? '' } };
}
