import type { CampaignDefinition } from '../catalog/campaign-definition.ts';
import type { EvidenceKind } from './add-evidence.ts';

/**
 * The photos a claim needs before it can be submitted: the campaign's required photos when the
 * owner has the unit; a receipt (unless an order number was given) when they do not.
 */
export function requiredEvidence(
  campaign: CampaignDefinition,
  claim: { has_unit: boolean; order_number: string | null },
): EvidenceKind[] {
  if (claim.has_unit)
    return campaign.evidence.photos.filter((photo) => photo.required).map((photo) => photo.kind);
  return claim.order_number ? [] : ['receipt'];
}
