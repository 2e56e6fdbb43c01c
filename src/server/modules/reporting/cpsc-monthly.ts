import { type Kysely, sql } from 'kysely';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { peopleNotified } from '../notices/notice-figures.ts';

/**
 * The figures of the CPSC Monthly Progress Report for one campaign and calendar month (UTC), with
 * stable field names. A unit counts as corrected in the month its remedy reached the owner (the
 * claim became `fulfilled`), whenever it was claimed. Recallkit sees the units consumers hold;
 * units still at the manufacturer, distributors and retailers are not recorded here (null).
 */
export interface CpscMonthlyReport {
  campaign: string;
  title: string;
  month: string;
  period: { from: string; to: string };
  recallDate: string;
  unitsAffected: { total: number; byModel: Record<string, number> };
  unitsCorrected: {
    thisPeriod: CorrectedUnits;
    toDate: CorrectedUnits;
  };
  incidents: {
    thisPeriod: IncidentFigures;
    toDate: IncidentFigures;
  };
  /** People told directly (notices/): by e-mail when first sent, by other channels when imported. */
  consumersNotified: { byChannel: NotifiedByChannel; toDate: NotifiedByChannel; tracked: boolean };
  consumersContacted: { byChannel: { web: number; email: number; phone: number } };
  webLookups: { thisPeriod: number; toDate: number };
  recallPageVisits: { thisPeriod: number; toDate: number };
  generatedAt: string;
}

type NotifiedByChannel = Record<'email' | 'mail' | 'phone' | 'other', number>;

interface CorrectedUnits {
  total: number;
  byLocation: { consumers: number; manufacturer: null; distributors: null; retailers: null };
  byRemedy: { refund: number; replacement: number; repair: number; other: number };
}

