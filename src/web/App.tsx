import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useLocation } from 'react-router';
import { LanguageSwitcher } from './components/LanguageSwitcher.tsx';
import { ClaimPage } from './pages/ClaimPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { IncidentPage } from './pages/IncidentPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { NoticeLinkPage, UnsubscribePage } from './pages/NoticePages.tsx';
import { ProgressPage } from './pages/ProgressPage.tsx';
import { RecallPage } from './pages/RecallPage.tsx';
import { RecoverPage } from './pages/RecoverPage.tsx';
import { StatusPage } from './pages/StatusPage.tsx';

/** The staff console is its own bundle: owners on phones never download it. */
const ConsoleApp = lazy(() => import('./console/ConsoleApp.tsx'));

export function App() {
  const { t } = useTranslation();
  if (useLocation().pathname.startsWith('/console'))
    return (
      <Suspense fallback={<p>Loading…</p>}>
        <Routes>
          <Route path="/console/*" element={<ConsoleApp />} />
        </Routes>
      </Suspense>
    );
  return (
    <>
      <a className="skip-link" href="#main">
        {t('web.skip_to_content')}
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          {t('web.site_name')}
        </Link>
        <LanguageSwitcher />
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/recalls/:slug" element={<RecallPage />} />
          <Route path="/claim" element={<ClaimPage />} />
          <Route path="/c/:id" element={<StatusPage />} />
          <Route path="/lost-link" element={<RecoverPage />} />
          <Route path="/n" element={<NoticeLinkPage />} />
          <Route path="/unsubscribe" element={<UnsubscribePage />} />
          <Route path="/report-incident" element={<IncidentPage />} />
          <Route path="/recalls/:slug/progress" element={<ProgressPage />} />
          <Route path="/:lang/recalls/:slug/progress" element={<ProgressPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </main>
      <footer className="site-footer">
        <p>
          <Link to="/lost-link">{t('web.lost_link')}</Link>
        </p>
        <p className="muted">
          {t('web.footer')} <a href="/api/docs">{t('web.for_partners')}</a>
        </p>
      </footer>
    </>
  );
}
