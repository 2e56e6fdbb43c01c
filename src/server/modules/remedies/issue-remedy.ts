import type { Kysely } from 'kysely';
import type { CampaignDefinition, CodeProvider } from '../../../shared/contracts/campaign-definition.ts';
import { translate } from '../../../shared/i18n/index.ts';
import { pickLanguage } from '../../../shared/languages.ts';
import { formatMoney } from '../../../shared/money.ts';
import type { Database } from '../../db/schema.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { JobHandlers } from '../../jobs/worker.ts';
import { seal } from '../../secrets.ts';
import { campaignDefinitionById } from '../catalog/catalog.queries.ts';
import type { ClaimRow } from '../claims/claim-access.ts';
import { queueMail } from '../notify/outbox.ts';
import { generateCode, takeCode } from './codes.ts';
import { issuedEvent, optionFor, type RemedyRow, remedyDone, setRemedyState } from './remedy-state.ts';

export interface IssueOptions {
  publicUrl: string;
  /** Called after an HTTP provider answered and before the answer is recorded (tests end the worker here). */
  afterProviderCall?: (remedyId: string) => void | Promise<void>;
}

/**
 * `remedy.issue`. Codes (gift cards, vouchers) are issued and sent; replacements wait for the
 * next shipment batch; refunds get their amount and wait for the next payout batch.
 *
 * Exactly once: the job works on the remedy's row under its lock and only from `pending` (or
 * `issuing`, for a provider call that may have happened); a code from the pool or a generated
 * one is recorded in the same transaction that takes it. An HTTP provider is called outside
 * any transaction with the remedy's idempotency key, after the row was marked `issuing`: a
 * worker that dies after the call and before recording leaves `issuing`, and the retry calls
 * again with the same key, which the provider answers with the same card.
 */
