import { z } from 'zod';

import { INCIDENT_KIND, INJURY } from '../incidents.ts';

/** Incidents, progress and the regulator's report: public and console contracts. */
export { INCIDENT_KIND, INJURY };

export const IncidentBodySchema = z.object({
  model: z.string().trim().min(1).max(32),
  serial: z.string().max(100).optional().describe('As printed, if known: links the report to its recall'),
  kind: z.enum(INCIDENT_KIND),
  injury: z.enum(INJURY),
  propertyDamage: z.boolean().default(false),
  damageCost: z
    .object({
      amountMinor: z.number().int().min(0).max(1_000_000_000_00),
      currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
    })
    .optional(),
  occurredOn: z.iso.date(),
  country: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code such as US'),
  description: z.string().trim().min(1).max(4000),
  contact: z.object({
    name: z.string().trim().min(1).max(200),
    email: z.email().max(254),
    phone: z.string().trim().max(40).optional(),
    language: z.enum(['en', 'zh-CN', 'es']).default('en'),
  }),
  mayContact: z.boolean(),
});
export type IncidentBody = z.infer<typeof IncidentBodySchema>;

export const IncidentCreatedSchema = z.object({
  id: z.string(),
  campaign: z
    .string()
    .nullable()
    .describe('The recall the unit belongs to, when the serial or model is recalled'),
  message: z.string(),
  photoToken: z
    .string()
    .describe(
      'Send as Authorization: Bearer <photoToken> to POST /api/v1/incidents/{id}/photos (up to 5 photos)',
    ),
});

export const IncidentSchema = z.object({
  id: z.string(),
  campaign: z.string().nullable(),
  model: z.string(),
  serial: z.string().nullable(),
  kind: z.string(),
  injury: z.string(),
  propertyDamage: z.boolean(),
  damageCost: z.object({ amountMinor: z.number(), currency: z.string() }).nullable(),
  occurredOn: z.string(),
  beforeRecall: z
    .boolean()
    .nullable()
    .describe('Happened before the recall was announced (null: no recall linked)'),
  country: z.string(),
  description: z.string(),
  contact: z.object({
    name: z.string(),
    email: z.string(),
    phone: z.string().nullish(),
    language: z.string(),
  }),
  mayContact: z.boolean(),
  createdAt: z.string(),
  claims: z
    .array(z.object({ id: z.string(), code: z.string(), status: z.string() }))
    .describe('Claims for the same unit'),
  photos: z.array(z.object({ id: z.string(), width: z.number(), height: z.number() })),
});
export type Incident = z.infer<typeof IncidentSchema>;

export const IncidentListQuerySchema = z.object({
  campaign: z.string().max(80).optional(),
  when: z.enum(['before', 'after']).optional().describe('Before or after the recall was announced'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const IncidentListSchema = z.object({ incidents: z.array(IncidentSchema) });
export type IncidentList = z.infer<typeof IncidentListSchema>;

export const ProgressSchema = z.object({
  campaign: z.string(),
  title: z.string(),
  unitsAffected: z.number().int(),
  claimsReceived: z.number().int(),
  unitsCorrected: z.number().int(),
  percentCorrected: z.number().describe('Units corrected ÷ units affected × 100, one decimal'),
  incidentsReported: z.number().int(),
  asOf: z.string().describe('When the figures were counted (at most five minutes ago)'),
  updates: z.array(z.object({ at: z.string(), text: z.string() })),
});
export type Progress = z.infer<typeof ProgressSchema>;

export const ProgressUpdateBodySchema = z.object({
  text: z
    .object({
      en: z.string().trim().min(1).max(2000),
      es: z.string().trim().max(2000).optional(),
      'zh-CN': z.string().trim().max(2000).optional(),
    })
    .describe('The update in each language written; English is required'),
});

const Rate = z.number().describe('Per cent, one decimal');
const GroupRate = z.object({
  key: z.string(),
  corrected: z.number(),
  units: z.number(),
  rate: Rate,
  series: z
    .array(z.object({ day: z.string(), corrected: z.number(), rate: Rate }))
    .describe('Its running total on each day of the range something was corrected'),
});
const Percentiles = z.object({ p50: z.string().nullable(), p95: z.string().nullable(), count: z.number() });

export const DashboardQuerySchema = z.object({
  campaign: z.string().max(80).optional().describe('One campaign; every campaign without'),
  from: z.iso.date(),
  to: z.iso.date(),
});

export const DashboardSchema = z.object({
  from: z.string(),
  to: z.string(),
  campaigns: z.array(z.string()),
  claimsPerDay: z.array(z.object({ day: z.string(), status: z.string(), n: z.number() })),
  funnel: z.object({
    lookups: z.number().describe('Serial checks that found a recalled unit'),
    started: z.number(),
    submitted: z.number(),
    approved: z.number(),
    delivered: z.number(),
  }),
  correction: z.object({
    unitsAffected: z.number(),
    series: z.array(z.object({ day: z.string(), corrected: z.number(), rate: Rate })),
    byModel: z.array(GroupRate),
    byCountry: z.array(GroupRate),
  }),
  remedies: z.array(
    z.object({ kind: z.string(), currency: z.string(), n: z.number(), amountMinor: z.number() }),
  ),
  decided: z.object({ machine: z.number(), person: z.number(), machineShare: Rate }),
  infoRequests: z.object({ byReason: z.array(z.object({ reason: z.string(), n: z.number(), rate: Rate })) }),
  hoursToDecision: Percentiles,
  hoursToRemedy: Percentiles,
  incidentsPerMonth: z.array(z.object({ month: z.string(), n: z.number() })),
  signalsPerWeek: z
    .array(z.object({ week: z.string().describe('The Monday it starts'), signal: z.string(), n: z.number() }))
    .describe('Fraud signals the checks saw, per week and kind'),
  notices: z
    .object({
      notified: z
        .record(z.enum(['email', 'mail', 'phone', 'other']), z.number())
        .describe('People first told in the range, by channel (e-mail sent here; others imported)'),
      sent: z.number(),
      opened: z.number(),
      lookedUp: z.number(),
      claimsStarted: z.number(),
      claimsSubmitted: z.number(),
      unitsCorrected: z.number(),
    })
    .describe('Direct notices: who was told, and what every wave so far led to'),
});
export type Dashboard = z.infer<typeof DashboardSchema>;
