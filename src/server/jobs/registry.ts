import { z } from 'zod';

/**
 * Every queue the application runs, with the payload its jobs carry. A job is enqueued with a
 * payload of its queue's type (checked by the compiler) and validated again when a worker takes
 * it: a payload that does not fit (a job written by hand, by an older version, or corrupted)
 * goes straight to `dead` with the validation error, instead of failing inside its handler.
 * Handlers are declared by the module that owns the work (`*-jobs.ts`), keyed by these names.
 */
export const JOB_PAYLOADS = {
  /** Verify a submitted claim once its photos are read (evidence). */
  'claim.verify': z.object({ claimId: z.string().min(1) }),
  /** Delete a draft nobody submitted in time, with its photos (claims). */
  'claim.expire_draft': z.object({ claimId: z.string().min(1) }),
  /** Decode, copy and read one uploaded photo (evidence). */
  'evidence.process': z.object({ evidenceId: z.string().min(1) }),
  /** Issue an approved claim's remedy (remedies). */
  'remedy.issue': z.object({ remedyId: z.string().min(1) }),
  /** Deliver one webhook event to one endpoint (webhooks). */
  'webhook.deliver': z.object({ deliveryId: z.string().min(1) }),
  /** Send one e-mail from the outbox (notify). */
  'mail.send': z.object({ messageId: z.string().min(1) }),
  /** Release a notice wave's next slice of e-mails to the outbox, at its rate (notices). */
  'notices.wave': z.object({ waveId: z.string().min(1), run: z.number().int().min(0) }),
  /** Once a day: erase closed claims' personal data past RETENTION_DAYS, purge old rows (maintenance.ts). */
  'maintenance.retention': z.object({}),
  /** Every few minutes: recount the dashboards' daily figures from the last count's day on (reporting). */
  'reporting.rollup': z.object({}),
} as const;

export type QueueName = keyof typeof JOB_PAYLOADS;
export type JobPayload<Q extends QueueName> = z.infer<(typeof JOB_PAYLOADS)[Q]>;

export function isQueueName(queue: string): queue is QueueName {
  return Object.hasOwn(JOB_PAYLOADS, queue);
}

/** The payload of a job of `queue`, or the reason it does not fit. */
export function parsePayload<Q extends QueueName>(
  queue: Q,
  payload: unknown,
): { ok: true; payload: JobPayload<Q> } | { ok: false; reason: string } {
  const parsed = JOB_PAYLOADS[queue].safeParse(payload);
  if (parsed.success) return { ok: true, payload: parsed.data as JobPayload<Q> };
  return { ok: false, reason: z.prettifyError(parsed.error) };
}
