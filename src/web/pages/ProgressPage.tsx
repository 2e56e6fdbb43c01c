import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { pickLanguage } from '../../shared/languages.ts';
import { ApiError, api } from '../api.ts';
import { BrandBand } from '../components/Brand.tsx';
import { formatNumber } from '../format.ts';
import { setLanguage } from '../i18n.ts';
import { NotFoundPage } from './NotFoundPage.tsx';

/** A recall's public progress: how many units are out of people's homes, and the brand's updates. */
export function ProgressPage() {
  const { slug = '', lang } = useParams();
  const { t, i18n } = useTranslation();
  useEffect(() => {
    if (lang) setLanguage(pickLanguage(lang));
  }, [lang]);
  const language = i18n.language;
  const progress = useQuery({
    queryKey: ['progress', slug, language],
    queryFn: ({ signal }) => api.progress(slug, signal),
    retry: (count, error) => !(error instanceof ApiError) && count < 1,
  });
  const recall = useQuery({
    queryKey: ['campaign', slug, language],
    queryFn: ({ signal }) => api.campaign(slug, signal),
    retry: false,
  });
  if (progress.error instanceof ApiError && progress.error.status === 404) return <NotFoundPage />;
  if (progress.error) return <p role="alert">{t('web.network_error')}</p>;
  if (!progress.data) return <p>{t('web.loading')}</p>;
  const p = progress.data;
  const figure = (label: string, value: string, testId: string) => (
    <div className="figure">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
  return (
    <article className="progress">
      <BrandBand brand={recall.data?.brand} />
      <h1>{t('web.progress_title', { recall: p.title })}</h1>
      <dl className="figures">
        {figure(t('web.progress_units_affected'), formatNumber(p.unitsAffected, language), 'units-affected')}
        {figure(t('web.progress_claims'), formatNumber(p.claimsReceived, language), 'claims-received')}
        {figure(
          t('web.progress_corrected'),
          `${formatNumber(p.unitsCorrected, language)} (${new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(p.percentCorrected)} %)`,
          'units-corrected',
        )}
        {figure(t('web.progress_incidents'), formatNumber(p.incidentsReported, language), 'incidents')}
      </dl>
      <p className="muted">
        {t('web.progress_as_of', {
          time: new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(
            new Date(p.asOf),
          ),
        })}
      </p>
      {p.updates.length > 0 && (
        <section aria-labelledby="updates-title">
          <h2 id="updates-title">{t('web.progress_updates')}</h2>
          <ol className="timeline">
            {p.updates.map((update) => (
              <li key={update.at}>
                <time dateTime={update.at}>
                  {new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(new Date(update.at))}
                </time>{' '}
                · {update.text}
              </li>
            ))}
          </ol>
        </section>
      )}
      <p className="actions">
        <Link className="button" to={`/recalls/${p.campaign}`}>
          {t('web.read_recall')}
        </Link>{' '}
        <Link className="button button-secondary" to={`/report-incident?campaign=${p.campaign}`}>
          {t('web.report_incident')}
        </Link>
      </p>
    </article>
  );
}
