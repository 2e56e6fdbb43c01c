import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { countryName } from '../../format.ts';
import type { ClaimFormValues, SetField } from './claim-form.ts';
import { Field } from './fields.tsx';

/** Step 1: who the owner is, where they live, and whether they still have the unit. */
export function ClaimantFields({
  form,
  set,
  setForm,
  countries,
  campaign,
}: {
  form: ClaimFormValues;
  set: SetField;
  setForm: (form: ClaimFormValues) => void;
  countries: string[];
  /** The recall's slug, for the incident report link. */
  campaign: string;
}) {
  const { t, i18n } = useTranslation();
  return (
    <fieldset>
      <legend>{t('web.step_details')}</legend>
      <Field label={t('web.name')} value={form.name} onChange={set('name')} autoComplete="name" required />
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
          <p className="hint">
            {t('web.incident_in_claim')}{' '}
            <Link to={`/report-incident?campaign=${campaign}`}>{t('web.report_incident')}</Link>
          </p>
          <Field label={t('web.order_number')} value={form.orderNumber} onChange={set('orderNumber')} />
          <label className="field">
            <span>{t('web.incident')}</span>
            <textarea value={form.incident} onChange={set('incident')} rows={3} maxLength={4000} />
          </label>
        </>
      )}
    </fieldset>
  );
}
