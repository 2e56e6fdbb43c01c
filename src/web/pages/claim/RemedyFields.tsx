import { useTranslation } from 'react-i18next';
import type { CampaignDetail } from '../../../shared/contracts/catalog.ts';
import type { ClaimFormValues, SetField } from './claim-form.ts';
import { Field } from './fields.tsx';

type Remedy = NonNullable<CampaignDetail['jurisdictions'][number]['remedies']>[number];

/** Step 2: the remedy the owner chooses, and the address a parcel needs. */
export function RemedyFields({
  form,
  remedy: chosen,
  set,
  setForm,
  remedies,
  needsAddress,
}: {
  form: ClaimFormValues;
  /** The remedy shown as chosen (the first offered until the owner picks another). */
  remedy: string;
  set: SetField;
  setForm: (form: ClaimFormValues) => void;
  remedies: readonly Remedy[];
  needsAddress: boolean;
}) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{t('web.step_remedy')}</legend>
      {remedies.map((remedy) => (
        <label key={remedy.kind} className="choice-line">
          <input
            type="radio"
            name="remedy"
            value={remedy.kind}
            checked={chosen === remedy.kind}
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
  );
}
