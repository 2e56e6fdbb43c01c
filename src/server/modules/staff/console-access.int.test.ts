import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appWithExamples } from '../../../../test/support/app.ts';
import {
  type ConsoleClient,
  clientFor,
  login,
  STAFF_PASSWORD,
  signIn,
} from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';
import { STAFF_ROLES, type StaffRole } from '../../db/schema.ts';
import { createStaff, deactivateStaff, reactivateStaff } from './staff-accounts.ts';

/**
 * The authorization matrix: who may call each console route. A route added without a line here
 * fails this test, and so does a route whose rule differs from the line.
 */
const EXPECTED: Record<string, 'public' | 'session' | readonly StaffRole[]> = {
  'POST /api/v1/console/session': 'public',
  'GET /api/v1/console/session': 'session',
  'DELETE /api/v1/console/session': 'session',
  'POST /api/v1/console/session/password': 'session',
  'GET /api/v1/console/staff': ['admin'],
  'POST /api/v1/console/staff': ['admin'],
  'POST /api/v1/console/staff/:id/deactivate': ['admin'],
  'POST /api/v1/console/staff/:id/reactivate': ['admin'],
  'GET /api/v1/console/audit': ['admin'],
  'GET /api/v1/console/audit/export': ['admin'],
  'GET /api/v1/console/outbox': ['admin'],
  'POST /api/v1/console/privacy/export': ['admin'],
  'POST /api/v1/console/privacy/erase': ['admin'],
  'GET /api/v1/console/claims': ['admin', 'supervisor', 'reviewer'],
  'GET /api/v1/console/claims/:id': ['admin', 'supervisor', 'reviewer'],
  'GET /api/v1/console/claims/search': ['admin', 'supervisor', 'reviewer', 'fulfilment'],
  'GET /api/v1/console/claims/search/export': ['admin', 'supervisor', 'reviewer', 'fulfilment'],
  'POST /api/v1/console/claims/:id/release': ['admin', 'supervisor', 'reviewer'],
  'GET /api/v1/console/claims/:id/evidence/:evidenceId': ['admin', 'supervisor', 'reviewer'],
  'POST /api/v1/console/claims/:id/decision': ['admin', 'supervisor', 'reviewer'],
  'GET /api/v1/console/campaigns': ['admin', 'manager', 'analyst', 'supervisor'],
  'GET /api/v1/console/campaigns/:slug': ['admin', 'manager', 'analyst', 'supervisor'],
  'POST /api/v1/console/campaigns': ['admin', 'manager'],
  'PUT /api/v1/console/campaigns/:slug': ['admin', 'manager'],
  'POST /api/v1/console/campaigns/:slug/status': ['admin', 'manager'],
  'POST /api/v1/console/campaigns/:slug/eligibility': ['admin', 'manager'],
  'GET /api/v1/console/campaigns/:slug/notices': ['admin', 'manager'],
  'POST /api/v1/console/campaigns/:slug/notices': ['admin', 'manager'],
  'POST /api/v1/console/campaigns/:slug/notices/waves': ['admin', 'manager'],
  'POST /api/v1/console/notices/waves/:id/pause': ['admin', 'manager'],
  'POST /api/v1/console/notices/waves/:id/resume': ['admin', 'manager'],
  'POST /api/v1/console/notices/bounces': ['admin', 'manager'],
  'GET /api/v1/console/fulfilment': ['admin', 'fulfilment', 'manager'],
  'POST /api/v1/console/fulfilment/shipments': ['admin', 'fulfilment'],
  'GET /api/v1/console/fulfilment/shipments/:id': ['admin', 'fulfilment'],
  'POST /api/v1/console/fulfilment/tracking': ['admin', 'fulfilment'],
  'POST /api/v1/console/fulfilment/payouts': ['admin', 'fulfilment'],
  'POST /api/v1/console/fulfilment/payouts/results': ['admin', 'fulfilment'],
  'POST /api/v1/console/fulfilment/returns': ['admin', 'fulfilment'],
  'POST /api/v1/console/fulfilment/giftcards/:slug': ['admin', 'fulfilment', 'manager'],
  'GET /api/v1/console/incidents': ['admin', 'manager', 'analyst', 'supervisor'],
  'GET /api/v1/console/incidents/:id/photos/:photoId': ['admin', 'manager', 'analyst', 'supervisor'],
  'POST /api/v1/console/campaigns/:slug/progress-updates': ['admin', 'manager'],
  'GET /api/v1/console/reports/cpsc-monthly': ['admin', 'manager', 'analyst', 'supervisor'],
  'GET /api/v1/console/dashboard': ['admin', 'manager', 'analyst', 'supervisor'],
  'GET /api/v1/console/dashboard/export': ['admin', 'manager', 'analyst', 'supervisor'],
  'GET /api/v1/console/webhooks': ['admin', 'manager'],
  'POST /api/v1/console/webhooks': ['admin', 'manager'],
  'POST /api/v1/console/webhooks/:id/deactivate': ['admin', 'manager'],
  'POST /api/v1/console/webhooks/:id/rotate-secret': ['admin', 'manager'],
  'GET /api/v1/console/webhooks/:id/deliveries': ['admin', 'manager'],
  'POST /api/v1/console/webhooks/deliveries/:id/resend': ['admin', 'manager'],
};

