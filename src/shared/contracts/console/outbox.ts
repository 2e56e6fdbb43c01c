import { z } from 'zod';

/** One e-mail as queued (development without SMTP: admins read the outbox in the console). */
export const OutboxMessageSchema = z.object({
  id: z.string(),
  claimId: z.string().nullable(),
  to: z.string(),
  language: z.string(),
  template: z.string(),
  subject: z.string(),
  text: z.string(),
  state: z.string().describe('pending | sent | held (no SMTP) | merged (went out inside mergedInto)'),
  mergedInto: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type OutboxMessage = z.infer<typeof OutboxMessageSchema>;

export const OutboxSchema = z.object({ messages: z.array(OutboxMessageSchema) });
export type Outbox = z.infer<typeof OutboxSchema>;
