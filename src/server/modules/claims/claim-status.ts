import type { Selectable } from 'kysely';
import { pickJurisdiction } from '../../../shared/claim-rules.ts';
import type { ClaimStatusResponse } from '../../../shared/contracts/claims.ts';
import { type Language, localize } from '../../../shared/languages.ts';
import type { EvidenceTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { authorizeClaim } from './claim-access.ts';
import type { ClaimsDeps } from './claims-deps.ts';
import { requiredEvidence } from './required-evidence.ts';

/** What the owner's status page shows: where the claim is, what happened, what is needed next. */
export async function claimStatus(
  deps: ClaimsDeps,
  claimId: string,
  authorization: string | undefined,
  language: Language,
): Promise<ClaimStatusResponse> {
  const claim = await authorizeClaim(deps.db.kysely, claimId, authorization);
  const campaign = deps.catalog.current().campaignById(claim.campaign_id);
  if (!campaign) throw new AppError('claim_not_found');
  const [evidence, events, fulfilment] = await Promise.all([
    deps.db.kysely
      .selectFrom('evidence')
      .select(['id', 'kind', 'state', 'problem', 'format', 'bytes', 'width', 'height', 'created_at'])
      .where('claim_id', '=', claimId)
      .where('replaced_at', 'is', null)
      .orderBy('created_at')
      .execute(),
    deps.db.kysely
      .selectFrom('claim_event')
      .select(['at', 'type', 'to_status', 'detail'])
      .where('claim_id', '=', claimId)
      .orderBy('id')
      .execute(),
    deps.hooks.remedyForOwner(deps.db.kysely, claimId),
  ]);
  const required = requiredEvidence(campaign.definition, claim);
  const present = new Set(evidence.map((e) => e.kind));
  const missing = required.filter((kind) => !present.has(kind));
  const jurisdiction = pickJurisdiction(campaign.definition.jurisdictions, claim.claimant.country);
  const disposal = jurisdiction?.disposal;
  const confirmBeforeRemedy = disposal?.confirmBeforeRemedy ?? false;
  const next =
    fulfilment?.state === 'awaiting_return'
      ? 'return_unit'
      : fulfilment?.state === 'awaiting_disposal'
        ? 'confirm_disposal'
        : claim.status === 'draft'
          ? missing.length > 0
            ? 'add_evidence'
            : 'submit'
          : claim.status === 'needs_info'
            ? 'provide_info'
            : ['rejected', 'fulfilled', 'withdrawn'].includes(claim.status)
              ? 'none'
              : 'wait';
  return {
    id: claim.id,
    code: claim.code,
    status: claim.status,
    campaign: { slug: campaign.slug, title: localize(campaign.definition.title, language) },
    model: claim.model_code,
    serial: claim.serial,
    remedy: claim.remedy as ClaimStatusResponse['remedy'],
    hasUnit: claim.has_unit,
    claimantName: claim.claimant.name,
    returnRequired: jurisdiction?.returnRequired ?? false,
    createdAt: claim.created_at.toISOString(),
    submittedAt: claim.submitted_at?.toISOString() ?? null,
    expiresAt: claim.expires_at?.toISOString() ?? null,
    evidence: evidence.map(presentEvidence),
    requiredEvidence: required,
    disposal: {
      method: disposal?.method ?? 'hazardous_waste_drop_off',
      dropOffFinderUrl: disposal?.dropOffFinderUrl ?? null,
      confirmBeforeRemedy,
      attestedAt: claim.disposal_attested_at?.toISOString() ?? null,
      confirmedAt: claim.disposal_confirmed_at?.toISOString() ?? null,
    },
    missingEvidence: missing,
    next,
    fulfilment,
    timeline: events.map((event) => ({
      at: event.at.toISOString(),
      type: event.type,
      status: event.to_status,
      note: typeof event.detail.message === 'string' ? event.detail.message : null,
    })),
  };
}

/** The display copy (metadata stripped) of one of the claim's photos. */
export async function claimPhoto(
  deps: ClaimsDeps,
  claimId: string,
  evidenceId: string,
  authorization: string | undefined,
) {
  await authorizeClaim(deps.db.kysely, claimId, authorization);
  const row = await deps.db.kysely
    .selectFrom('evidence')
    .select('display_key')
    .where('id', '=', evidenceId)
    .where('claim_id', '=', claimId)
    .executeTakeFirst();
  const data = row?.display_key && (await deps.blobs.get(row.display_key));
  if (!data) throw new AppError('not_found');
  return data;
}

/** A photo as the API shows it (the owner's status, the reviewer's claim view). */
export function presentEvidence(e: {
  id: string;
  kind: EvidenceRow['kind'];
  state: EvidenceRow['state'];
  problem: string | null;
  format: string;
  bytes: number;
  width: number;
  height: number;
  created_at: Date;
}) {
  return {
    id: e.id,
    kind: e.kind,
    state: e.state,
    problem: e.problem,
    format: e.format,
    bytes: e.bytes,
    width: e.width,
    height: e.height,
    createdAt: e.created_at.toISOString(),
  };
}

type EvidenceRow = Selectable<EvidenceTable>;
