import { pickJurisdiction } from '../../../shared/claim-rules.ts';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';

/**
 * Why an approval of this claim must wait for a supervisor's confirmation (four eyes), or an
 * empty list. Four eyes guard what costs the recall money: approvals, not rejections or
 * requests for a new photo.
 */
export function secondReviewReasons(
  campaign: CampaignDefinition,
  claim: { risk_score: number | null; remedy: string; claimant: { country: string } },
  options: { qualitySample?: boolean } = {},
): string[] {
  const policy = campaign.triage.secondReview;
  const reasons: string[] = [];
  if (options.qualitySample) reasons.push('quality_sample');
  if ((claim.risk_score ?? 0) > policy.riskScoreAbove) reasons.push('risk_score');
  if (claim.remedy === 'refund' && policy.refundAboveMinor !== undefined) {
    const option = pickJurisdiction(campaign.jurisdictions, claim.claimant.country)?.remedies.find(
      (remedy) => remedy.kind === 'refund',
    );
    const amount = option?.value?.amountMinor;
    if (amount === undefined || amount > policy.refundAboveMinor) reasons.push('refund_amount');
  }
  return reasons;
}
