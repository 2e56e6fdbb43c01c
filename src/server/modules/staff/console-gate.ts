import cookie from '@fastify/cookie';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorSchema } from '../../../shared/contracts/errors.ts';
import type { StaffRole } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { csrfMatches, type StaffSession } from './sessions.ts';

/**
 * Who may call a console route: `public` (the login), `session` (anyone signed in, even one who
 * must first change a one-time password), or a list of roles. `admin` may do everything. A
 * console route without an `access` rule answers 403 to everyone: deny by default.
 */
export type Access = 'public' | 'session' | readonly StaffRole[];

declare module 'fastify' {
  interface FastifyRequest {
    staffSession: StaffSession | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every console route with its access rule (the authorization matrix test walks them). */
    consoleRoutes: ConsoleRoute[];
  }
}

export const CONSOLE_PREFIX = '/api/v1/console';
/** The OpenAPI tag, and the error answers, every console route documents. */
export const tags = ['console'];
export const consoleErrors = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  422: ErrorSchema,
  429: ErrorSchema,
};
export const SESSION_COOKIE = 'rk_staff';

export interface ConsoleRoute {
  method: string;
  url: string;
  access: Access | undefined;
}

/** Answers with a CSV file to download as `<name>.csv`. */
export function sendCsv(reply: FastifyReply, name: string, csv: string) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(csv);
}

/** The signed-in staff member of a route whose access rule requires one. */
export function staffOf(request: FastifyRequest): StaffSession {
  if (!request.staffSession) throw new AppError('unauthorized');
  return request.staffSession;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expires: Date) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: CONSOLE_PREFIX,
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    expires,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, {
    path: CONSOLE_PREFIX,
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
  });
}

/**
 * The staff console's API. Every route registered inside passes one gate before its body is
 * read: session cookie -> live session -> role -> CSRF token on anything that changes state.
 */
export const consoleApi: FastifyPluginAsync<{
  authenticate: (token: string | undefined) => Promise<StaffSession | null>;
  routes: ConsoleRoute[];
  register: FastifyPluginAsync;
}> = async (app, { authenticate, routes, register }) => {
  await app.register(cookie);
  app.decorateRequest('staffSession', null);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access && access !== 'public') route.schema = { ...route.schema, security: [{ consoleSession: [] }] };
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url, access: route.config?.access });
  });
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (!access) throw new AppError('forbidden');
    if (access === 'public') return;
    const session = await authenticate(request.cookies[SESSION_COOKIE]);
    if (!session) throw new AppError('unauthorized');
    request.staffSession = session;
    if (access !== 'session') {
      if (session.staff.must_change_password) throw new AppError('password_change_required');
      if (session.staff.role !== 'admin' && !access.includes(session.staff.role))
        throw new AppError('forbidden');
    }
    if (
      !['GET', 'HEAD', 'OPTIONS'].includes(request.method) &&
      !csrfMatches(session, request.headers['x-csrf-token'])
    )
      throw new AppError('csrf_invalid');
  });
  await app.register(register);
};
