import type { FastifyInstance } from 'fastify';
import type { Response } from 'light-my-request';
import type { Db } from '../../src/server/db/database.ts';
import type { StaffRole } from '../../src/server/db/schema.ts';
import { createStaff } from '../../src/server/modules/staff/staff-accounts.ts';

export const STAFF_PASSWORD = 'correct horse battery staple';

export interface ConsoleClient {
  email: string;
  staffId: string;
  cookie: string;
  csrfToken: string;
  get(url: string): Promise<Response>;
  post(url: string, payload?: object, headers?: Record<string, string>): Promise<Response>;
  put(url: string, payload?: object): Promise<Response>;
  delete(url: string): Promise<Response>;
}

let counter = 0;

/** Creates a staff member with `role` (a password of their own) and signs them in through the API. */
export async function signIn(
  app: FastifyInstance,
  db: Db,
  role: StaffRole,
  name?: string,
): Promise<ConsoleClient> {
  const email = `${role}.${++counter}.${Date.now()}@staff.example`;
  const { staff } = await createStaff(
    db.kysely,
    { email, name: name ?? `${role} ${counter}`, role, password: STAFF_PASSWORD },
    'test',
  );
  return login(app, email, staff.id);
}

export async function login(
  app: FastifyInstance,
  email: string,
  staffId: string,
  password = STAFF_PASSWORD,
): Promise<ConsoleClient> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/console/session',
    payload: { email, password },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'rk_staff');
  if (!cookie) throw new Error('no session cookie');
  return clientFor(app, email, staffId, `rk_staff=${cookie.value}`, response.json().csrfToken);
}

export function clientFor(
  app: FastifyInstance,
  email: string,
  staffId: string,
  cookie: string,
  csrfToken: string,
): ConsoleClient {
  const headers = { cookie, 'x-csrf-token': csrfToken };
  return {
    email,
    staffId,
    cookie,
    csrfToken,
    get: (url) => app.inject({ method: 'GET', url, headers: { cookie } }),
    post: (url, payload, extra = {}) =>
      app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, ...(payload ? { payload } : {}) }),
    put: (url, payload) => app.inject({ method: 'PUT', url, headers, ...(payload ? { payload } : {}) }),
    delete: (url) => app.inject({ method: 'DELETE', url, headers }),
  };
}