describe.each(await testDatabases())('staff console access on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof appWithExamples>>;
  const clients = {} as Record<StaffRole, ConsoleClient>;

  beforeAll(async () => {
    db = await open();
    harness = await appWithExamples(db);
    for (const role of STAFF_ROLES) clients[role] = await signIn(harness.app, db, role);
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  it('has a rule for every console route, and every rule in the matrix names a route', () => {
    // A rule's roles as they take effect: admin may do everything.
    const effective = (access: unknown) =>
      Array.isArray(access) ? [...new Set(['admin', ...access])].sort() : access;
    const actual = Object.fromEntries(
      harness.app.consoleRoutes.map((r) => [`${r.method} ${r.url}`, effective(r.access)]),
    );
    expect(Object.keys(actual).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [route, access] of Object.entries(actual))
      expect(access, route).toEqual(effective(EXPECTED[route]));
  });

  it('answers each role and an anonymous caller as the matrix says', async () => {
    // Sign-out last: it ends the session the other checks use.
    const routes = Object.entries(EXPECTED).sort(
      ([a], [b]) =>
        Number(a === 'DELETE /api/v1/console/session') - Number(b === 'DELETE /api/v1/console/session'),
    );
    const failures: string[] = [];
    for (const [route, access] of routes) {
      const [method, pattern] = route.split(' ') as [string, string];
      const url = pattern
        .replace(':id', 'clm_none')
        .replace(':evidenceId', 'evd_none')
        .replace(':slug', 'no-such-campaign');
      const inject = (headers: Record<string, string>) =>
        harness.app.inject({
          method: method as 'GET',
          url,
          headers,
          ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
        });
      const anonymous = await inject({});
      const anonymousExpected = access === 'public' ? 'not 401/403' : 401;
      if (access === 'public' ? [401, 403].includes(anonymous.statusCode) : anonymous.statusCode !== 401)
        failures.push(`${route} anonymous: ${anonymous.statusCode}, expected ${anonymousExpected}`);
      for (const role of STAFF_ROLES) {
        const client = clients[role];
        const response = await inject({ cookie: client.cookie, 'x-csrf-token': client.csrfToken });
        const allowed = access === 'public' || access === 'session' || access.includes(role);
        const denied = response.statusCode === 403 || response.statusCode === 401;
        if (allowed === denied)
          failures.push(`${route} as ${role}: ${response.statusCode} ${response.body.slice(0, 120)}`);
        if (denied) expect(response.json().error.code).toBe('forbidden');
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses a change without the session’s CSRF token, and a forged cookie', async () => {
    const admin = await signIn(harness.app, db, 'admin');
    const noToken = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/console/staff',
      headers: { cookie: admin.cookie },
      payload: { email: 'x@staff.example', role: 'reviewer' },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('csrf_invalid');
    const otherToken = await admin.post(
      '/api/v1/console/staff',
      { email: 'x@staff.example', role: 'reviewer' },
      { 'x-csrf-token': clients.admin.csrfToken },
    );
    expect(otherToken.json().error.code).toBe('csrf_invalid');
    const forged = await harness.app.inject({
      method: 'GET',
      url: '/api/v1/console/session',
      headers: { cookie: `rk_staff=${'A'.repeat(43)}` },
    });
    expect(forged.statusCode).toBe(401);
  });

  it('signs in with an HttpOnly, SameSite cookie; wrong passwords lock the account; sign-out ends the session', async () => {
    const admin = await signIn(harness.app, db, 'admin');
    const created = await admin.post('/api/v1/console/staff', {
      email: 'lock.me@staff.example',
      role: 'reviewer',
      password: STAFF_PASSWORD,
    });
    expect(created.statusCode).toBe(201);
    const ok = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/console/session',
      payload: { email: 'LOCK.ME@staff.example', password: STAFF_PASSWORD },
    });
    expect(ok.statusCode).toBe(200);
    const setCookie = String(ok.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/api\/v1\/console/);

    const attempt = (email: string, password: string, remoteAddress: string) =>
      harness.app.inject({
        method: 'POST',
        url: '/api/v1/console/session',
        payload: { email, password },
        remoteAddress,
      });
    const answer = (response: Awaited<ReturnType<typeof attempt>>) => [
      response.statusCode,
      response.json().error?.code,
      response.headers['retry-after'] === undefined ? 'no wait' : 'wait',
    ];
    // A known account and an unknown e-mail, each guessed from its own client: the same answers,
    // throttling included (nobody learns which staff e-mails exist).
    const sequences = [];
    for (const [email, client] of [
      ['lock.me@staff.example', '198.51.100.1'],
      ['nobody@staff.example', '198.51.100.2'],
    ] as const) {
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(answer(await attempt(email, 'wrong password!', client)));
      // Now each attempt waits (1 s after the sixth failure), even with the right password.
      answers.push(answer(await attempt(email, STAFF_PASSWORD, client)));
      sequences.push(answers);
    }
    expect(sequences[0]).toEqual([
      ...Array.from({ length: 6 }, () => [401, 'login_failed', 'no wait']),
      [429, 'rate_limited', 'wait'],
    ]);
    expect(sequences[1]).toEqual(sequences[0]);
    // Slowed, never locked: once the short wait is over, the real staff member signs in.
    await db.kysely
      .updateTable('login_throttle')
      .set({ blocked_until: new Date(Date.now() - 1000) })
      .execute();
    expect((await attempt('lock.me@staff.example', STAFF_PASSWORD, '198.51.100.3')).statusCode).toBe(200);
    // One client guessing many accounts is slowed too.
    const spray = [];
    for (let i = 0; i < 7; i++)
      spray.push((await attempt(`guess${i}@staff.example`, 'wrong password!', '198.51.100.4')).statusCode);
    expect(spray).toEqual([401, 401, 401, 401, 401, 401, 429]);

    const reviewer = await signIn(harness.app, db, 'reviewer');
    expect((await reviewer.delete('/api/v1/console/session')).statusCode).toBe(204);
    expect((await reviewer.get('/api/v1/console/session')).statusCode).toBe(401);
  });

  it('ends every other session on a password change, and all of them on deactivation', async () => {
    const admin = await signIn(harness.app, db, 'admin');
    const first = await signIn(harness.app, db, 'reviewer');
    const second = await login(harness.app, first.email, first.staffId);
    const weak = await first.post('/api/v1/console/session/password', {
      currentPassword: STAFF_PASSWORD,
      newPassword: 'short',
    });
    expect(weak.json().error.code).toBe('password_too_weak');
    const changed = await first.post('/api/v1/console/session/password', {
      currentPassword: STAFF_PASSWORD,
      newPassword: 'a much longer passphrase 42',
    });
    expect(changed.statusCode).toBe(204);
    expect((await first.get('/api/v1/console/session')).statusCode).toBe(200);
    expect((await second.get('/api/v1/console/session')).statusCode).toBe(401);

    const deactivated = await admin.post(`/api/v1/console/staff/${first.staffId}/deactivate`);
    expect(deactivated.json()).toMatchObject({ active: false });
    expect((await first.get('/api/v1/console/session')).statusCode).toBe(401);
    const again = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/console/session',
      payload: { email: first.email, password: 'a much longer passphrase 42' },
    });
    expect(again.json().error.code).toBe('login_failed');
  });

  it('lets a one-time password in only to choose a new one', async () => {
    const admin = await signIn(harness.app, db, 'admin');
    const created = await admin.post('/api/v1/console/staff', {
      email: 'new.reviewer@staff.example',
      name: 'New Reviewer',
      role: 'reviewer',
    });
    const { staff, oneTimePassword } = created.json();
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9]{20}$/);
    const client = await login(harness.app, 'new.reviewer@staff.example', staff.id, oneTimePassword);
    const queue = await client.get('/api/v1/console/claims');
    expect(queue.statusCode).toBe(403);
    expect(queue.json().error.code).toBe('password_change_required');
    expect(
      (
        await client.post('/api/v1/console/session/password', {
          currentPassword: oneTimePassword,
          newPassword: 'my own passphrase 2026',
        })
      ).statusCode,
    ).toBe(204);
    expect((await client.get('/api/v1/console/claims')).statusCode).toBe(200);
  });

  it('expires a session left idle', async () => {
    const client = await signIn(harness.app, db, 'reviewer');
    await db.kysely
      .updateTable('staff_session')
      .set({ last_seen_at: new Date(Date.now() - 2 * 3_600_000) })
      .where('staff_id', '=', client.staffId)
      .execute();
    expect((await client.get('/api/v1/console/session')).statusCode).toBe(401);
  });

  it('creates the first admin with a one-time password only on an empty staff table', async () => {
    const { ensureFirstAdmin, FIRST_ADMIN_EMAIL } = await import('./first-run.ts');
    const logged: string[] = [];
    const shown: string[] = [];
    const logger = {
      warn: (fields: unknown, message: string) => logged.push(JSON.stringify(fields) + message),
    } as never;
    const show = (login: { email: string; oneTimePassword: string }) =>
      shown.push(`${login.email} one-time password ${login.oneTimePassword}`);
    await ensureFirstAdmin(db.kysely, logger, 'http://recalls.test', show);
    expect([...logged, ...shown]).toEqual([]); // staff exist already
    const fresh = await open();
    try {
      await ensureFirstAdmin(fresh.kysely, logger, 'http://recalls.test', show);
      expect(shown[0]).toContain(FIRST_ADMIN_EMAIL);
      const password = /one-time password (\S+)/.exec(shown[0] as string)?.[1];
      // Shown once on the terminal, never in the log.
      expect(logged[0]).toContain(FIRST_ADMIN_EMAIL);
      expect(logged.join('\n')).not.toContain(password);
      const row = await fresh.kysely.selectFrom('staff_user').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ role: 'admin', must_change_password: true });
      expect(password).toBeTruthy();
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      await createStaff(fresh.kysely, { email: 'second@staff.example', role: 'reviewer' }, 'test');
    } finally {
      await fresh.close();
    }
  });

  it('refuses to deactivate the last active admin, even two admins deactivating each other at once', async () => {
    const fresh = await open();
    try {
      const admin = (email: string) =>
        createStaff(fresh.kysely, { email, role: 'admin', password: STAFF_PASSWORD }, 'test').then(
          (r) => r.staff.id,
        );
      const [a, b] = [await admin('a@staff.example'), await admin('b@staff.example')];
      const deactivate = (who: string, by: string) =>
        fresh
          .transaction((tx) => deactivateStaff(tx.kysely, who, by))
          .then(
            () => 'done',
            (error) => error.code,
          );
      const outcomes = await Promise.all([deactivate(a, b), deactivate(b, a)]);
      expect(outcomes.sort()).toEqual(['done', 'staff_last_admin']);
      const active = await fresh.kysely
        .selectFrom('staff_user')
        .select('id')
        .where('deactivated_at', 'is', null)
        .execute();
      expect(active).toHaveLength(1);
      const last = active[0]?.id as string;
      expect(await deactivate(last, last)).toBe('staff_last_admin');
      // `recallkit staff reactivate` brings the other back.
      expect((await reactivateStaff(fresh.kysely, last === a ? b : a)).active).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('keeps the audit trail append-only in the database itself', async () => {
    await expect(
      db.kysely
        .updateTable('audit_event')
        .set({ action: 'x' } as never)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.kysely.deleteFrom('audit_event').execute()).rejects.toThrow(/append-only/);
  });

  it('keeps the token out of reach: a client for a signed-out session is refused', async () => {
    const client = await signIn(harness.app, db, 'analyst');
    await client.delete('/api/v1/console/session');
    const reused = clientFor(harness.app, client.email, client.staffId, client.cookie, client.csrfToken);
    expect((await reused.get('/api/v1/console/campaigns')).statusCode).toBe(401);
  });
});
