import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { IncidentBody } from '../../shared/contracts/reporting.ts';
import { INCIDENT_KIND, INJURY } from '../../shared/incidents.ts';
import { type Language, pickLanguage } from '../../shared/languages.ts';
import { minorDigits } from '../../shared/money.ts';
import { ApiError, api } from '../api.ts';
import { countryName, visitorCountry } from '../format.ts';
import { countryChoices } from './claim/claim-form.ts';
import { ErrorAlert, Field } from './claim/fields.tsx';

/** "Report an incident": what happened to a unit, for the brand and the regulators. */
export function IncidentPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const slug = params.get('campaign') ?? '';
  const recall = useQuery({
    queryKey: ['campaign', slug, i18n.language],
    queryFn: ({ signal }) => api.campaign(slug, signal),
    enabled: slug !== '',
    retry: false,
  });
  const [form, setForm] = useState({
    model: params.get('model') ?? '',
    serial: params.get('serial') ?? '',
    kind: 'overheating' as IncidentBody['kind'],
    injury: 'none' as IncidentBody['injury'],
    propertyDamage: false,
    cost: '',
    currency: 'USD',
    occurredOn: new Date().toISOString().slice(0, 10),
    country: visitorCountry() ?? 'US',
    description: '',
    name: '',
    email: '',
    phone: '',
    mayContact: true,
  });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [key]: event.target.value }));
  const [files, setFiles] = useState<File[]>([]);
  const send = useMutation({
    mutationFn: async () => {
      const created = await api.reportIncident({
        model: form.model,
        ...(form.serial.trim() ? { serial: form.serial } : {}),
        kind: form.kind,
        injury: form.injury,
        propertyDamage: form.propertyDamage,
        ...(form.propertyDamage && form.cost
          ? {
              damageCost: {
                amountMinor: Math.round(Number(form.cost) * 10 ** minorDigits(form.currency.toUpperCase())),
                currency: form.currency.toUpperCase(),
              },
            }
          : {}),
        occurredOn: form.occurredOn,
        country: form.country,
        description: form.description,
        contact: {
          name: form.name,
          email: form.email,
          ...(form.phone ? { phone: form.phone } : {}),
          language: pickLanguage(i18n.language) as Language,
        },
        mayContact: form.mayContact,
      });
      // The photos after the report (it stands without them): each on the report's own token.
      for (const file of files.slice(0, 5)) await api.addIncidentPhoto(created.id, created.photoToken, file);
      return created;
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate();
  };
  const models = recall.data?.models.map((model) => model.code) ?? [];
  const countries = recall.data
    ? countryChoices(recall.data)
    : ['US', 'CN', 'CA', 'MX', 'GB', 'DE', 'FR', 'ES'];

  if (send.isSuccess)
    return (
      <div className="incident">
        <h1>{t('web.incident_title')}</h1>
        <p className="result result-clear" role="status">
          {send.data.message}
        </p>
      </div>
    );
  return (
    <div className="incident">
      <h1>{t('web.incident_title')}</h1>
      <p className="lead">{t('web.incident_intro')}</p>
      <form className="stack" onSubmit={submit}>
        <fieldset>
          <legend>{t('web.incident_unit')}</legend>
          <Field
            label={t('web.incident_model')}
            value={form.model}
            onChange={set('model')}
            required
            list="models"
          />
          <datalist id="models">
            {models.map((code) => (
              <option key={code} value={code} />
            ))}
          </datalist>
          <Field
            label={t('web.incident_serial')}
            value={form.serial}
            onChange={set('serial')}
            autoCapitalize="characters"
          />
        </fieldset>
        <fieldset>
          <legend>{t('web.incident_what')}</legend>
          <label className="field">
            <span>{t('web.incident_kind')}</span>
            <select value={form.kind} onChange={set('kind')}>
              {INCIDENT_KIND.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`web.kind_${kind}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('web.incident_injury')}</span>
            <select value={form.injury} onChange={set('injury')}>
              {INJURY.map((injury) => (
                <option key={injury} value={injury}>
                  {t(`web.injury_${injury}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="choice-line">
            <input
              type="checkbox"
              checked={form.propertyDamage}
              onChange={(event) =>
                setForm((current) => ({ ...current, propertyDamage: event.target.checked }))
              }
            />{' '}
            {t('web.incident_damage')}
          </label>
          {form.propertyDamage && (
            <div className="row">
              <Field
                label={t('web.incident_cost')}
                value={form.cost}
                onChange={set('cost')}
                type="number"
                min={0}
                step="any"
              />
              <Field
                label={t('web.incident_currency')}
                value={form.currency}
                onChange={set('currency')}
                maxLength={3}
              />
            </div>
          )}
          <Field
            label={t('web.incident_date')}
            value={form.occurredOn}
            onChange={set('occurredOn')}
            type="date"
            required
          />
          <label className="field">
            <span>{t('web.incident_country')}</span>
            <select value={form.country} onChange={set('country')}>
              {countries.map((code) => (
                <option key={code} value={code}>
                  {countryName(code, i18n.language, code)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('web.incident_photos')}</span>
            <input
              type="file"
              multiple
              accept="image/jpeg,image/png,image/webp,image/heic,image/heif,image/*"
              onChange={(event) => setFiles([...(event.target.files ?? [])].slice(0, 5))}
            />
          </label>
          <label className="field">
            <span>{t('web.incident_description')}</span>
            <textarea
              value={form.description}
              onChange={set('description')}
              rows={4}
              maxLength={4000}
              required
            />
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('web.incident_contact')}</legend>
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
          <label className="choice-line">
            <input
              type="checkbox"
              checked={form.mayContact}
              onChange={(event) => setForm((current) => ({ ...current, mayContact: event.target.checked }))}
            />{' '}
            {t('web.incident_may_contact')}
          </label>
        </fieldset>
        <ErrorAlert
          message={
            send.error
              ? send.error instanceof ApiError
                ? send.error.message
                : t('web.network_error')
              : undefined
          }
        />
        <button type="submit" disabled={send.isPending}>
          {t('web.incident_send')}
        </button>
      </form>
    </div>
  );
}
