import { jurisdictionFor } from '../../../shared/contracts/campaign-definition.ts';
import type { CreateClaimBody, CreateClaimResponse } from '../../../shared/contracts/claims.ts';
import { localize, pickLanguage } from '../../../shared/languages.ts';
import { AppError, type Outcome } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { jobRow } from '../../jobs/queue.ts';
import { claimsOpen } from '../catalog/lookup.ts';
import { normaliseModelCode, normaliseSerial } from '../catalog/serial.ts';
import { queueMail } from '../notify/outbox.ts';
import { mailBrand } from '../notify/templates.ts';
import { issueAccessToken, newAccessToken, newClaimCode, statusUrl } from './claim-access.ts';
import { claimEventRow } from './claim-lifecycle.ts';
import type { ClaimsDeps } from './claims-deps.ts';
import { withIdempotency } from './idempotency.ts';
import { findUnitHolder, refuseDuplicateUnit } from './send-claim-link.ts';
import { addressKey, checkClaimVelocity, emailKey } from './velocity.ts';

export type CreatedClaim = CreateClaimResponse;

/**
 * Opens a draft claim for an affected unit. The owner then uploads photos and submits. Refuses
 * (with a reason the owner can act on) a unit that is not recalled, a remedy not offered where
 * they live, a missing address for a shipped remedy, a unit already claimed, and too many
 * claims from one e-mail, address or network.
 */
export async function createClaim(
  deps: ClaimsDeps,
  body: CreateClaimBody,
  request: { clientAddress: string | null; idempotencyKey: string | undefined },
): Promise<Outcome<CreatedClaim>> {
  const snapshot = deps.catalog.current();
  const campaign = snapshot.campaign(body.campaign);
  if (!campaign) throw new AppError('campaign_not_found');
  if (!claimsOpen(campaign, new Date())) throw new AppError('claims_closed');

  const normalised = normaliseSerial(body.serial);
  if (!normalised.ok) throw new AppError(normalised.problem);
  const model = normaliseModelCode(body.model);
  if (!model) throw new AppError('unit_not_affected');
  const hit = snapshot.find(normalised.serial, model).find((h) => h.campaign.id === campaign.id);
  if (!hit || (hit.matchedBy === 'serial' && hit.modelCode !== model))
    throw new AppError('unit_not_affected');
  const serial = hit.serial; // canonical, or null for a whole-model recall

  const jurisdiction = jurisdictionFor(campaign.definition, body.claimant.country);
  if (!jurisdiction)
    throw new AppError('country_not_covered', {
      countries: campaign.definition.jurisdictions.map((j) => j.country).join(', '),
    });
  if (!jurisdiction.remedies.some((remedy) => remedy.kind === body.remedy))
    throw new AppError('remedy_not_offered');
  if ((body.remedy === 'replacement' || jurisdiction.returnRequired) && !body.address)
    throw new AppError('address_required');

  const keys = {
    email: emailKey(body.claimant.email),
    address: body.address ? addressKey(body.address) : null,
    client: request.clientAddress,
  };
  const openDraft = (code: string) =>
    deps.db.transaction((tx) =>
      withIdempotency<CreatedClaim>(
        tx,
        'claim.create',
        request.idempotencyKey,
        body,
        async () => {
          if (serial !== null) {
            const holder = await findUnitHolder(tx.kysely, campaign.id, serial);
            if (holder) return refuseDuplicateUnit(tx.kysely, holder, snapshot, deps.config.publicUrl);
          }
          await checkClaimVelocity(tx.kysely, deps.config.claimLimits, keys);

          const id = newId('clm');
          const expiresAt = new Date(Date.now() + deps.config.draftTtlHours * 3_600_000);
          // The claim, its secret, its timeline and its expiry job in one statement (the foreign keys
          // are checked at its end, when the claim row is there).
          const { token, row: tokenRow } = newAccessToken(id);
          await tx.kysely
            .with('claim_row', (db) =>
              db
                .insertInto('claim')
                .values({
                  id,
                  code,
                  campaign_id: campaign.id,
                  serial,
                  model_code: model,
                  has_unit: body.hasUnit,
                  remedy: body.remedy,
                  status: 'draft',
                  claimant: JSON.stringify(body.claimant),
                  email_key: keys.email,
                  address: body.address ? JSON.stringify(body.address) : null,
                  address_key: keys.address,
                  client_address: keys.client,
                  order_number: body.orderNumber ?? null,
                  purchase_price_minor: body.purchasePrice?.amountMinor ?? null,
                  purchase_currency: body.purchasePrice?.currency ?? null,
                  incident_description: body.incidentDescription ?? null,
                  expires_at: expiresAt,
                })
                .returning('id'),
            )
            .with('token_row', (db) => db.insertInto('claim_token').values(tokenRow).returning('claim_id'))
            .with('event_row', (db) =>
              db
                .insertInto('claim_event')
                .values(claimEventRow({ claimId: id, actor: 'owner', type: 'created', to: 'draft' }))
                .returning('id'),
            )
            .insertInto('job')
            .values(jobRow('claim.expire_draft', { claimId: id }, { runAt: expiresAt, singletonKey: id }))
            .execute();
          // The code in writing, with a link back to the draft, in case the page is lost before it is sent.
          const language = pickLanguage(body.claimant.language);
          await queueMail(tx.kysely, {
            claimId: id,
            to: body.claimant.email,
            language,
            template: 'claim_started',
            params: {
              name: body.claimant.name,
              code,
              statusUrl: statusUrl(deps.config.publicUrl, id, token),
              recall: localize(campaign.definition.title, language),
              brand: mailBrand(campaign.definition),
            },
          });
          return {
            ok: true,
            value: {
              id,
              code,
              status: 'draft',
              accessToken: token,
              statusUrl: statusUrl(deps.config.publicUrl, id, token),
              expiresAt: expiresAt.toISOString(),
            },
          };
        },
        {
          // The stored answer keeps no bearer token; a retry gets a fresh one (an additional link).
          keep: ({ accessToken: _token, statusUrl: _url, ...rest }) => rest,
          replay: async (stored) => {
            const kept = stored as Omit<CreatedClaim, 'accessToken' | 'statusUrl'>;
            const token = await issueAccessToken(tx.kysely, kept.id);
            return {
              ...kept,
              accessToken: token,
              statusUrl: statusUrl(deps.config.publicUrl, kept.id, token),
            };
          },
        },
      ),
    );
  // A claim code is one of 24^8, drawn at random, and the database's unique index checks it: in
  // the rare case one is taken, the draft is opened again with another (a round trip less for
  // every claim than asking first).
  const makeCode = deps.claimCode ?? newClaimCode;
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await openDraft(makeCode());
      deps.jobsQueued?.();
      return created;
    } catch (error) {
      const taken = (error as { constraint?: string }).constraint === 'claim_code_key';
      if (!taken || attempt === 5) throw error;
    }
  }
}
