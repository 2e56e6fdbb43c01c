/**
 * Claim rules the server enforces and the claim form shows before the owner hits them. One
 * copy, so the form never disagrees with the API.
 */

/** The jurisdiction whose rules apply in `country`: its own entry, else the `*` entry. */
export function pickJurisdiction<T extends { country: string }>(
  jurisdictions: readonly T[],
  country: string | null | undefined,
): T | undefined {
  const exact = country ? jurisdictions.find((j) => j.country === country) : undefined;
  return exact ?? jurisdictions.find((j) => j.country === '*');
}

export type EvidenceKind = 'label' | 'marked' | 'receipt' | 'disposal';

/**
 * The photos a claim needs before it can be submitted: the campaign's required photos when the
 * owner has the unit; a receipt (unless an order number was given) when they do not.
 */
export function requiredEvidenceKinds(
  photos: readonly { kind: EvidenceKind; required: boolean }[],
  owner: { hasUnit: boolean; hasOrderNumber: boolean },
): EvidenceKind[] {
  if (owner.hasUnit) return photos.filter((photo) => photo.required).map((photo) => photo.kind);
  return owner.hasOrderNumber ? [] : ['receipt'];
}

/**
 * Statuses in which a claim holds its unit: a second claim for the serial is refused (the
 * partial unique index claim_one_per_unit says the same in SQL).
 */
export const HOLDING_STATUSES = [
  'submitted',
  'verifying',
  'needs_review',
  'needs_info',
  'escalated',
  'second_review',
  'approved',
  'fulfilling',
  'fulfilled',
] as const;

/** Claims whose owner can still confirm the drop-off (or send its receipt): holding, and not yet fulfilled. */
export const DISPOSAL_CONFIRMABLE: ReadonlySet<string> = new Set(
  HOLDING_STATUSES.filter((status) => status !== 'fulfilled'),
);

/** Every status a sent claim can be found in (console "Find claims"; drafts are the owner's). */
export const FOUND_STATUSES = [
  'submitted',
  'verifying',
  'needs_review',
  'needs_info',
  'escalated',
  'second_review',
  'approved',
  'rejected',
  'fulfilling',
  'fulfilled',
  'withdrawn',
] as const;
