import { type Kysely, sql } from 'kysely';
import type { Dashboard } from '../../../shared/contracts/reporting.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { CatalogCampaign } from '../catalog/catalog-snapshot.ts';
import { peopleNotified, waveFigures } from '../notices/notice-figures.ts';
import { HOUR_BUCKETS } from './rollup.ts';

export interface DashboardQuery {
  campaigns: readonly CatalogCampaign[];
  from: string;
  to: string;
}

/**
 * The managers' dashboard for a date range (UTC days, inclusive), from `daily_count` (rollup.ts),
 * `lookup_count` and `incident`: a few hundred rows whatever the number of claims.
 */
export async function dashboard(db: Kysely<Database>, query: DashboardQuery): Promise<Dashboard> {
  if (query.from > query.to) throw new AppError('invalid_request', { details: 'from: on or before to' });
  const ids = query.campaigns.map((campaign) => campaign.id);
  if (ids.length === 0) throw new AppError('campaign_not_found');
  const counts = await db
    .selectFrom('daily_count')
    .select(['day', 'metric', 'key', 'model_code', 'country', 'currency', 'n', 'amount_minor'])
    .where('campaign_id', 'in', ids)
    .where(sql<boolean>`day <= ${query.to}::date`)
    .where((eb) =>
      eb.or([
        eb(sql`day`, '>=', sql`${query.from}::date`),
        eb.and([eb('metric', '=', 'status'), eb('key', '=', 'fulfilled')]),
      ]),
    )
    .execute();
  const inRange = counts.filter((row) => row.day >= query.from);
  const sum = (rows: typeof counts) => rows.reduce((total, row) => total + Number(row.n), 0);
  const of = (metric: string, key?: string) =>
    inRange.filter((row) => row.metric === metric && (key === undefined || row.key === key));

  const perDay = new Map<string, number>();
  for (const row of of('status')) {
    const k = `${row.day}|${row.key}`;
    perDay.set(k, (perDay.get(k) ?? 0) + Number(row.n));
  }
  const claimsPerDay = [...perDay]
    .map(([k, n]) => {
      const [day, status] = k.split('|') as [string, string];
      return { day, status, n };
    })
    .sort((a, b) => a.day.localeCompare(b.day) || a.status.localeCompare(b.status));

  const lookups = await db
    .selectFrom('lookup_count')
    .select(sql<string>`coalesce(sum(affected), 0)`.as('n'))
    .where('campaign_id', 'in', ids)
    .where(sql<boolean>`day between ${query.from}::date and ${query.to}::date`)
    .executeTakeFirstOrThrow();

  // Correction: every unit delivered up to each day, against the units the recalls name.
  const units = { total: 0, model: new Map<string, number>(), country: new Map<string, number>() };
  for (const campaign of query.campaigns) {
    units.total += campaign.definition.units;
    for (const model of campaign.definition.models)
      for (const [country, n] of Object.entries(model.units)) {
        units.model.set(model.code, (units.model.get(model.code) ?? 0) + n);
        units.country.set(country, (units.country.get(country) ?? 0) + n);
      }
  }
  const delivered = counts.filter((row) => row.metric === 'status' && row.key === 'fulfilled');
  const deliveredBefore = sum(delivered.filter((row) => row.day < query.from));
  const byDay = new Map<string, number>();
  for (const row of delivered.filter((r) => r.day >= query.from))
    byDay.set(row.day, (byDay.get(row.day) ?? 0) + Number(row.n));
  let running = deliveredBefore;
  const correction = [...byDay.keys()].sort().map((day) => {
    running += byDay.get(day) ?? 0;
    return { day, corrected: running, rate: rate(running, units.total) };
  });
  const groupRate = (dimension: 'model_code' | 'country', targets: Map<string, number>) => {
    const corrected = new Map<string, number>();
    const perDay = new Map<string, Map<string, number>>();
    for (const row of delivered) {
      const key = row[dimension];
      corrected.set(key, (corrected.get(key) ?? 0) + Number(row.n));
      if (row.day < query.from) continue;
      const days = perDay.get(key) ?? new Map<string, number>();
      days.set(row.day, (days.get(row.day) ?? 0) + Number(row.n));
      perDay.set(key, days);
    }
    const keys = new Set([...targets.keys(), ...corrected.keys()]);
    return [...keys].sort().map((key) => {
      const units = targets.get(key) ?? 0;
      const days = perDay.get(key) ?? new Map<string, number>();
      // Each key's own running total, from what it had before the range.
      let total = (corrected.get(key) ?? 0) - [...days.values()].reduce((a, b) => a + b, 0);
      const series = [...days.keys()].sort().map((day) => {
        total += days.get(day) ?? 0;
        return { day, corrected: total, rate: rate(total, units) };
      });
      return {
        key,
        corrected: corrected.get(key) ?? 0,
        units,
        rate: rate(corrected.get(key) ?? 0, units),
        series,
      };
    });
  };

  const remedyMix = new Map<string, { kind: string; currency: string; n: number; amountMinor: number }>();
  for (const row of of('remedy')) {
    const k = `${row.key}|${row.currency}`;
    const entry = remedyMix.get(k) ?? { kind: row.key, currency: row.currency, n: 0, amountMinor: 0 };
    entry.n += Number(row.n);
    entry.amountMinor += Number(row.amount_minor);
    remedyMix.set(k, entry);
  }
  const machine = sum(of('decided', 'machine'));
  const person = sum(of('decided', 'person'));
  const reasons = new Map<string, number>();
  for (const row of of('info_reason')) reasons.set(row.key, (reasons.get(row.key) ?? 0) + Number(row.n));

  // Fraud signals per week (weeks start on Monday, UTC).
  const signalWeeks = new Map<string, number>();
  for (const row of of('signal')) {
    const date = new Date(`${row.day}T00:00:00Z`);
    const monday = new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const k = `${monday}|${row.key}`;
    signalWeeks.set(k, (signalWeeks.get(k) ?? 0) + Number(row.n));
  }

  const incidents = await db
    .selectFrom('incident')
    .select([
      sql<string>`to_char(occurred_on, 'YYYY-MM')`.as('month'),
      (eb) => eb.fn.countAll<string>().as('n'),
    ])
    .where('campaign_id', 'in', ids)
    .where(sql<boolean>`occurred_on between ${query.from}::date and ${query.to}::date`)
    .groupBy(sql`to_char(occurred_on, 'YYYY-MM')`)
    .orderBy('month')
    .execute();

  // Direct notices: people told in the range, and what all waves so far led to.
  const notified = { email: 0, mail: 0, phone: 0, other: 0 };
  const noticed = {
    sent: 0,
    opened: 0,
    lookedUp: 0,
    claimsStarted: 0,
    claimsSubmitted: 0,
    unitsCorrected: 0,
  };
  const rangeEnd = new Date(new Date(`${query.to}T00:00:00Z`).getTime() + 86_400_000);
  for (const id of ids) {
    const byChannel = await peopleNotified(db, id, new Date(`${query.from}T00:00:00Z`), rangeEnd);
    for (const channel of Object.keys(notified) as (keyof typeof notified)[])
      notified[channel] += byChannel[channel];
    for (const wave of await waveFigures(db, id))
      for (const figure of Object.keys(noticed) as (keyof typeof noticed)[])
        noticed[figure] += wave.figures[figure];
  }

  return {
    from: query.from,
    to: query.to,
    campaigns: query.campaigns.map((campaign) => campaign.slug),
    claimsPerDay,
    funnel: {
      lookups: Number(lookups.n),
      started: sum(of('status', 'draft')),
      submitted: sum(of('status', 'submitted')),
      approved: sum(of('status', 'approved')),
      delivered: sum(of('status', 'fulfilled')),
    },
    correction: {
      unitsAffected: units.total,
      series: correction,
      byModel: groupRate('model_code', units.model),
      byCountry: groupRate('country', units.country),
    },
    remedies: [...remedyMix.values()].sort((a, b) => b.n - a.n),
    decided: { machine, person, machineShare: rate(machine, machine + person) },
    infoRequests: {
      // Each reason's requests per 100 decisions.
      byReason: [...reasons]
        .map(([reason, n]) => ({ reason, n, rate: rate(n, machine + person) }))
        .sort((a, b) => b.n - a.n),
    },
    hoursToDecision: percentiles(of('decision_hours')),
    hoursToRemedy: percentiles(of('remedy_hours')),
    incidentsPerMonth: incidents.map((row) => ({ month: row.month, n: Number(row.n) })),
    signalsPerWeek: [...signalWeeks]
      .map(([k, n]) => {
        const [week, signal] = k.split('|') as [string, string];
        return { week, signal, n };
      })
      .sort((a, b) => a.week.localeCompare(b.week) || a.signal.localeCompare(b.signal)),
    notices: { notified, ...noticed },
  };
}

