import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { pickJurisdiction, requiredEvidenceKinds } from '../../shared/claim-rules.ts';
import type { CampaignDetail } from '../../shared/contracts/catalog.ts';
import type { CreateClaimBody, CreateClaimResponse } from '../../shared/contracts/claims.ts';
import { type Language, pickLanguage } from '../../shared/languages.ts';
import { ApiError, api } from '../api.ts';
import { MarkedExample } from '../components/MarkedExample.tsx';
import { PhotoUpload } from '../components/PhotoUpload.tsx';
import { countryName } from '../format.ts';

/** Countries offered first; the campaign's own jurisdictions are always in the list. */
const COMMON_COUNTRIES = [
  'US',
  'CN',
  'CA',
  'MX',
  'GB',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'AU',
  'JP',
  'KR',
  'IN',
  'BR',
];

export function ClaimPage() {
  const [params] = useSearchParams();
  const slug = params.get('campaign') ?? '';
  const serial = params.get('serial') ?? '';
  const model = params.get('model') ?? '';
  const { t, i18n } = useTranslation();
  const recall = useQuery({
    queryKey: ['campaign', slug, i18n.language],
    queryFn: ({ signal }) => api.campaign(slug, signal),
  });
  if (!recall.data) return <p>{recall.error ? t('web.network_error') : t('web.loading')}</p>;
  return <ClaimForm recall={recall.data} serial={serial} model={model} />;
}

