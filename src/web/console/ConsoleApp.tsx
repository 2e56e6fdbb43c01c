import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, lazy, Suspense, useEffect, useState } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { CONSOLE_RULES, mayUse } from '../../shared/console-roles.ts';
import { ApiError } from '../api.ts';
import { AuditPage } from './AuditPage.tsx';
import { CampaignPage, CampaignsPage } from './CampaignsPage.tsx';
import { consoleFetch, type Session, setCsrfToken } from './console-api.ts';
import { FindClaimsPage } from './FindClaimsPage.tsx';
import { FulfilmentPage } from './FulfilmentPage.tsx';
import { NewCampaignPage } from './NewCampaignPage.tsx';
import { NoticesPage } from './NoticesPage.tsx';
import { OutboxPage } from './OutboxPage.tsx';
import { PrivacyPage } from './PrivacyPage.tsx';
import { ReportsPage } from './ReportsPage.tsx';
import { ReviewPage } from './ReviewPage.tsx';
import { StaffPage } from './StaffPage.tsx';
import { WebhooksPage } from './WebhooksPage.tsx';
import './console.css';

/** Chart.js comes with the dashboard only. */
const DashboardPage = lazy(() => import('./DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })));

function useSession() {
  return useQuery({
    queryKey: ['console', 'session'],
    queryFn: async () => {
      try {
        const session = await consoleFetch<Session>('/session');
        setCsrfToken(session.csrfToken);
        return session;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** The staff console: sign-in, then the pages each role may use. */
export default function ConsoleApp() {
  const session = useSession();
  useEffect(() => {
    document.title = 'Recallkit console';
  }, []);
  if (session.isPending) return <p className="console-loading">Loading…</p>;
  if (!session.data) return <LoginPage />;
  if (session.data.staff.mustChangePassword) return <PasswordPage session={session.data} forced />;
  const role = session.data.staff.role;
  const home = mayUse(role, CONSOLE_RULES.review)
    ? 'review'
    : role === 'fulfilment'
      ? 'fulfilment'
      : mayUse(role, CONSOLE_RULES.campaignsRead)
        ? 'campaigns'
        : 'password';
  return (
    <div className="console">
      <ConsoleHeader session={session.data} />
      <main id="main" className="console-main" tabIndex={-1}>
        <Routes>
          <Route index element={<Navigate to={home} replace />} />
          {mayUse(role, CONSOLE_RULES.review) && (
            <Route path="review/:claimId?" element={<ReviewPage session={session.data} />} />
          )}
          {mayUse(role, CONSOLE_RULES.findClaims) && (
            <Route path="claims" element={<FindClaimsPage canOpen={mayUse(role, CONSOLE_RULES.review)} />} />
          )}
          {mayUse(role, CONSOLE_RULES.campaignsRead) && (
            <Route
              path="campaigns"
              element={<CampaignsPage canEdit={mayUse(role, CONSOLE_RULES.campaignsEdit)} />}
            />
          )}
          {mayUse(role, CONSOLE_RULES.campaignsEdit) && (
            <Route path="campaigns/new" element={<NewCampaignPage />} />
          )}
          {mayUse(role, CONSOLE_RULES.campaignsRead) && (
            <Route
              path="campaigns/:slug"
              element={<CampaignPage canEdit={mayUse(role, CONSOLE_RULES.campaignsEdit)} />}
            />
          )}
          {mayUse(role, CONSOLE_RULES.fulfilmentOverview) && (
            <Route
              path="fulfilment"
              element={
                <FulfilmentPage
                  csrfToken={session.data.csrfToken}
                  canWork={mayUse(role, CONSOLE_RULES.fulfilment)}
                />
              }
            />
          )}
          {mayUse(role, CONSOLE_RULES.reports) && (
            <Route
              path="dashboard"
              element={
                <Suspense fallback={<p>Loading…</p>}>
                  <DashboardPage />
                </Suspense>
              }
            />
          )}
          {mayUse(role, CONSOLE_RULES.reports) && <Route path="reports" element={<ReportsPage />} />}
          {mayUse(role, CONSOLE_RULES.notices) && <Route path="notices" element={<NoticesPage />} />}
          {mayUse(role, CONSOLE_RULES.webhooks) && <Route path="webhooks" element={<WebhooksPage />} />}
          {mayUse(role, CONSOLE_RULES.admin) && <Route path="staff" element={<StaffPage />} />}
          {mayUse(role, CONSOLE_RULES.admin) && <Route path="audit" element={<AuditPage />} />}
          {mayUse(role, CONSOLE_RULES.admin) && <Route path="privacy" element={<PrivacyPage />} />}
          {session.data.features.outbox && <Route path="outbox" element={<OutboxPage />} />}
          <Route path="password" element={<PasswordPage session={session.data} />} />
          <Route path="*" element={<p>There is nothing here for your role.</p>} />
        </Routes>
      </main>
    </div>
  );
}

function ConsoleHeader({ session }: { session: Session }) {
  const queryClient = useQueryClient();
  const role = session.staff.role;
  const logout = useMutation({
    mutationFn: () => consoleFetch('/session', { method: 'DELETE' }),
    onSettled: () => queryClient.setQueryData(['console', 'session'], null),
  });
  return (
    <header className="console-header">
      <span className="console-brand">Recallkit console</span>
      <nav aria-label="Console">
        {mayUse(role, CONSOLE_RULES.review) && <NavLink to="/console/review">Review</NavLink>}
        {mayUse(role, CONSOLE_RULES.findClaims) && <NavLink to="/console/claims">Find claims</NavLink>}
        {mayUse(role, CONSOLE_RULES.campaignsRead) && <NavLink to="/console/campaigns">Campaigns</NavLink>}
        {mayUse(role, CONSOLE_RULES.fulfilmentOverview) && (
          <NavLink to="/console/fulfilment">Fulfilment</NavLink>
        )}
        {mayUse(role, CONSOLE_RULES.reports) && <NavLink to="/console/dashboard">Dashboard</NavLink>}
        {mayUse(role, CONSOLE_RULES.reports) && <NavLink to="/console/reports">Reports</NavLink>}
        {mayUse(role, CONSOLE_RULES.notices) && <NavLink to="/console/notices">Notices</NavLink>}
        {mayUse(role, CONSOLE_RULES.webhooks) && <NavLink to="/console/webhooks">Webhooks</NavLink>}
        {mayUse(role, CONSOLE_RULES.admin) && <NavLink to="/console/staff">Staff</NavLink>}
        {mayUse(role, CONSOLE_RULES.admin) && <NavLink to="/console/audit">Audit trail</NavLink>}
        {mayUse(role, CONSOLE_RULES.admin) && <NavLink to="/console/privacy">Privacy</NavLink>}
        {session.features.outbox && <NavLink to="/console/outbox">Outbox</NavLink>}
        <NavLink to="/console/password">Password</NavLink>
      </nav>
      <span className="console-who">
        {session.staff.name} ({role}){' '}
        <button type="button" className="link-button" onClick={() => logout.mutate()}>
          Sign out
        </button>
      </span>
    </header>
  );
}

function LoginPage() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => consoleFetch<Session>('/session', { method: 'POST', body: { email, password } }),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      queryClient.setQueryData(['console', 'session'], session);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <main id="main" className="console-login">
      <h1>Recallkit console</h1>
      <form onSubmit={submit}>
        <label>
          E-mail
          <input
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {login.error && (
          <p role="alert" className="console-error">
            {login.error.message}
          </p>
        )}
        <button type="submit" disabled={login.isPending}>
          Sign in
        </button>
      </form>
    </main>
  );
}

function PasswordPage({ session, forced = false }: { session: Session; forced?: boolean }) {
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () =>
      consoleFetch('/session/password', {
        method: 'POST',
        body: { currentPassword: current, newPassword: next },
      }),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      queryClient.invalidateQueries({ queryKey: ['console', 'session'] });
    },
  });
  return (
    <section className={forced ? 'console-login' : undefined}>
      <h1>{forced ? 'Choose your own password' : 'Change your password'}</h1>
      {forced && (
        <p>
          You signed in as {session.staff.email} with a one-time password. Choose a password of your own to go
          on.
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate();
        }}
      >
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </label>
        <label>
          New password (at least 12 characters)
          <input
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            minLength={12}
            required
          />
        </label>
        {change.error && (
          <p role="alert" className="console-error">
            {change.error.message}
          </p>
        )}
        {change.isSuccess && <p role="status">Password changed. Your other sessions were signed out.</p>}
        <button type="submit" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </section>
  );
}
