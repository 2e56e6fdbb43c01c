import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { QUEUE_STATUSES } from '../../../shared/contracts/console/review.ts';
import type { Database } from '../../db/schema.ts';

export { QUEUE_STATUSES };

export interface QueueFilter {
  campaign?: string | undefined;
  status?: (typeof QUEUE_STATUSES)[number] | undefined;
  /** A check that did not pass. */
  check?: string | undefined;
  country?: string | undefined;
  /** Waiting at least this many hours. */
  minAgeHours?: number | undefined;
  limit: number;
  offset: number;
}

type Dimension = 'campaign' | 'status' | 'check' | 'country';
/** A check counts as failed when it did not pass, except EXIF that is merely absent. */
const FAILED = sql<SqlBool>`(cr.outcome = 'fail' OR (cr.outcome = 'unsure' AND cr.check_id <> 'exif_plausible'))`;

/**
 * The queue, longest-waiting first, and for each filter the counts its values would give with
 * the other filters kept (so every option in the console shows how many claims it leads to).
 */
export async function reviewQueue(db: Kysely<Database>, filter: QueueFilter) {
  const base = (except?: Dimension) => {
    let query = db
      .selectFrom('claim as c')
      .innerJoin('campaign as cp', 'cp.id', 'c.campaign_id')
      .where('c.status', 'in', filter.status && except !== 'status' ? [filter.status] : [...QUEUE_STATUSES]);
    if (filter.campaign && except !== 'campaign') query = query.where('cp.slug', '=', filter.campaign);
    if (filter.country && except !== 'country')
      query = query.where(sql`c.claimant->>'country'`, '=', filter.country.toUpperCase());
    if (filter.minAgeHours)
      query = query.where('c.updated_at', '<=', new Date(Date.now() - filter.minAgeHours * 3_600_000));
    if (filter.check && except !== 'check')
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('check_result as cr')
            .select(sql`1`.as('one'))
            .whereRef('cr.claim_id', '=', 'c.id')
            .where('cr.check_id', '=', filter.check as string)
            .where(FAILED as Expression<SqlBool>),
        ),
      );
    return query;
  };

  const [rows, total, byStatus, byCampaign, byCountry, byCheck] = await Promise.all([
    base()
      .leftJoin('staff_user as r', (join) =>
        join.onRef('r.id', '=', 'c.review_by').on('c.review_until', '>', sql<Date>`now()`),
      )
      .select([
        'c.id',
        'c.code',
        'c.status',
        'cp.slug as campaign',
        'c.model_code',
        'c.serial',
        'c.remedy',
        'c.has_unit',
        'c.risk_score',
        'c.updated_at',
        'c.submitted_at',
        'r.name as reviewer_name',
        sql<string>`c.claimant->>'name'`.as('claimant_name'),
        sql<string>`c.claimant->>'country'`.as('country'),
        sql<
          string[] | null
        >`(SELECT array_agg(cr.check_id ORDER BY cr.check_id) FROM check_result cr WHERE cr.claim_id = c.id AND ${FAILED})`.as(
          'failed_checks',
        ),
      ])
      .orderBy('c.updated_at')
      .orderBy('c.id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    base()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    base('status')
      .select(['c.status as key', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('c.status')
      .execute(),
    base('campaign')
      .select(['cp.slug as key', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('cp.slug')
      .execute(),
    base('country')
      .select([sql<string>`c.claimant->>'country'`.as('key'), (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy(sql`c.claimant->>'country'`)
      .execute(),
    base('check')
      .innerJoin('check_result as cr', 'cr.claim_id', 'c.id')
      .where(FAILED as Expression<SqlBool>)
      .select(['cr.check_id as key', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('cr.check_id')
      .execute(),
  ]);
  const counts = (groups: { key: string | null; n: string | number | bigint }[]) =>
    Object.fromEntries(groups.filter((g) => g.key !== null).map((g) => [g.key as string, Number(g.n)]));
  const now = Date.now();
  return {
    total: Number(total.n),
    counts: {
      status: counts(byStatus),
      campaign: counts(byCampaign),
      country: counts(byCountry),
      check: counts(byCheck),
    },
    claims: rows.map((row) => ({
      id: row.id,
      code: row.code,
      status: row.status,
      campaign: row.campaign,
      model: row.model_code,
      serial: row.serial,
      remedy: row.remedy,
      hasUnit: row.has_unit,
      claimantName: row.claimant_name,
      country: row.country,
      riskScore: row.risk_score,
      failedChecks: row.failed_checks ?? [],
      waitingSince: row.updated_at.toISOString(),
      waitingHours: Math.round(((now - row.updated_at.getTime()) / 3_600_000) * 10) / 10,
      submittedAt: row.submitted_at?.toISOString() ?? null,
      reviewer: row.reviewer_name,
    })),
  };
}
