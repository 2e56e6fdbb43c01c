import { type EvidenceKind, requiredEvidenceKinds } from '../../../shared/claim-rules.ts';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';

/** The photos this claim needs before it can be submitted (see requiredEvidenceKinds). */
export function requiredEvidence(
  campaign: CampaignDefinition,
  claim: { has_unit: boolean; order_number: string | null },
): EvidenceKind[] {
  return requiredEvidenceKinds(campaign.evidence.photos, {
    hasUnit: claim.has_unit,
    hasOrderNumber: Boolean(claim.order_number),
  });
}