interface IncidentFigures {
  total: number;
  beforeRecall: number;
  afterRecall: number;
  injuries: number;
  deaths: number;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export async function cpscMonthlyReport(
  db: Kysely<Database>,
  campaign: { id: string; slug: string; definition: CampaignDefinition },
  month: string,
  now = new Date(),
): Promise<CpscMonthlyReport> {
  const match = MONTH.exec(month);
  if (!match) throw new AppError('invalid_request', { details: 'month: YYYY-MM' });
  const from = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  const to = new Date(Date.UTC(Number(match[1]), Number(match[2]), 1));
  const fromDay = from.toISOString().slice(0, 10);
  const toDay = to.toISOString().slice(0, 10);
  const definition = campaign.definition;
  const recallDate = definition.announcedOn;

  // A claim's unit is corrected when it became fulfilled: its timeline says when.
  const corrected = await db
    .selectFrom('claim_event as e')
    .innerJoin('claim as c', 'c.id', 'e.claim_id')
    .select([
      'c.remedy',
      sql<string>`count(*) filter (where e.at >= ${from} and e.at < ${to})`.as('period'),
      sql<string>`count(*)`.as('to_date'),
    ])
    .where('c.campaign_id', '=', campaign.id)
    .where('e.to_status', '=', 'fulfilled')
    .where('e.at', '<', to)
    .groupBy('c.remedy')
    .execute();
  const correctedUnits = (pick: 'period' | 'to_date'): CorrectedUnits => {
    const byRemedy = { refund: 0, replacement: 0, repair: 0, other: 0 };
    for (const row of corrected) {
      const kind =
        row.remedy === 'refund' || row.remedy === 'replacement' || row.remedy === 'repair'
          ? row.remedy
          : 'other';
      byRemedy[kind] += Number(row[pick]);
    }
    const total = byRemedy.refund + byRemedy.replacement + byRemedy.repair + byRemedy.other;
    return {
      total,
      byLocation: { consumers: total, manufacturer: null, distributors: null, retailers: null },
      byRemedy,
    };
  };

  // Incidents reported (received) in the period, and to its end; told apart by when they happened.
  const incidentRows = await db
    .selectFrom('incident')
    .select([
      sql<boolean>`created_at >= ${from}`.as('in_period'),
      sql<boolean>`occurred_on < ${recallDate}::date`.as('before'),
      'injury',
    ])
    .where('campaign_id', '=', campaign.id)
    .where('created_at', '<', to)
    .execute();
  const incidents = (rows: typeof incidentRows): IncidentFigures => ({
    total: rows.length,
    beforeRecall: rows.filter((row) => row.before).length,
    afterRecall: rows.filter((row) => !row.before).length,
    injuries: rows.filter((row) => row.injury !== 'none' && row.injury !== 'death').length,
    deaths: rows.filter((row) => row.injury === 'death').length,
  });

  const contacted = await db
    .selectFrom('claim')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('campaign_id', '=', campaign.id)
    .where('submitted_at', '>=', from)
    .where('submitted_at', '<', to)
    .executeTakeFirstOrThrow();
  const lookups = await db
    .selectFrom('lookup_count')
    .select([
      sql<string>`coalesce(sum(lookups) filter (where day >= ${fromDay}::date), 0)`.as('period'),
      sql<string>`coalesce(sum(lookups), 0)`.as('to_date'),
      sql<string>`coalesce(sum(page_views) filter (where day >= ${fromDay}::date), 0)`.as('views_period'),
      sql<string>`coalesce(sum(page_views), 0)`.as('views_to_date'),
    ])
    .where('campaign_id', '=', campaign.id)
    .where(sql<boolean>`day < ${toDay}::date`)
    .executeTakeFirstOrThrow();

  const byModel = Object.fromEntries(
    definition.models.map((model) => [model.code, Object.values(model.units).reduce((sum, n) => sum + n, 0)]),
  );
  return {
    campaign: campaign.slug,
    title: definition.title.en,
    month,
    period: { from: fromDay, to: new Date(to.getTime() - 86_400_000).toISOString().slice(0, 10) },
    recallDate,
    unitsAffected: { total: definition.units, byModel },
    unitsCorrected: { thisPeriod: correctedUnits('period'), toDate: correctedUnits('to_date') },
    incidents: {
      thisPeriod: incidents(incidentRows.filter((row) => row.in_period)),
      toDate: incidents(incidentRows),
    },
    consumersNotified: {
      byChannel: await peopleNotified(db, campaign.id, from, to),
      toDate: await peopleNotified(db, campaign.id, new Date(0), to),
      tracked: true,
    },
    consumersContacted: { byChannel: { web: Number(contacted.n), email: 0, phone: 0 } },
    webLookups: { thisPeriod: Number(lookups.period), toDate: Number(lookups.to_date) },
    recallPageVisits: { thisPeriod: Number(lookups.views_period), toDate: Number(lookups.views_to_date) },
    generatedAt: now.toISOString(),
  };
}

/** The report as rows of field and value, for a spreadsheet. */
export function cpscMonthlyCsvRows(report: CpscMonthlyReport): { field: string; value: string }[] {
  const rows: { field: string; value: string }[] = [];
  const walk = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) walk(prefix ? `${prefix}.${key}` : key, inner);
    else rows.push({ field: prefix, value: value === null ? '' : String(value) });
  };
  walk('', report);
  return rows;
}

/**
 * China's SAMR progress figures (召回进度): units recalled, units handled (corrected) to the
 * month's end, and the share handled, from the same counts as the CPSC report.
 */
export function samrProgress(report: CpscMonthlyReport) {
  const recalled = report.unitsAffected.total;
  const handled = report.unitsCorrected.toDate.total;
  return {
    campaign: report.campaign,
    month: report.month,
    unitsRecalled: recalled,
    unitsHandled: handled,
    handledThisPeriod: report.unitsCorrected.thisPeriod.total,
    percentHandled: recalled > 0 ? Math.round((handled / recalled) * 10000) / 100 : 0,
    generatedAt: report.generatedAt,
  };
}
