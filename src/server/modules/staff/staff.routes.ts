import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSOLE_RULES } from '../../../shared/console-roles.ts';
import {
  AuditPageSchema,
  type AuditQuery,
  AuditQuerySchema,
} from '../../../shared/contracts/console/audit.ts';
import {
  ChangePasswordBodySchema,
  CreatedStaffSchema,
  CreateStaffBodySchema,
  LoginBodySchema,
  SessionSchema,
  StaffListSchema,
  StaffSchema,
} from '../../../shared/contracts/console/staff.ts';
import { ErrorSchema } from '../../../shared/contracts/errors.ts';
import type { Db } from '../../db/database.ts';
import { actorOf, auditCsv, listAudit, recordAudit } from './audit.ts';
import {
  clearSessionCookie,
  consoleErrors,
  sendCsv,
  setSessionCookie,
  staffOf,
  tags,
} from './console-gate.ts';
import { type ConsoleFeatures, login, logout, presentSession, type SessionPolicy } from './sessions.ts';
import {
  changePassword,
  createStaff,
  deactivateStaff,
  listStaff,
  reactivateStaff,
} from './staff-accounts.ts';

/** Sign-in, sessions, staff accounts and the audit trail. */
export const staffRoutes: FastifyPluginAsyncZod<{
  db: Db;
  policy: SessionPolicy;
  loginRateLimit: number;
  features: ConsoleFeatures;
}> = async (app, { db, policy, loginRateLimit, features }) => {
  const k = db.kysely;

  app.post(
    '/session',
    {
      config: {
        access: 'public',
        rateLimit: loginRateLimit > 0 ? { max: loginRateLimit, timeWindow: '15 minutes' } : false,
      },
      schema: {
        tags,
        summary: 'Sign in',
        description:
          'Sets the session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS). Every later request that changes something sends the returned `csrfToken` as `X-CSRF-Token`.',
        body: LoginBodySchema,
        response: { 200: SessionSchema, ...consoleErrors },
      },
    },
    async (request, reply) => {
      const userAgent = request.headers['user-agent'] ?? null;
      try {
        const { token, session } = await login(k, policy, { ...request.body, ip: request.ip, userAgent });
        await recordAudit(k, actorOf(request, session), 'session.login', {
          type: 'staff',
          id: session.staff.id,
        });
        setSessionCookie(request, reply, token, session.expiresAt);
        return presentSession(session, features);
      } catch (error) {
        await recordAudit(
          k,
          { ...actorOf(request), email: request.body.email.slice(0, 254) },
          'session.login_failed',
          null,
          {
            reason: (error as { code?: string }).code,
          },
        );
        throw error;
      }
    },
  );

  app.get(
    '/session',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Who is signed in, and the CSRF token',
        response: { 200: SessionSchema, 401: ErrorSchema },
      },
    },
    async (request) => presentSession(staffOf(request), features),
  );

  app.delete(
    '/session',
    {
      config: { access: 'session' },
      schema: { tags, summary: 'Sign out', response: { 204: z.null(), ...consoleErrors } },
    },
    async (request, reply) => {
      const session = staffOf(request);
      await db.transaction(async (tx) => {
        await logout(tx.kysely, session.tokenHash);
        await recordAudit(tx.kysely, actorOf(request), 'session.logout', {
          type: 'staff',
          id: session.staff.id,
        });
      });
      clearSessionCookie(request, reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/session/password',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Change my password (ends my other sessions)',
        body: ChangePasswordBodySchema,
        response: { 204: z.null(), ...consoleErrors },
      },
    },
    async (request, reply) => {
      const session = staffOf(request);
      await db.transaction(async (tx) => {
        await changePassword(
          tx.kysely,
          session.staff,
          request.body.currentPassword,
          request.body.newPassword,
          session.tokenHash,
        );
        await recordAudit(tx.kysely, actorOf(request), 'staff.password_changed', {
          type: 'staff',
          id: session.staff.id,
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/staff',
    {
      config: { access: CONSOLE_RULES.admin },
      schema: {
        tags,
        summary: 'Staff accounts',
        response: { 200: StaffListSchema, ...consoleErrors },
      },
    },
    async () => ({ staff: await listStaff(k) }),
  );

  app.post(
    '/staff',
    {
      config: { access: CONSOLE_RULES.admin },
      schema: {
        tags,
        summary: 'Create a staff account',
        description:
          'Without `password`, a one-time password is generated, returned once, and must be changed at the first sign-in.',
        body: CreateStaffBodySchema,
        response: { 201: CreatedStaffSchema, ...consoleErrors },
      },
    },
    async (request, reply) => {
      const created = await db.transaction(async (tx) => {
        const result = await createStaff(tx.kysely, request.body, staffOf(request).staff.id);
        await recordAudit(
          tx.kysely,
          actorOf(request),
          'staff.created',
          { type: 'staff', id: result.staff.id },
          {
            email: result.staff.email,
            role: result.staff.role,
          },
        );
        return result;
      });
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/staff/:id/deactivate',
    {
      config: { access: CONSOLE_RULES.admin },
      schema: {
        tags,
        summary: 'Deactivate a staff account (its sessions end at once)',
        params: z.object({ id: z.string().max(60) }),
        response: { 200: StaffSchema, ...consoleErrors },
      },
    },
    async (request) =>
      db.transaction(async (tx) => {
        const staff = await deactivateStaff(tx.kysely, request.params.id, staffOf(request).staff.id);
        await recordAudit(
          tx.kysely,
          actorOf(request),
          'staff.deactivated',
          { type: 'staff', id: staff.id },
          { email: staff.email },
        );
        return staff;
      }),
  );

  app.post(
    '/staff/:id/reactivate',
    {
      config: { access: CONSOLE_RULES.admin },
      schema: {
        tags,
        summary: 'Let a deactivated staff account sign in again (undoes a deactivation)',
        params: z.object({ id: z.string().max(60) }),
        response: { 200: StaffSchema, ...consoleErrors },
      },
    },
    async (request) =>
      db.transaction(async (tx) => {
        const staff = await reactivateStaff(tx.kysely, request.params.id);
        await recordAudit(
          tx.kysely,
          actorOf(request),
          'staff.reactivated',
          { type: 'staff', id: staff.id },
          { email: staff.email },
        );
        return staff;
      }),
  );

  const auditRows = (q: AuditQuery) =>
    listAudit(k, {
      actor: q.actor,
      action: q.action,
      targetType: q.targetType,
      targetId: q.targetId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      before: q.before,
      limit: q.limit,
    });
  app.get(
    '/audit',
    {
      config: { access: CONSOLE_RULES.admin },
      schema: {
        tags,
        summary: 'The audit trail, newest first, filtered',
        querystring: AuditQuerySchema,
        response: {
          200: AuditPageSchema,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (request) => ({ events: await auditRows(request.query) }),
  );
  app.get(
    '/audit/export',
    {
      config: { access: CONSOLE_RULES.admin },
      schema: {
        tags,
        summary: 'The audit trail as CSV, with the same filters (the export itself is audited)',
        querystring: AuditQuerySchema,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const rows = await auditRows(request.query);
      await recordAudit(k, actorOf(request), 'audit.exported', null, {
        rows: rows.length,
        filter: request.query,
      });
      return sendCsv(reply, `recallkit-audit-${new Date().toISOString().slice(0, 10)}`, auditCsv(rows));
    },
  );
};
