import { type Kysely, sql } from 'kysely';
import { HOLDING_STATUSES } from '../../../shared/claim-rules.ts';
import { localize, pickLanguage } from '../../../shared/languages.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { CatalogSnapshot } from '../catalog/catalog-snapshot.ts';
import { queueMail } from '../notify/outbox.ts';
import { mailBrand } from '../notify/templates.ts';
import { type ClaimRow, issueAccessToken, statusUrl } from './claim-access.ts';
import { recordClaimEvent } from './claim-lifecycle.ts';

const ONE_HOUR = 3_600_000;

/**
 * E-mails the owner of `claim` an additional status link (the one they hold keeps working). Sent at most
 * once an hour per claim, so asking again and again cannot flood an owner's mailbox.
 */
export async function sendClaimLink(
  db: Kysely<Database>,
  claim: ClaimRow,
  snapshot: CatalogSnapshot,
  publicUrl: string,
  reason: string,
): Promise<void> {
  const recent = await db
    .selectFrom('outbox_message')
    .select('id')
    .where('claim_id', '=', claim.id)
    .where('template', '=', 'claim_link')
    .where('created_at', '>=', new Date(Date.now() - ONE_HOUR))
    .executeTakeFirst();
  if (recent) return;
  const token = await issueAccessToken(db, claim.id);
  const language = pickLanguage(claim.claimant.language);
  const campaign = snapshot.campaignById(claim.campaign_id);
  await queueMail(db, {
    claimId: claim.id,
    to: claim.claimant.email,
    language,
    template: 'claim_link',
    params: {
      name: claim.claimant.name,
      code: claim.code,
      statusUrl: statusUrl(publicUrl, claim.id, token),
      recall: campaign ? localize(campaign.definition.title, language) : '',
      brand: campaign ? mailBrand(campaign.definition) : undefined,
    },
  });
  await recordClaimEvent(db, { claimId: claim.id, actor: 'system', type: 'link_sent', detail: { reason } });
}

/**
 * The claim that holds a unit (one open or approved claim per unit), as a query. The statuses
 * are literals so that a generic plan can use the partial index claim_one_per_unit
 * (docs/decisions/0004-named-prepared-statements.md).
 */
export function unitHolderQuery(db: Kysely<Database>, campaignId: string, serial: string) {
  return db
    .selectFrom('claim')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('serial', '=', serial)
    .where('status', 'in', HOLDING_STATUSES.map(sql.lit));
}

/** The claim that holds a unit, if any. */
export function findUnitHolder(db: Kysely<Database>, campaignId: string, serial: string) {
  return unitHolderQuery(db, campaignId, serial).executeTakeFirst();
}

/**
 * The answer to a claim for a unit that `holder` holds: the owner of that claim gets its link
 * (the newcomer may well be them, having lost theirs); the caller learns only that it exists.
 */
export async function refuseDuplicateUnit(
  db: Kysely<Database>,
  holder: ClaimRow,
  snapshot: CatalogSnapshot,
  publicUrl: string,
): Promise<{ ok: false; refusal: AppError }> {
  await sendClaimLink(db, holder, snapshot, publicUrl, 'duplicate_attempt');
  return { ok: false, refusal: new AppError('claim_duplicate_unit') };
}