/** Per cent, one decimal. */
const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

/**
 * p50 and p95 from the hour buckets: the upper edge of the bucket the percentile falls in (null
 * when nothing was counted; the open last bucket answers its lower edge with a "+").
 */
function percentiles(rows: { key: string; n: string }[]): {
  p50: string | null;
  p95: string | null;
  count: number;
} {
  const perBucket = new Map<number, number>();
  for (const row of rows)
    perBucket.set(Number(row.key), (perBucket.get(Number(row.key)) ?? 0) + Number(row.n));
  const count = [...perBucket.values()].reduce((a, b) => a + b, 0);
  const at = (share: number) => {
    if (count === 0) return null;
    let seen = 0;
    for (const bucket of [...perBucket.keys()].sort((a, b) => a - b)) {
      seen += perBucket.get(bucket) ?? 0;
      if (seen >= share * count) {
        const edge = HOUR_BUCKETS[bucket];
        return edge === undefined ? `> ${HOUR_BUCKETS[HOUR_BUCKETS.length - 1]} h` : `≤ ${edge} h`;
      }
    }
    return null;
  };
  return { p50: at(0.5), p95: at(0.95), count };
}

/** One chart's rows as CSV columns and rows. */
export function dashboardCsv(
  data: Dashboard,
  chart: string,
): { columns: string[]; rows: Record<string, unknown>[] } {
  switch (chart) {
    case 'claims_per_day':
      return { columns: ['day', 'status', 'n'], rows: data.claimsPerDay };
    case 'funnel':
      return { columns: ['step', 'n'], rows: Object.entries(data.funnel).map(([step, n]) => ({ step, n })) };
    case 'correction':
      return { columns: ['day', 'corrected', 'rate'], rows: data.correction.series };
    case 'correction_by_model':
      return { columns: ['key', 'corrected', 'units', 'rate'], rows: data.correction.byModel };
    case 'correction_by_country':
      return { columns: ['key', 'corrected', 'units', 'rate'], rows: data.correction.byCountry };
    case 'remedies':
      return { columns: ['kind', 'currency', 'n', 'amountMinor'], rows: data.remedies };
    case 'info_requests':
      return { columns: ['reason', 'n', 'rate'], rows: data.infoRequests.byReason };
    case 'incidents':
      return { columns: ['month', 'n'], rows: data.incidentsPerMonth };
    case 'signals':
      return { columns: ['week', 'signal', 'n'], rows: data.signalsPerWeek };
    case 'notices': {
      const { notified, ...led } = data.notices;
      return {
        columns: ['figure', 'n'],
        rows: [
          ...Object.entries(notified).map(([channel, n]) => ({ figure: `notified_${channel}`, n })),
          ...Object.entries(led).map(([figure, n]) => ({ figure, n })),
        ],
      };
    }
    default:
      throw new AppError('invalid_request', { details: `chart: unknown (${chart})` });
  }
}
