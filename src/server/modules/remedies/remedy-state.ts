import type { Kysely, Selectable } from 'kysely';
import { pickJurisdiction } from '../../../shared/claim-rules.ts';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import type { ClaimStatus, Database, RemedyTable } from '../../db/schema.ts';
import type { ClaimRow } from '../claims/claim-access.ts';
import { transitionClaim } from '../claims/claim-lifecycle.ts';
import { mailOwner } from '../claims/mail-owner.ts';
import { emitEvent, type WebhookEvent } from '../webhooks/webhooks.ts';

export type RemedyRow = Selectable<RemedyTable>;

/** The claim statuses a remedy moves a claim through. */
export const OPEN: ClaimStatus[] = ['approved', 'fulfilling'];

/** Moves a claim along with its remedy, while it is still approved or fulfilling. */
export async function moveClaim(
  db: Kysely<Database>,
  claim: Pick<ClaimRow, 'id'>,
  to: ClaimStatus,
  detail: Record<string, unknown>,
) {
  const current = await db
    .selectFrom('claim')
    .select('status')
    .where('id', '=', claim.id)
    .executeTakeFirstOrThrow();
  if (current.status !== to && OPEN.includes(current.status))
    await transitionClaim(db, claim.id, current.status, to, 'system', detail);
}

export function optionFor(campaign: CampaignDefinition, claim: Pick<ClaimRow, 'remedy' | 'claimant'>) {
  const jurisdiction = pickJurisdiction(campaign.jurisdictions, claim.claimant.country);
  return { jurisdiction, option: jurisdiction?.remedies.find((remedy) => remedy.kind === claim.remedy) };
}

export function setRemedyState(
  db: Kysely<Database>,
  remedyId: string,
  values: Partial<Record<keyof RemedyTable, unknown>>,
) {
  return db
    .updateTable('remedy')
    .set({ ...(values as object), updated_at: new Date() })
    .where('id', '=', remedyId)
    .execute();
}

/** The `remedy.issued` event of a code sent or a refund paid. */
export function issuedEvent(
  claim: Pick<ClaimRow, 'id' | 'code'>,
  remedy: Pick<RemedyRow, 'id' | 'kind' | 'amount_minor' | 'currency'>,
): { type: WebhookEvent; data: Record<string, unknown> } {
  return {
    type: 'remedy.issued',
    data: {
      claimId: claim.id,
      code: claim.code,
      remedy: {
        id: remedy.id,
        kind: remedy.kind,
        amountMinor: Number(remedy.amount_minor),
        currency: remedy.currency,
      },
    },
  };
}

/**
 * The remedy reached the owner (code sent, parcel shipped, money paid): mail them, the claim is
 * fulfilled, and the event is announced.
 */
export async function remedyDone(
  db: Kysely<Database>,
  claim: Pick<ClaimRow, 'id' | 'code' | 'claimant'>,
  campaign: Pick<CampaignDefinition, 'title' | 'brand'>,
  publicUrl: string,
  message: string,
  event: { type: WebhookEvent; data: Record<string, unknown> },
) {
  await mailOwner(db, claim, campaign, publicUrl, 'remedy_sent', message);
  await moveClaim(db, claim, 'fulfilled', {});
  await emitEvent(db, event.type, event.data);
}
