import { z } from 'zod';
import { STAFF_ROLES } from '../../console-roles.ts';

export const StaffSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(STAFF_ROLES),
  active: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
  lockedUntil: z.string().nullable(),
});
export type Staff = z.infer<typeof StaffSchema>;

export const SessionSchema = z.object({
  staff: StaffSchema,
  csrfToken: z.string(),
  expiresAt: z.string(),
  /** Parts of the console this server offers (the outbox: development without SMTP, admins). */
  features: z.object({ outbox: z.boolean() }),
});
export type Session = z.infer<typeof SessionSchema>;

export const LoginBodySchema = z.object({ email: z.string().max(254), password: z.string().max(256) });
export const ChangePasswordBodySchema = z.object({
  currentPassword: z.string().max(256),
  newPassword: z.string().max(256),
});

export const StaffListSchema = z.object({ staff: z.array(StaffSchema) });
export type StaffList = z.infer<typeof StaffListSchema>;

export const CreateStaffBodySchema = z.object({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(120).optional(),
  role: z.enum(STAFF_ROLES),
  password: z.string().max(256).optional(),
});
export type CreateStaffBody = z.infer<typeof CreateStaffBodySchema>;
export const CreatedStaffSchema = z.object({ staff: StaffSchema, oneTimePassword: z.string().nullable() });
export type CreatedStaff = z.infer<typeof CreatedStaffSchema>;
