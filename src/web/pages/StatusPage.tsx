import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { DISPOSAL_CONFIRMABLE } from '../../shared/claim-rules.ts';
import type { ClaimStatusResponse } from '../../shared/contracts/claims.ts';
import { formatMoney } from '../../shared/money.ts';
import { ApiError, api } from '../api.ts';
import { BrandBand, SupportContact } from '../components/Brand.tsx';
import { PhotoUpload } from '../components/PhotoUpload.tsx';
import { StepIndicator } from '../components/StepIndicator.tsx';
import { forgetDraft } from '../draft-store.ts';
import { EvidenceStep } from './claim/EvidenceStep.tsx';

/** Something is still happening: the page asks again until it settles. */
function settling(claim: ClaimStatusResponse | undefined): boolean {
  if (!claim) return false;
  return (
    ['submitted', 'verifying'].includes(claim.status) ||
    claim.evidence.some((evidence) => evidence.state === 'processing') ||
    ['issuing', 'pending'].includes(claim.fulfilment?.state ?? '')
  );
}

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
    refetchInterval: (query) => (settling(query.state.data) ? 2000 : false),
  });
  const slug = claim.data?.campaign.slug ?? '';
  const recall = useQuery({
    queryKey: ['campaign', slug, i18n.language],
    queryFn: ({ signal }) => api.campaign(slug, signal),
    enabled: slug !== '',
  });
  useEffect(() => {
    if (claim.data && claim.data.status !== 'draft') forgetDraft(claim.data.id);
  }, [claim.data]);
  if (!token || claim.error)
    return (
      <div role="alert">
        <p>
          {!token
            ? t('web.no_link')
            : claim.error instanceof ApiError
              ? claim.error.message
              : t('web.network_error')}
        </p>
        <p>
          <Link to="/lost-link">{t('web.lost_link')}</Link>
        </p>
      </div>
    );
  if (!claim.data) return <p>{t('web.loading')}</p>;
  const data = claim.data;
  if (data.status === 'draft')
    return (
      <div className="claim">
        <BrandBand brand={recall.data?.brand} />
        <StepIndicator current={2} />
        <h1>{t('web.claim_title', { recall: data.campaign.title })}</h1>
        <p className="muted">{t('web.claim_unit', { model: data.model, serial: data.serial ?? '' })}</p>
        {recall.data ? (
          <EvidenceStep
            recall={recall.data}
            draft={data}
            token={token}
            onSubmitted={() => {
              forgetDraft(data.id);
              void claim.refetch();
            }}
          />
        ) : (
          <p>{t('web.loading')}</p>
        )}
      </div>
    );
  // Why the claim is where it is, in the owner's language: what to redo, or why it was not approved.
  const note =
    data.status === 'needs_info' || data.status === 'rejected'
      ? ([...data.timeline].reverse().find((event) => event.status === data.status)?.note ?? null)
      : null;
  const date = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

  return (
    <div className="status">
      <BrandBand brand={recall.data?.brand} />
      {data.status === 'submitted' && <StepIndicator current={3} />}
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

      {data.next === 'provide_info' && (
        <section>
          {[...new Set([...data.requiredEvidence, 'receipt' as const])].map((kind) => (
            <PhotoUpload
              key={kind}
              claimId={data.id}
              token={token}
              kind={kind}
              label={t(`web.photo_${kind}`)}
              instructions=""
              existing={data.evidence.find((evidence) => evidence.kind === kind)?.id}
              onUploaded={() => void claim.refetch()}
            />
          ))}
          <SendAgain claim={data} token={token} onSent={() => void claim.refetch()} />
        </section>
      )}

      {data.fulfilment && <Fulfilment fulfilment={data.fulfilment} />}

      {data.disposal.confirmBeforeRemedy && (
        <DisposalConfirmation claim={data} token={token} onConfirmed={() => void claim.refetch()} />
      )}

      {data.evidence.length > 0 && (
        <section aria-labelledby="photos-title">
          <h2 id="photos-title">{t('web.your_photos')}</h2>
          <div className="thumbnails">
            {data.evidence.map((evidence) => (
              <Thumbnail
                key={`${evidence.id}-${evidence.state}`}
                claimId={data.id}
                evidenceId={evidence.id}
                state={evidence.state}
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
      <SupportContact brand={recall.data?.brand} />
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

/** A photo on the claim: its display copy once the job has made it, a placeholder until then. */
function Thumbnail({
  claimId,
  evidenceId,
  state,
  token,
  alt,
}: {
  claimId: string;
  evidenceId: string;
  state: ClaimStatusResponse['evidence'][number]['state'];
  token: string;
  alt: string;
}) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (state !== 'ready') return;
    let objectUrl: string | undefined;
    let live = true;
    api.claimPhotoBlob(claimId, evidenceId, token).then(
      (blob) => {
        if (!live) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      () => {},
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [claimId, evidenceId, state, token]);
  if (url) return <img src={url} alt={alt} className="thumbnail" />;
  return (
    <span className="thumbnail thumbnail-pending" role="img" aria-label={alt}>
      {state === 'unreadable' ? t('web.photo_unreadable') : t('web.reading_photo')}
    </span>
  );
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
