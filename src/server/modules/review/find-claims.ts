import { type Kysely, sql } from 'kysely';
import type { ClaimSearchQuery, FoundClaim } from '../../../shared/contracts/console/review.ts';
import { FOUND_STATUSES } from '../../../shared/contracts/console/review.ts';
import type { Database } from '../../db/schema.ts';
import { normaliseSerial } from '../catalog/serial.ts';
import { emailKey } from '../claims/velocity.ts';

const CODE = /^RK-?([A-Z0-9]{4})-?([A-Z0-9]{4})$/;

/**
 * Any claim that has been sent, whatever its status, by what a caller has in hand: its claim
 * code, the owner's e-mail, the serial, the order number, or the start of the owner's name.
 * Each of these is an indexed lookup (migration 0015), so it stays quick on millions of claims;
 * without `q`, the newest claims of the filters. Newest first.
 */
export async function findClaims(
  db: Kysely<Database>,
  query: ClaimSearchQuery,
): Promise<{ claims: FoundClaim[]; more: boolean }> {
  let select = db
    .selectFrom('claim as c')
    .innerJoin('campaign as cp', 'cp.id', 'c.campaign_id')
    .select([
      'c.id',
      'c.code',
      'c.status',
      'cp.slug as campaign',
      'c.model_code',
      'c.serial',
      'c.remedy',
      'c.claimant',
      'c.order_number',
      'c.created_at',
      'c.submitted_at',
      'c.updated_at',
    ])
    .where('c.status', 'in', query.status ? [query.status] : [...FOUND_STATUSES]);
  if (query.campaign) select = select.where('cp.slug', '=', query.campaign);
  const q = query.q ?? '';
  if (q !== '') {
    const upper = q.toUpperCase().replace(/\s+/g, '');
    const code = CODE.exec(upper);
    const serial = normaliseSerial(q);
    select = select.where((eb) => {
      const any = [];
      if (code) any.push(eb('c.code', '=', `RK-${code[1]}-${code[2]}`));
      if (q.includes('@')) any.push(eb('c.email_key', '=', emailKey(q)));
      if (serial.ok) any.push(eb('c.serial', '=', serial.serial));
      any.push(eb('c.order_number', '=', q));
      if (!code && !q.includes('@'))
        any.push(eb(sql`lower(c.claimant->>'name')`, 'like', `${escapeLike(q.toLowerCase())}%`));
      return eb.or(any);
    });
  }
  const rows = await select
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return {
    more: rows.length > query.limit,
    claims: rows.slice(0, query.limit).map((row) => ({
      id: row.id,
      code: row.code,
      status: row.status,
      campaign: row.campaign,
      model: row.model_code,
      serial: row.serial,
      remedy: row.remedy,
      claimantName: row.claimant.name,
      email: row.claimant.email,
      country: row.claimant.country,
      orderNumber: row.order_number,
      createdAt: row.created_at.toISOString(),
      submittedAt: row.submitted_at?.toISOString() ?? null,
      updatedAt: row.updated_at.toISOString(),
    })),
  };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

export const FOUND_CLAIM_CSV_COLUMNS = [
  'code',
  'status',
  'campaign',
  'model',
  'serial',
  'remedy',
  'claimantName',
  'email',
  'country',
  'orderNumber',
  'createdAt',
  'submittedAt',
  'updatedAt',
] as const;
