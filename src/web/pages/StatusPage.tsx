import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useParams } from 'react-router';
import { ApiError, api } from '../api.ts';
import { PhotoUpload } from '../components/PhotoUpload.tsx';

/** The owner's private page for one claim; the secret is in the URL fragment (#t=…). */
export function StatusPage() {
  const { id = '' } = useParams();
  const { hash } = useLocation();
  const token = new URLSearchParams(hash.slice(1)).get('t') ?? '';
  const { t, i18n } = useTranslation();
  const claim = useQuery({
    queryKey: ['claim', id, token, i18n.language],
    queryFn: ({ signal }) => api.claim(id, token, signal),
    enabled: token !== '',
    retry: (count, error) => !(error instanceof ApiError) && count < 2,
    refetchInterval: (query) =>
      ['submitted', 'verifying'].includes(query.state.data?.status ?? '') ? 2000 : false,
  });
  if (!token) return <p role="alert">{t('web.no_link')}</p>;
  if (claim.error)
    return (
      <p role="alert">{claim.error instanceof ApiError ? claim.error.message : t('web.network_error')}</p>
    );
  if (!claim.data) return <p>{t('web.loading')}</p>;
  const data = claim.data;
  const date = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

  return (
    <div className="status">
      <h1>{t('web.status_title', { code: data.code })}</h1>
      <p className="muted">
        {data.campaign.title} · {data.model}
        {data.serial ? ` · ${data.serial}` : ''}
      </p>
      <section className="result" aria-labelledby="status-now">
        <h2 id="status-now">{t('web.status_now')}</h2>
        <p className="status-label" data-status={data.status}>
          {t(`web.status_${data.status}`)}
        </p>
        <p>{t(`web.next_${data.next}`)}</p>
      </section>
      <p className="hint">{t('web.status_link_help')}</p>

      {(data.next === 'provide_info' || data.next === 'add_evidence') && (
        <section>
          {data.requiredEvidence.map((kind) => (
            <PhotoUpload
              key={kind}
              claimId={data.id}
              token={token}
              kind={kind}
              label={t(`web.photo_${kind}`)}
              instructions=""
              onUploaded={() => void claim.refetch()}
            />
          ))}
        </section>
      )}

      {data.evidence.length > 0 && (
        <section aria-labelledby="photos-title">
          <h2 id="photos-title">{t('web.your_photos')}</h2>
          <div className="thumbnails">
            {data.evidence.map((evidence) => (
              <Thumbnail
                key={evidence.id}
                claimId={data.id}
                evidenceId={evidence.id}
                token={token}
                alt={t(`web.photo_${evidence.kind}`)}
              />
            ))}
          </div>
        </section>
      )}

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('web.timeline')}</h2>
        <ol className="timeline">
          {data.timeline.map((event) => (
            <li key={`${event.at}-${event.type}-${event.status ?? ''}`}>
              <time dateTime={event.at}>{date(event.at)}</time> · {t(`web.event_${event.type}`)}
              {event.status ? `: ${t(`web.status_${event.status}`)}` : ''}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function Thumbnail({
  claimId,
  evidenceId,
  token,
  alt,
}: {
  claimId: string;
  evidenceId: string;
  token: string;
  alt: string;
}) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let objectUrl: string | undefined;
    api.claimPhoto(claimId, evidenceId, token).then(
      (u) => {
        objectUrl = u;
        setUrl(u);
      },
      () => {},
    );
    return () => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [claimId, evidenceId, token]);
  return url ? <img src={url} alt={alt} className="thumbnail" /> : null;
}
