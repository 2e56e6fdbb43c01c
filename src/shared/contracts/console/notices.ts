import { z } from 'zod';

/** A list imported: people added, merged as duplicates, refused (managers and admins only). */
export const NoticeImportSchema = z.object({
  id: z.string(),
  rowsTotal: z.number(),
  rowsAdded: z.number(),
  rowsMerged: z.number().describe('Rows for a person already listed: still one notice each'),
  rowsRejected: z.number(),
  rejected: z.array(z.object({ line: z.number(), reason: z.string() })).describe('The first 100'),
});
export type NoticeImport = z.infer<typeof NoticeImportSchema>;

const count = z.number().int();
export const NoticeFiguresSchema = z.object({
  audience: count.describe('People the wave writes to'),
  waiting: count.describe('Not released to the outbox yet (paused, or waiting for their turn at the rate)'),
  released: count,
  sent: count,
  held: count.describe('Kept in the outbox: no SMTP_URL (development)'),
  skipped: count.describe('Unsubscribed or undeliverable before their turn came'),
  delivered: count.describe('Sent and not reported back as bounced'),
  bounced: count,
  opened: count.describe('Followed their personal link'),
  lookedUp: count.describe('Checked a unit on the page their link opened'),
  claimsStarted: count.describe('People who started a claim after this notice (and before a later one)'),
  claimsSubmitted: count,
  unitsCorrected: count.describe('Their units whose remedy reached them'),
});
export type NoticeFigures = z.infer<typeof NoticeFiguresSchema>;

export const NoticeWaveSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  kind: z.enum(['notice', 'reminder']),
  source: z.string().nullable().describe('Only people of this source (null: everyone listed)'),
  followUpOf: z.string().nullable(),
  afterDays: z.number().int().nullable(),
  state: z.enum(['scheduled', 'running', 'paused', 'done']),
  startsAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  createdBy: z.string(),
  figures: NoticeFiguresSchema,
  bySource: z.array(z.object({ source: z.string(), figures: NoticeFiguresSchema })),
});
export type NoticeWave = z.infer<typeof NoticeWaveSchema>;

export const NoticesOverviewSchema = z.object({
  campaign: z.string(),
  ratePerMinute: z
    .number()
    .int()
    .describe('NOTICE_RATE_PER_MINUTE: e-mails a running wave releases per minute'),
  audience: z.array(
    z.object({
      channel: z.enum(['email', 'mail', 'phone', 'other']),
      source: z.string(),
      people: count,
      unsubscribed: count,
      undeliverable: count,
    }),
  ),
  waves: z.array(NoticeWaveSchema).describe('Newest first'),
});
export type NoticesOverview = z.infer<typeof NoticesOverviewSchema>;

export const StartWaveBodySchema = z.union([
  z.object({ source: z.string().max(60).optional().describe('Only people of this source') }).strict(),
  z
    .object({
      followUpOf: z.string().max(40).describe('The wave whose silent people to remind'),
      afterDays: z.number().int().min(1).max(365).describe('Days after that wave started'),
    })
    .strict(),
]);
export type StartWaveBody = z.infer<typeof StartWaveBodySchema>;

export const BounceImportSchema = z.object({
  matched: count.describe('Reports that matched someone on a notice list'),
  unknown: count.describe('Reports for addresses no list holds'),
  rejected: z.array(z.object({ line: z.number(), reason: z.string() })),
});
export type BounceImport = z.infer<typeof BounceImportSchema>;
