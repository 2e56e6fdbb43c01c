import { randomInt } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import { minorDigits } from '../../../shared/money.ts';
import { parseCsv } from '../../csv.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { hashSecret, seal, unseal } from '../../secrets.ts';

/** Letters and digits nobody confuses when typing a code from an e-mail into a shop's checkout. */
const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A generated gift card or voucher code: 15 random characters (75 bits, from the OS's CSPRNG)
 * and a check character, in groups of four: a mistyped character or two swapped neighbours
 * are caught before the shop looks the code up.
 */
export function generateCode(prefix = ''): string {
  const body = Array.from({ length: 15 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  const code = `${body}${checkCharacter(body)}`;
  return `${prefix ? `${prefix}-` : ''}${code.match(/.{4}/g)?.join('-')}`;
}

/** Luhn mod N over the code alphabet (N = 32). */
export function checkCharacter(body: string): string {
  const n = CODE_ALPHABET.length;
  let factor = 2;
  let sum = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    let addend = factor * CODE_ALPHABET.indexOf(body[i] as string);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / n) + (addend % n);
    sum += addend;
  }
  return CODE_ALPHABET[(n - (sum % n)) % n] as string;
}

/** Whether a generated code (with or without its prefix and dashes) has the right check character. */
export function codeIsValid(code: string): boolean {
  const bare = code.replace(/-/g, '').toUpperCase().slice(-16);
  return bare.length === 16 && checkCharacter(bare.slice(0, 15)) === bare[15];
}

/**
 * Adds codes bought from the store platform to a campaign's pool: a CSV with a `code` column
 * and optionally `amount` (in major units, e.g. 30.00) and `currency`; without them the value of
 * the campaign's gift card (or voucher) remedy applies. Codes already in the pool are skipped.
 */
export async function importGiftCards(
  db: Kysely<Database>,
  campaign: { id: string; definition: CampaignDefinition },
  csv: string | Buffer,
  kind: 'gift_card' | 'voucher' = 'gift_card',
): Promise<{ id: string; added: number; skipped: number }> {
  const option = campaign.definition.jurisdictions
    .flatMap((j) => j.remedies)
    .find((remedy) => remedy.kind === kind && remedy.value);
  const rows = parseCsv(
    csv,
    ['code'],
    'The first line must be the header "code", optionally with amount and currency.',
  );
  const id = newId('gci');
  const values = rows.map((row, i) => {
    const currency = (row.currency || option?.value?.currency || '').toUpperCase();
    const digits = currency ? minorDigits(currency) : 2;
    const amount = row.amount ? Math.round(Number(row.amount) * 10 ** digits) : option?.value?.amountMinor;
    if (!row.code || !/^[A-Za-z0-9-]{4,64}$/.test(row.code))
      throw new AppError('import_refused', {
        reason: `line ${i + 2}: the code must be 4-64 letters, digits or dashes`,
      });
    if (amount === undefined || !Number.isFinite(amount) || amount <= 0 || !/^[A-Z]{3}$/.test(currency))
      throw new AppError('import_refused', {
        reason: `line ${i + 2}: no amount and currency, and the campaign's ${kind} has no value to fall back on`,
      });
    return {
      campaign_id: campaign.id,
      kind,
      code: seal(row.code),
      code_sha256: hashSecret(row.code),
      amount_minor: amount,
      currency,
      import_id: id,
    };
  });
  let added = 0;
  for (let i = 0; i < values.length; i += 1000) {
    const result = await db
      .insertInto('gift_card_code')
      .values(values.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['campaign_id', 'code_sha256']).doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return { id, added, skipped: values.length - added };
}

/**
 * Gives the claim a free code of the pool, or its own again if it has one already (a retried
 * job). Two workers never take the same code: SKIP LOCKED hands each a different row, and the
 * unique claim_id refuses a second code for a claim.
 */
export async function takeCode(
  db: Kysely<Database>,
  wanted: {
    campaignId: string;
    kind: 'gift_card' | 'voucher';
    claimId: string;
    amountMinor: number;
    currency: string;
  },
): Promise<{ code: string; remaining: number } | null> {
  const own = await db
    .selectFrom('gift_card_code')
    .select('code')
    .where('claim_id', '=', wanted.claimId)
    .executeTakeFirst();
  const taken =
    own ??
    (await db
      .updateTable('gift_card_code')
      .set({ claim_id: wanted.claimId, assigned_at: new Date() })
      .where(
        'id',
        '=',
        sql<string>`(SELECT id FROM gift_card_code WHERE campaign_id = ${wanted.campaignId} AND kind = ${wanted.kind}
          AND currency = ${wanted.currency} AND amount_minor = ${wanted.amountMinor} AND claim_id IS NULL
          ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)`,
      )
      .returning('code')
      .executeTakeFirst());
  if (!taken) return null;
  const left = await db
    .selectFrom('gift_card_code')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('campaign_id', '=', wanted.campaignId)
    .where('kind', '=', wanted.kind)
    .where('claim_id', 'is', null)
    .executeTakeFirstOrThrow();
  return { code: unseal(taken.code), remaining: Number(left.n) };
}

/** Codes left per campaign and value. */
export async function poolStatus(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('gift_card_code as g')
    .innerJoin('campaign as c', 'c.id', 'g.campaign_id')
    .select([
      'c.slug',
      'c.definition',
      'g.kind',
      'g.amount_minor',
      'g.currency',
      sql<string>`count(*) FILTER (WHERE g.claim_id IS NULL)`.as('free'),
      sql<string>`count(*) FILTER (WHERE g.claim_id IS NOT NULL)`.as('assigned'),
    ])
    .groupBy(['c.slug', 'c.definition', 'g.kind', 'g.amount_minor', 'g.currency'])
    .orderBy('c.slug')
    .execute();
  return rows.map((row) => ({
    /** At or under the campaign's lowPoolThreshold: time to buy more codes. */
    low: Number(row.free) <= lowPoolThreshold(row.definition as CampaignDefinition, row.kind),
    campaign: row.slug,
    kind: row.kind,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    free: Number(row.free),
    assigned: Number(row.assigned),
  }));
}

/** The threshold under which a campaign's pool counts as low (the code_pool provider's setting). */
export function lowPoolThreshold(campaign: CampaignDefinition, kind: string): number {
  for (const jurisdiction of campaign.jurisdictions)
    for (const remedy of jurisdiction.remedies)
      if (remedy.kind === kind && remedy.provider?.type === 'code_pool')
        return remedy.provider.lowPoolThreshold;
  return 0;
}
