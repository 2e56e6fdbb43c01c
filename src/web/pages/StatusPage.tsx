import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useParams } from 'react-router';
import { DISPOSAL_CONFIRMABLE } from '../../shared/claim-rules.ts';
import type { ClaimStatusResponse } from '../../shared/contracts/claims.ts';
import { formatMoney } from '../../shared/money.ts';
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
  // Why the claim is where it is, in the owner's language: what to redo, or why it was not approved.
  const note =
    data.status === 'needs_info' || data.status === 'rejected'
      ? ([...data.timeline].reverse().find((event) => event.status === data.status)?.note ?? null)
      : null;
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
        {note && <p className="status-note">{note}</p>}
      </section>
      <p className="hint">{t('web.status_link_help')}</p>

      {(data.next === 'provide_info' || data.next === 'add_evidence') && (
        <section>
          {(data.next === 'provide_info'
            ? [...new Set([...data.requiredEvidence, 'receipt' as const])]
            : data.requiredEvidence
          ).map((kind) => (
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
          {data.next === 'provide_info' && (
            <SendAgain claim={data} token={token} onSent={() => void claim.refetch()} />
          )}
        </section>
      )}

      {data.fulfilment && <Fulfilment fulfilment={data.fulfilment} />}

      {data.disposal.confirmBeforeRemedy && data.status !== 'draft' && (
        <DisposalConfirmation claim={data} token={token} onConfirmed={() => void claim.refetch()} />
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

/** Where the campaign holds the remedy until the unit is dropped off, the owner confirms it here. */
function DisposalConfirmation({
  claim,
  token,
  onConfirmed,
}: {
  claim: ClaimStatusResponse;
  token: string;
  onConfirmed: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [checked, setChecked] = useState(false);
  const confirm = useMutation({
    mutationFn: () => api.confirmDisposal(claim.id, token),
    onSuccess: onConfirmed,
  });
  const { confirmedAt, dropOffFinderUrl } = claim.disposal;
  if (confirmedAt)
    return (
      <p className="hint">
        {t('web.disposal_confirmed', {
          date: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(confirmedAt)),
        })}
      </p>
    );
  if (!DISPOSAL_CONFIRMABLE.has(claim.status)) return null;
  return (
    <section
      aria-labelledby="disposal-title"
      className={claim.next === 'confirm_disposal' ? 'result result-suggestion' : undefined}
    >
      <h2 id="disposal-title">{t('web.disposal_confirm_title')}</h2>
      <p>{t('web.disposal_confirm_help')}</p>
      {dropOffFinderUrl && (
        <p>
          <a href={dropOffFinderUrl} rel="noopener noreferrer" target="_blank">
            {t('web.disposal_find')}
          </a>
        </p>
      )}
      <PhotoUpload
        claimId={claim.id}
        token={token}
        kind="disposal"
        label={t('web.photo_disposal')}
        instructions=""
        onUploaded={() => {}}
      />
      <label className="choice-line">
        <input type="checkbox" checked={checked} onChange={(event) => setChecked(event.target.checked)} />{' '}
        {t('web.disposal_confirm_check')}
      </label>
      {confirm.error && (
        <p role="alert">
          {confirm.error instanceof ApiError ? confirm.error.message : t('web.network_error')}
        </p>
      )}
      <button
        type="button"
        className="button"
        disabled={!checked || confirm.isPending}
        onClick={() => confirm.mutate()}
      >
        {t('web.disposal_confirm_button')}
      </button>
    </section>
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

/** After a request for information: the owner sends the claim back once the new photos are in. */
function SendAgain({
  claim,
  token,
  onSent,
}: {
  claim: ClaimStatusResponse;
  token: string;
  onSent: () => void;
}) {
  const { t } = useTranslation();
  const [key] = useState(() => crypto.randomUUID());
  const send = useMutation({
    mutationFn: () => api.submitClaim(claim.id, token, claim.disposal.attestedAt !== null, key),
    onSuccess: onSent,
  });
  return (
    <div className="send-again">
      {send.error && (
        <p role="alert" className="error">
          {send.error instanceof ApiError ? send.error.message : t('web.network_error')}
        </p>
      )}
      <button type="button" onClick={() => send.mutate()} disabled={send.isPending}>
        {t('web.send_again')}
      </button>
    </div>
  );
}

/** The remedy: its state, and what the owner needs to use or follow it. */
function Fulfilment({ fulfilment }: { fulfilment: NonNullable<ClaimStatusResponse['fulfilment']> }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="result fulfilment" aria-labelledby="remedy-title" data-state={fulfilment.state}>
      <h2 id="remedy-title">{t('web.remedy_title')}</h2>
      <p>{t(`web.remedy_state_${fulfilment.state}`)}</p>
      {fulfilment.code && (
        <p>
          {t('web.remedy_code')}: <strong className="remedy-code">{fulfilment.code}</strong>
        </p>
      )}
      {fulfilment.amountMinor !== null && fulfilment.currency && (
        <p>
          {t('web.remedy_amount')}: {formatMoney(fulfilment.amountMinor, fulfilment.currency, i18n.language)}
        </p>
      )}
      {fulfilment.trackingUrl && (
        <p>
          <a
            className="tracking-link"
            href={fulfilment.trackingUrl}
            rel="noopener noreferrer"
            target="_blank"
          >
            {t('web.remedy_track', { carrier: fulfilment.carrier, tracking: fulfilment.trackingNumber })}
          </a>
        </p>
      )}
    </section>
  );
}
