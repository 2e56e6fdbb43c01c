import { z } from 'zod';

const BatchSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  lines: z.number(),
});

export const FulfilmentOverviewSchema = z.object({
  remedies: z.array(z.object({ kind: z.string(), state: z.string(), count: z.number() })),
  pools: z.array(
    z.object({
      campaign: z.string(),
      kind: z.string(),
      amountMinor: z.number(),
      currency: z.string(),
      free: z.number(),
      assigned: z.number(),
      low: z.boolean().describe("At or under the campaign's lowPoolThreshold: time to buy more codes"),
    }),
  ),
  shipmentBatches: z.array(BatchSchema),
  payoutBatches: z.array(BatchSchema),
});
export type FulfilmentOverview = z.infer<typeof FulfilmentOverviewSchema>;

/** A CSV line that was not applied, with the reason (and the line's own fields). */
const RejectedLinesSchema = z.array(z.object({ line: z.number(), reason: z.string() }).loose());

export const TrackingImportSchema = z.object({
  shipped: z.number(),
  bags: z.number(),
  unchanged: z.number(),
  rejected: RejectedLinesSchema,
});
export type TrackingImport = z.infer<typeof TrackingImportSchema>;

export const PayoutImportSchema = z.object({
  paid: z.number(),
  failed: z.number(),
  unchanged: z.number(),
  rejected: RejectedLinesSchema,
});
export type PayoutImport = z.infer<typeof PayoutImportSchema>;

export const ReturnBodySchema = z.object({ reference: z.string().min(4).max(60) });
export const ReturnReceivedSchema = z.object({ claimCode: z.string(), remedyId: z.string() });
export type ReturnReceived = z.infer<typeof ReturnReceivedSchema>;

export const CodePoolQuerySchema = z.object({ kind: z.enum(['gift_card', 'voucher']).default('gift_card') });
export const CodeImportSchema = z.object({
  id: z.string(),
  added: z.number(),
  skipped: z.number(),
  requeued: z.number(),
});
export type CodeImport = z.infer<typeof CodeImportSchema>;
