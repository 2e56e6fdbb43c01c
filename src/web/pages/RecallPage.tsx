import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, api } from '../api.ts';
import { BrandBand, SupportContact } from '../components/Brand.tsx';
import { RemedyList } from '../components/RemedyList.tsx';
import { SerialLabelPicture } from '../components/SerialLabelPicture.tsx';
import { countryName, formatDate, formatNumber } from '../format.ts';
import { NotFoundPage } from './NotFoundPage.tsx';

export function RecallPage() {
  const { slug = '' } = useParams();
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const query = useQuery({
    queryKey: ['campaign', slug, language, 'page'],
    queryFn: ({ signal }) => api.campaign(slug, signal, 'page'), // counted as a visit
    retry: (count, error) => !(error instanceof ApiError) && count < 1,
  });
  if (query.error instanceof ApiError && query.error.status === 404) return <NotFoundPage />;
  if (query.error) return <p role="alert">{t('web.network_error')}</p>;
  if (!query.data) return <p>{t('web.loading')}</p>;
  const recall = query.data;

  return (
    <article className="recall">
      <BrandBand brand={recall.brand} />
      <h1>{recall.title}</h1>
      <p className="muted">
        {t('web.recall_announced', {
          date: formatDate(recall.announcedOn, language),
          authority: recall.regulator.authority,
        })}
        {recall.regulator.reference && (
          <> · {t('web.recall_reference', { reference: recall.regulator.reference })}</>
        )}
      </p>
      <p className="hazard-banner">
        <strong>{t('web.hazard')}:</strong> {recall.hazard}
      </p>
      {recall.summary && <p className="lead">{recall.summary}</p>}
      {!recall.claimsOpen && (
        <div className="notice">
          <p>
            <strong>{t('web.claims_closed')}</strong>
          </p>
          <SupportContact brand={recall.brand} />
        </div>
      )}

      <h2>{t('web.next_steps')}</h2>
      <ol className="steps">
        {recall.instructions.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <p className="actions">
        <Link className="button" to="/">
          {t('web.check_serial')}
        </Link>{' '}
        <Link className="button button-secondary" to={`/recalls/${recall.slug}/progress`}>
          {t('web.progress_link')}
        </Link>{' '}
        <Link className="button button-secondary" to={`/report-incident?campaign=${recall.slug}`}>
          {t('web.report_incident')}
        </Link>
      </p>

      <h2>{t('web.remedies_by_country')}</h2>
      {recall.jurisdictions.map((jurisdiction) => (
        <section key={jurisdiction.country} className="jurisdiction">
          <h3>{countryName(jurisdiction.country, language, t('web.everywhere_else'))}</h3>
          <RemedyList
            remedies={jurisdiction.remedies}
            returnRequired={jurisdiction.returnRequired}
            disposal={jurisdiction.disposal}
          />
        </section>
      ))}

      <h2>{t('web.affected_models')}</h2>
      <table className="models">
        <thead>
          <tr>
            <th scope="col">{t('web.model_code')}</th>
            <th scope="col">{t('web.model_name')}</th>
            <th scope="col">{t('web.serial_label')}</th>
          </tr>
        </thead>
        <tbody>
          {recall.models.map((model) => (
            <tr key={model.code}>
              <td>{model.code}</td>
              <td>{model.name}</td>
              <td>{model.recalledAsWhole ? t('web.whole_model') : t('web.listed_serials')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t('web.units', { units: formatNumber(recall.units, language) })}</p>

      <h2>{t('web.where_serial')}</h2>
      <SerialLabelPicture />
      {recall.serialHelp.whereToFind && <p>{recall.serialHelp.whereToFind}</p>}
      {recall.serialHelp.description && <p>{recall.serialHelp.description}</p>}

      <h2>{t('web.evidence')}</h2>
      <ul>
        {recall.evidence.photos.map((photo) => (
          <li key={photo.kind}>
            {photo.instructions}{' '}
            <span className="muted">({photo.required ? t('web.required') : t('web.optional')})</span>
          </li>
        ))}
      </ul>
      {recall.evidence.proofOfPurchaseAlternative && <p>{t('web.proof_of_purchase')}</p>}

      {recall.claimsOpen && <SupportContact brand={recall.brand} />}

      {(recall.incidents || recall.soldAt) && (
        <dl className="facts">
          {recall.incidents && (
            <>
              <dt>{t('web.incidents')}</dt>
              <dd>{recall.incidents}</dd>
            </>
          )}
          {recall.soldAt && (
            <>
              <dt>{t('web.sold_at')}</dt>
              <dd>{recall.soldAt}</dd>
            </>
          )}
        </dl>
      )}
    </article>
  );
}
