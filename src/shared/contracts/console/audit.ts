import { z } from 'zod';

export const AuditQuerySchema = z.object({
  actor: z.string().max(254).optional(),
  action: z.string().max(60).optional(),
  targetType: z.string().max(30).optional(),
  targetId: z.string().max(80).optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  before: z
    .string()
    .regex(/^\d{1,19}$/)
    .refine((value) => BigInt(value) <= 9_223_372_036_854_775_807n, 'an audit event id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(200),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditEventSchema = z.object({
  id: z.string(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditPageSchema = z.object({ events: z.array(AuditEventSchema) });
export type AuditPage = z.infer<typeof AuditPageSchema>;