export function remedyJobHandlers(options: IssueOptions): JobHandlers {
  return {
    'remedy.issue': async (job, { db, logger }) => {
      const remedyId = job.payload.remedyId;
      const external = await db.transaction(async (tx) => {
        const k = tx.kysely;
        const remedy = await k
          .selectFrom('remedy')
          .selectAll()
          .where('id', '=', remedyId)
          .forUpdate()
          .executeTakeFirst();
        if (!remedy || (remedy.state !== 'pending' && remedy.state !== 'issuing')) return null;
        const claim = await k
          .selectFrom('claim')
          .selectAll()
          .where('id', '=', remedy.claim_id)
          .executeTakeFirstOrThrow();
        const campaign = await campaignDefinitionById(k, remedy.campaign_id);
        const { option } = optionFor(campaign, claim);
        switch (remedy.kind) {
          case 'replacement':
          case 'repair':
            await setRemedyState(k, remedyId, { state: 'ready_to_ship' });
            return null;
          case 'refund': {
            const amount = refundAmount(claim, option);
            if (!amount) {
              await setRemedyState(k, remedyId, { state: 'failed', failure_reason: 'refund_amount_unknown' });
              logger.warn(
                { remedy: remedyId },
                'refund without an amount: the owner stated no price and the campaign has no default',
              );
              return null;
            }
            await setRemedyState(k, remedyId, {
              state: 'ready_to_pay',
              amount_minor: amount.amountMinor,
              currency: amount.currency,
            });
            return null;
          }
          default: {
            if (remedy.amount_minor === null || !remedy.currency) {
              await setRemedyState(k, remedyId, { state: 'failed', failure_reason: 'no_value' });
              return null;
            }
            const provider: CodeProvider = option?.provider ?? { type: 'generated', prefix: '' };
            if (provider.type === 'http') {
              await setRemedyState(k, remedyId, { state: 'issuing' });
              return { remedy, claim, url: provider.url };
            }
            let code: string;
            if (provider.type === 'generated') code = generateCode(provider.prefix);
            else {
              const taken = await takeCode(k, {
                campaignId: remedy.campaign_id,
                kind: remedy.kind as 'gift_card' | 'voucher',
                claimId: claim.id,
                amountMinor: Number(remedy.amount_minor),
                currency: remedy.currency,
              });
              if (!taken) throw new PoolEmptyError(campaign.slug);
              if (taken.remaining === provider.lowPoolThreshold || taken.remaining === 0)
                await alertPoolLow(k, campaign, remedy.kind, taken.remaining, options.publicUrl);
              if (taken.remaining <= provider.lowPoolThreshold)
                logger.warn(
                  { campaign: campaign.slug, remaining: taken.remaining },
                  'gift card pool is running low: import more codes',
                );
              code = taken.code;
            }
            await recordIssued(k, remedy, claim, campaign, options.publicUrl, { code, externalRef: null });
            return null;
          }
        }
      });
      if (!external) return;
      const answer = await callProvider(external.url, external.remedy, external.claim);
      await options.afterProviderCall?.(remedyId);
      await db.transaction(async (tx) => {
        const remedy = await tx.kysely
          .selectFrom('remedy')
          .selectAll()
          .where('id', '=', remedyId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (remedy.state !== 'issuing') return;
        const campaign = await campaignDefinitionById(tx.kysely, remedy.campaign_id);
        await recordIssued(tx.kysely, remedy, external.claim, campaign, options.publicUrl, answer);
      });
    },
  };
}

export class PoolEmptyError extends Error {
  constructor(campaign: string) {
    super(`The gift card pool of ${campaign} is empty: import codes with recallkit giftcards import`);
  }
}

/** The owner's stated price (from the proof of purchase), else the campaign's default, plus any compensation. */
export function refundAmount(
  claim: Pick<ClaimRow, 'purchase_price_minor' | 'purchase_currency'>,
  option:
    | {
        value?: { amountMinor: number; currency: string } | undefined;
        compensation?: { amountMinor: number; currency: string } | undefined;
      }
    | undefined,
): { amountMinor: number; currency: string } | null {
  const base =
    claim.purchase_price_minor !== null && claim.purchase_currency
      ? { amountMinor: Number(claim.purchase_price_minor), currency: claim.purchase_currency }
      : (option?.value ?? null);
  if (!base) return null;
  const extra = option?.compensation?.currency === base.currency ? option.compensation.amountMinor : 0;
  return { amountMinor: base.amountMinor + extra, currency: base.currency };
}

/** A gift card provider over HTTP: POST with the remedy's idempotency key; answers `{ code, id }`. */
async function callProvider(
  url: string,
  remedy: RemedyRow,
  claim: ClaimRow,
): Promise<{ code: string; externalRef: string | null }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': remedy.idempotency_key },
    body: JSON.stringify({
      reference: remedy.id,
      claimCode: claim.code,
      kind: remedy.kind,
      amountMinor: Number(remedy.amount_minor),
      currency: remedy.currency,
      recipient: { name: claim.claimant.name, email: claim.claimant.email },
    }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok)
    throw new Error(
      `gift card provider answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
    );
  const body = (await response.json()) as { code?: string; id?: string };
  if (!body.code) throw new Error('gift card provider answered without a code');
  return { code: body.code, externalRef: body.id ?? null };
}

/** The owner has their code: record it, tell them in their language, close the claim, announce it. */
async function recordIssued(
  db: Kysely<Database>,
  remedy: RemedyRow,
  claim: ClaimRow,
  campaign: CampaignDefinition,
  publicUrl: string,
  issued: { code: string; externalRef: string | null },
) {
  await setRemedyState(db, remedy.id, {
    state: 'issued',
    code: seal(issued.code),
    external_ref: issued.externalRef,
    issued_at: new Date(),
  });
  const language = pickLanguage(claim.claimant.language);
  const amount = formatMoney(Number(remedy.amount_minor), remedy.currency as string, language);
  const store = campaign.brand?.storeName ?? translate(language, 'remedy.default_store');
  const message = translate(language, `remedy.${remedy.kind}`, { code: issued.code, amount, store });
  await remedyDone(db, claim, campaign, publicUrl, message, issuedEvent(claim, remedy));
}

/** Re-queues remedies that could not be issued for want of pool codes, once codes arrive. */
export async function retryWaitingForCodes(db: Kysely<Database>, campaignId: string): Promise<number> {
  const waiting = await db
    .selectFrom('remedy')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('state', '=', 'pending')
    .where('provider', '=', 'code_pool')
    .execute();
  for (const row of waiting)
    await enqueue(db, 'remedy.issue', { remedyId: row.id }, { singletonKey: row.id });
  return waiting.length;
}

/**
 * Tells the fulfilment team and the managers by e-mail that a pool reached its threshold (and
 * again when it is empty), in the transaction that took the code: once per crossing.
 */
async function alertPoolLow(
  db: Kysely<Database>,
  campaign: CampaignDefinition,
  kind: string,
  remaining: number,
  publicUrl: string,
) {
  const staff = await db
    .selectFrom('staff_user')
    .select(['email', 'name'])
    .where('role', 'in', ['fulfilment', 'manager'])
    .where('deactivated_at', 'is', null)
    .execute();
  const message =
    remaining === 0
      ? `The ${kind.replace('_', ' ')} pool of ${campaign.slug} is empty: approved claims wait for codes.`
      : `The ${kind.replace('_', ' ')} pool of ${campaign.slug} has ${remaining} code${remaining === 1 ? '' : 's'} left.`;
  for (const member of staff)
    await queueMail(db, {
      claimId: null,
      to: member.email,
      language: 'en',
      template: 'pool_low',
      params: {
        name: member.name,
        code: '',
        statusUrl: `${publicUrl}/console/fulfilment`,
        recall: campaign.slug,
        message,
      },
    });
}
