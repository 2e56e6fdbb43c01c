import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import { translate } from '../../../shared/i18n/index.ts';
import { localize, pickLanguage } from '../../../shared/languages.ts';
import type { Tx } from '../../db/database.ts';
import type { ClaimStatus } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { campaignDefinitionById } from '../catalog/catalog.queries.ts';
import type { ClaimRow } from '../claims/claim-access.ts';
import { approveClaim, type ClaimHooks, transitionClaim } from '../claims/claim-lifecycle.ts';
import { mailOwner } from '../claims/mail-owner.ts';
import { secondReviewReasons } from '../claims/second-review.ts';
import { type AuditActor, recordAudit } from '../staff/audit.ts';
import type { StaffRow } from '../staff/staff-accounts.ts';
import { emitEvent } from '../webhooks/webhooks.ts';
import {
  allowedActions,
  claimVersion,
  INFO_REASONS,
  lockClaim,
  pendingDecision,
  type ReviewAction,
} from './review-claim.ts';

export interface DecisionInput {
  action: ReviewAction;
  /** reject: a code of the campaign's rejectReasons; request_info: what to redo (INFO_REASONS). */
  reason?: string | undefined;
  /** To the owner (reject, request_info), added to the reason's text; an internal note otherwise. */
  message?: string | undefined;
  /** The claim's version when the reviewer opened it: a decision on a claim that changed since is refused. */
  version?: string | undefined;
}

export interface DecisionOutcome {
  status: ClaimStatus;
  /** The decision waits for a supervisor (four eyes). */
  awaitingSecondReview: boolean;
  version: string;
}

const EFFECT: Record<ReviewAction, ClaimStatus> = {
  approve: 'approved',
  reject: 'rejected',
  request_info: 'needs_info',
  escalate: 'escalated',
};

/**
 * A person's decision on a claim, in one transaction with the claim's row locked: the status,
 * the decision with its reason, the owner's e-mail in their language, and the audit record. A
 * claim someone else has open, or that changed since it was opened, is refused with a conflict.
 * Where the campaign asks for four eyes, an approval waits in `second_review` for a supervisor,
 * who confirms it (the same action) or overturns it (another).
 */
export async function decideClaim(
  tx: Tx,
  context: { publicUrl: string; hooks: ClaimHooks },
  staff: StaffRow,
  actor: AuditActor,
  claimId: string,
  input: DecisionInput,
): Promise<DecisionOutcome> {
  const db = tx.kysely;
  const claim = await lockClaim(db, claimId);
  const pending = claim.status === 'second_review' ? await pendingDecision(db, claimId) : undefined;
  const allowed = allowedActions(claim, staff, pending);
  if (!allowed.includes(input.action)) {
    if (claim.status === 'second_review' && pending?.actor === `staff:${staff.id}`)
      throw new AppError('second_review_same_person');
    if (allowed.length === 0 && ['escalated', 'second_review'].includes(claim.status))
      throw new AppError('forbidden');
    throw new AppError('claim_not_decidable', { status: claim.status });
  }
  if (
    claim.review_by &&
    claim.review_by !== staff.id &&
    claim.review_until &&
    claim.review_until > new Date()
  ) {
    const holder = await db
      .selectFrom('staff_user')
      .select('name')
      .where('id', '=', claim.review_by)
      .executeTakeFirst();
    throw new AppError('claim_in_review', { name: holder?.name ?? 'Someone' });
  }
  if (input.version !== undefined && input.version !== (await claimVersion(db, claimId)))
    throw new AppError('claim_changed');

  const campaign = await campaignDefinitionById(db, claim.campaign_id);
  const ownerMessage = messageForOwner(campaign, claim, input);
  const by = `staff:${staff.id}`;
  const recordDecision = (state: 'final' | 'pending', reasons: string[]) =>
    db
      .insertInto('decision')
      .values({
        claim_id: claimId,
        actor: by,
        action: input.action,
        reason_code: input.reason ?? null,
        reasons: JSON.stringify(reasons),
        message: ownerMessage ?? input.message ?? null,
        state,
      })
      .execute();

  let awaitingSecondReview = false;
  if (pending) {
    const confirmed = pending.action === input.action;
    await db
      .updateTable('decision')
      .set({ state: confirmed ? 'confirmed' : 'overturned', confirmed_by: by, confirmed_at: new Date() })
      .where('id', '=', pending.id)
      .execute();
    await recordDecision('final', [confirmed ? 'second_review_confirmed' : 'second_review_overturned']);
  } else {
    const waitFor = input.action === 'approve' ? secondReviewReasons(campaign, claim) : [];
    awaitingSecondReview = waitFor.length > 0;
    await recordDecision(awaitingSecondReview ? 'pending' : 'final', waitFor);
  }
  const to = awaitingSecondReview ? 'second_review' : EFFECT[input.action];
  const detail = {
    action: input.action,
    ...(input.reason ? { reason: input.reason } : {}),
    ...(ownerMessage ? { message: ownerMessage } : {}),
  };
  if (to === 'approved')
    await approveClaim(db, context, claim, campaign, { from: claim.status, actor: by, detail });
  else await transitionClaim(db, claimId, claim.status, to, by, detail);
  await db
    .updateTable('claim')
    .set({ review_by: null, review_until: null })
    .where('id', '=', claimId)
    .execute();
  if (to === 'rejected') {
    await mailOwner(db, claim, campaign, context.publicUrl, 'rejected', ownerMessage);
    await emitEvent(db, 'claim.rejected', {
      claimId,
      code: claim.code,
      campaign: campaign.slug,
      reason: input.reason,
    });
  }
  if (to === 'needs_info')
    await mailOwner(db, claim, campaign, context.publicUrl, 'info_needed', ownerMessage);
  await recordAudit(
    db,
    actor,
    'claim.decided',
    { type: 'claim', id: claimId },
    {
      action: input.action,
      reason: input.reason ?? null,
      from: claim.status,
      to,
      ...(pending ? { secondReviewOf: String(pending.id) } : {}),
    },
  );
  return { status: to, awaitingSecondReview, version: await claimVersion(db, claimId) };
}

/** What the owner is told, in their language: the reason's text, then the reviewer's own words. */
function messageForOwner(
  campaign: CampaignDefinition,
  claim: ClaimRow,
  input: DecisionInput,
): string | undefined {
  const language = pickLanguage(claim.claimant.language);
  const note = input.message?.trim();
  if (input.action === 'reject') {
    if (!input.reason) throw new AppError('reason_required');
    const reason = campaign.rejectReasons.find((r) => r.code === input.reason);
    if (!reason)
      throw new AppError('reason_unknown', { reasons: campaign.rejectReasons.map((r) => r.code).join(', ') });
    return [localize(reason.label, language), note].filter(Boolean).join('\n\n');
  }
  if (input.action === 'request_info') {
    if (!input.reason) throw new AppError('reason_required');
    if (!INFO_REASONS.includes(input.reason))
      throw new AppError('reason_unknown', { reasons: INFO_REASONS.join(', ') });
    return [translate(language, `feedback.${input.reason}`, { code: claim.code }), note]
      .filter(Boolean)
      .join('\n\n');
  }
  return undefined;
}
