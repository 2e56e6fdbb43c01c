import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { pickJurisdiction } from '../../shared/claim-rules.ts';
import type { CampaignDetail } from '../../shared/contracts/catalog.ts';
import type { CreateClaimResponse } from '../../shared/contracts/claims.ts';
import { type Language, pickLanguage } from '../../shared/languages.ts';
import { ApiError, api } from '../api.ts';
import { ClaimantFields } from './claim/ClaimantFields.tsx';
import { claimBody, countryChoices, emptyClaimForm, type SetField } from './claim/claim-form.ts';
import { EvidenceStep } from './claim/EvidenceStep.tsx';
import { ErrorAlert } from './claim/fields.tsx';
import { RemedyFields } from './claim/RemedyFields.tsx';

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

/** The claim form: the owner's details and remedy, then (with the claim code) photos and submission. */
function ClaimForm({ recall, serial, model }: { recall: CampaignDetail; serial: string; model: string }) {
  const { t, i18n } = useTranslation();
  const language = pickLanguage(i18n.language) as Language;
  const [form, setForm] = useState(() => emptyClaimForm(recall));
  const [created, setCreated] = useState<CreateClaimResponse | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // One key per form: a double tap or a retried request creates one claim, not two.
  const createKey = useMemo(() => crypto.randomUUID(), []);

  const jurisdiction = pickJurisdiction(recall.jurisdictions, form.country);
  const remedies = jurisdiction?.remedies ?? [];
  const needsAddress = form.remedy === 'replacement' || jurisdiction?.returnRequired === true;
  const set: SetField = (field) => (event) => setForm({ ...form, [field]: event.target.value });

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const remedy = form.remedy || remedies[0]?.kind || '';
    try {
      setCreated(
        await api.createClaim(
          claimBody(recall, { serial, model }, form, { remedy, needsAddress, language }),
          createKey,
        ),
      );
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('web.network_error'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="claim">
      <h1>{t('web.claim_title', { recall: recall.title })}</h1>
      <p className="muted">{t('web.claim_unit', { model, serial })}</p>
      {!created ? (
        <form onSubmit={create} className="stack">
          <ClaimantFields form={form} set={set} setForm={setForm} countries={countryChoices(recall)} />
          <RemedyFields
            form={form}
            set={set}
            setForm={setForm}
            remedies={remedies}
            needsAddress={needsAddress}
          />
          <ErrorAlert message={error} />
          <button type="submit" disabled={busy}>
            {busy ? t('web.saving') : t('web.continue')}
          </button>
        </form>
      ) : (
        <EvidenceStep recall={recall} created={created} owner={form} />
      )}
    </div>
  );
}