function ClaimForm({ recall, serial, model }: { recall: CampaignDetail; serial: string; model: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const language = pickLanguage(i18n.language) as Language;
  const defaultCountry = recall.jurisdictions.find((j) => j.country !== '*')?.country ?? 'US';
  const [form, setForm] = useState({
    name: '',
    email: '',
    phone: '',
    country: defaultCountry,
    hasUnit: true,
    orderNumber: '',
    incident: '',
    remedy: '',
    line1: '',
    line2: '',
    city: '',
    region: '',
    postalCode: '',
  });
  const [created, setCreated] = useState<CreateClaimResponse | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [uploaded, setUploaded] = useState<Set<string>>(new Set());
  const [attested, setAttested] = useState(false);
  // One key per form: a double tap or a retried request creates one claim, not two.
  const createKey = useMemo(() => crypto.randomUUID(), []);
  const submitKey = useMemo(() => crypto.randomUUID(), []);

  const jurisdiction = pickJurisdiction(recall.jurisdictions, form.country);
  const remedies = jurisdiction?.remedies ?? [];
  const needsAddress = form.remedy === 'replacement' || jurisdiction?.returnRequired === true;
  const countries = [
    ...new Set([...recall.jurisdictions.map((j) => j.country).filter((c) => c !== '*'), ...COMMON_COUNTRIES]),
  ];
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [field]: event.target.value });
  const photos = form.hasUnit
    ? recall.evidence.photos
    : recall.evidence.photos.filter((p) => p.kind === 'receipt');
  // The same rule the API applies at submission, so the button is enabled exactly when it would pass.
  const missing = requiredEvidenceKinds(recall.evidence.photos, {
    hasUnit: form.hasUnit,
    hasOrderNumber: form.orderNumber.trim() !== '',
  }).filter((kind) => !uploaded.has(kind));

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const body: CreateClaimBody = {
      campaign: recall.slug,
      serial,
      model,
      remedy: (form.remedy || remedies[0]?.kind) as CreateClaimBody['remedy'],
      hasUnit: form.hasUnit,
      claimant: {
        name: form.name,
        email: form.email,
        ...(form.phone ? { phone: form.phone } : {}),
        country: form.country,
        language,
      },
      ...(needsAddress
        ? {
            address: {
              line1: form.line1,
              ...(form.line2 ? { line2: form.line2 } : {}),
              city: form.city,
              ...(form.region ? { region: form.region } : {}),
              postalCode: form.postalCode,
              country: form.country,
            },
          }
        : {}),
      ...(form.orderNumber ? { orderNumber: form.orderNumber } : {}),
      ...(form.incident ? { incidentDescription: form.incident } : {}),
    };
    try {
      setCreated(await api.createClaim(body, createKey));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('web.network_error'));
    } finally {
      setBusy(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!created) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.submitClaim(created.id, created.accessToken, attested, submitKey);
      navigate(`/c/${created.id}#t=${created.accessToken}`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('web.network_error'));
      setBusy(false);
    }
  };

  return (
    <div className="claim">
      <h1>{t('web.claim_title', { recall: recall.title })}</h1>
      <p className="muted">{t('web.claim_unit', { model, serial })}</p>
      {!created ? (
        <form onSubmit={create} className="stack">
          <fieldset>
            <legend>{t('web.step_details')}</legend>
            <Field
              label={t('web.name')}
              value={form.name}
              onChange={set('name')}
              autoComplete="name"
              required
            />
            <Field
              label={t('web.email')}
              value={form.email}
              onChange={set('email')}
              type="email"
              autoComplete="email"
              required
            />
            <Field
              label={t('web.phone')}
              value={form.phone}
              onChange={set('phone')}
              type="tel"
              autoComplete="tel"
            />
            <label className="field">
              <span>{t('web.country')}</span>
              <select value={form.country} onChange={set('country')} autoComplete="country">
                {countries.map((code) => (
                  <option key={code} value={code}>
                    {countryName(code, i18n.language, code)}
                  </option>
                ))}
              </select>
            </label>
            <div className="choice">
              <label>
                <input
                  type="radio"
                  name="hasUnit"
                  checked={form.hasUnit}
                  onChange={() => setForm({ ...form, hasUnit: true })}
                />{' '}
                {t('web.has_unit')}
              </label>
              <label>
                <input
                  type="radio"
                  name="hasUnit"
                  checked={!form.hasUnit}
                  onChange={() => setForm({ ...form, hasUnit: false })}
                />{' '}
                {t('web.no_unit')}
              </label>
            </div>
            {!form.hasUnit && (
              <>
                <Field label={t('web.order_number')} value={form.orderNumber} onChange={set('orderNumber')} />
                <label className="field">
                  <span>{t('web.incident')}</span>
                  <textarea value={form.incident} onChange={set('incident')} rows={3} maxLength={4000} />
                </label>
              </>
            )}
          </fieldset>
          <fieldset>
            <legend>{t('web.step_remedy')}</legend>
            {remedies.map((remedy, index) => (
              <label key={remedy.kind} className="choice-line">
                <input
                  type="radio"
                  name="remedy"
                  value={remedy.kind}
                  checked={
                    (form.remedy || remedies[0]?.kind) === remedy.kind && (form.remedy !== '' || index === 0)
                  }
                  onChange={() => setForm({ ...form, remedy: remedy.kind })}
                />{' '}
                {remedy.label}
              </label>
            ))}
            {needsAddress && (
              <div className="stack">
                <p className="photo-label">{t('web.address_title')}</p>
                <Field
                  label={t('web.address_line1')}
                  value={form.line1}
                  onChange={set('line1')}
                  autoComplete="address-line1"
                  required
                />
                <Field
                  label={t('web.address_line2')}
                  value={form.line2}
                  onChange={set('line2')}
                  autoComplete="address-line2"
                />
                <Field
                  label={t('web.city')}
                  value={form.city}
                  onChange={set('city')}
                  autoComplete="address-level2"
                  required
                />
                <Field
                  label={t('web.region')}
                  value={form.region}
                  onChange={set('region')}
                  autoComplete="address-level1"
                />
                <Field
                  label={t('web.postal_code')}
                  value={form.postalCode}
                  onChange={set('postalCode')}
                  autoComplete="postal-code"
                  required
                />
              </div>
            )}
          </fieldset>
          <ErrorAlert message={error} />
          <button type="submit" disabled={busy}>
            {busy ? t('web.saving') : t('web.continue')}
          </button>
        </form>
      ) : (
        <form onSubmit={submit} className="stack">
          <div className="claim-code">
            <p>{t('web.your_code')}</p>
            <p className="code" data-testid="claim-code">
              {created.code}
            </p>
            <p className="hint">{t('web.code_help')}</p>
          </div>
          <fieldset>
            <legend>{t('web.step_photos')}</legend>
            {photos.map((photo) => (
              <div key={photo.kind}>
                {photo.kind === 'marked' && <MarkedExample code={created.code} />}
                <PhotoUpload
                  claimId={created.id}
                  token={created.accessToken}
                  kind={photo.kind}
                  label={t(`web.photo_${photo.kind}`)}
                  instructions={photo.instructions}
                  onUploaded={() => setUploaded((done) => new Set(done).add(photo.kind))}
                />
              </div>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('web.step_submit')}</legend>
            <label className="choice-line">
              <input
                type="checkbox"
                checked={attested}
                onChange={(event) => setAttested(event.target.checked)}
                required
              />{' '}
              {jurisdiction?.returnRequired ? t('web.disposal_return') : t('web.disposal_attest')}
            </label>
            {jurisdiction?.disposal.dropOffFinderUrl && (
              <p>
                <a href={jurisdiction.disposal.dropOffFinderUrl} rel="noopener noreferrer" target="_blank">
                  {t('web.drop_off_finder')}
                </a>
              </p>
            )}
          </fieldset>
          <ErrorAlert message={error} />
          <button type="submit" disabled={busy || missing.length > 0 || !attested}>
            {busy ? t('web.submitting') : t('web.submit_claim')}
          </button>
        </form>
      )}
    </div>
  );
}

function Field({
  label,
  onChange,
  ...input
}: {
  label: string;
  onChange: (event: { target: { value: string } }) => void;
} & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="field">
      <span>{label}</span>
      <input {...input} onChange={onChange} />
    </label>
  );
}

function ErrorAlert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}
