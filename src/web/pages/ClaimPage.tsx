import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { pickJurisdiction } from '../../shared/claim-rules.ts';
import type { CampaignDetail } from '../../shared/contracts/catalog.ts';
import { type Language, pickLanguage } from '../../shared/languages.ts';
import { ApiError, api } from '../api.ts';
import { BrandBand, SupportContact } from '../components/Brand.tsx';
import { StepIndicator } from '../components/StepIndicator.tsx';
import { claimPath, findDraft, forgetDraft, rememberDraft } from '../draft-store.ts';
import { countryName } from '../format.ts';
import { ClaimantFields } from './claim/ClaimantFields.tsx';
import { claimBody, countryChoices, emptyClaimForm, type SetField } from './claim/claim-form.ts';
import { ErrorAlert } from './claim/fields.tsx';
import { RemedyFields } from './claim/RemedyFields.tsx';

export function ClaimPage() {
  const [params] = useSearchParams();
  const unit = {
    campaign: params.get('campaign') ?? '',
    serial: params.get('serial') ?? '',
    model: params.get('model') ?? '',
  };
  const { t, i18n } = useTranslation();
  const resuming = useResumeDraft(unit);
  const recall = useQuery({
    queryKey: ['campaign', unit.campaign, i18n.language],
    queryFn: ({ signal }) => api.campaign(unit.campaign, signal),
  });
  if (!recall.data || resuming) return <p>{recall.error ? t('web.network_error') : t('web.loading')}</p>;
  if (!recall.data.claimsOpen) return <ClaimsClosed recall={recall.data} />;
  return <ClaimForm recall={recall.data} serial={unit.serial} model={unit.model} />;
}

/**
 * A draft this browser already opened for the unit: go back to it (same code) rather than open
 * another. True while that is being checked.
 */
function useResumeDraft(unit: { campaign: string; serial: string; model: string }): boolean {
  const navigate = useNavigate();
  const [stored] = useState(() => findDraft(unit));
  const [checking, setChecking] = useState(stored !== undefined);
  useEffect(() => {
    if (!stored) return;
    let live = true;
    api.claim(stored.id, stored.token).then(
      (claim) => {
        if (!live) return;
        if (claim.status === 'draft') navigate(claimPath(stored), { replace: true });
        else {
          forgetDraft(stored.id);
          setChecking(false);
        }
      },
      (error) => {
        if (!live) return;
        // Gone or expired: forget it. A network error: show the form; the draft's mail still leads back.
        if (error instanceof ApiError) forgetDraft(stored.id);
        setChecking(false);
      },
    );
    return () => {
      live = false;
    };
  }, [stored, navigate]);
  return checking;
}

function ClaimsClosed({ recall }: { recall: CampaignDetail }) {
  const { t } = useTranslation();
  return (
    <div className="claim">
      <BrandBand brand={recall.brand} />
      <h1>{recall.title}</h1>
      <section className="result result-unknown" aria-labelledby="closed-title">
        <h2 id="closed-title">{t('web.claims_closed')}</h2>
        {recall.instructions.map((line) => (
          <p key={line}>{line}</p>
        ))}
        <SupportContact brand={recall.brand} />
      </section>
    </div>
  );
}

/** Step 1: the owner's details and remedy. Continue opens the draft and goes to its own page (photos). */
function ClaimForm({ recall, serial, model }: { recall: CampaignDetail; serial: string; model: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const language = pickLanguage(i18n.language) as Language;
  const [form, setForm] = useState(() => emptyClaimForm(recall));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // One key per form: a double tap or a retried request creates one claim, not two.
  const createKey = useMemo(() => crypto.randomUUID(), []);

  const jurisdiction = pickJurisdiction(recall.jurisdictions, form.country);
  const remedies = jurisdiction?.remedies ?? [];
  // The remedy shown as chosen is the one sent: the first offered until the owner picks another.
  const remedy = remedies.some((r) => r.kind === form.remedy) ? form.remedy : (remedies[0]?.kind ?? '');
  const needsAddress = remedy === 'replacement' || jurisdiction?.returnRequired === true;
  const set: SetField = (field) => (event) => setForm({ ...form, [field]: event.target.value });

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!jurisdiction) return;
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.createClaim(
        claimBody(recall, { serial, model }, form, { remedy, needsAddress, language }),
        createKey,
      );
      const draft = { id: created.id, token: created.accessToken, code: created.code };
      rememberDraft({ campaign: recall.slug, serial, model }, draft);
      navigate(claimPath(draft));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('web.network_error'));
      setBusy(false);
    }
  };

  return (
    <div className="claim">
      <BrandBand brand={recall.brand} />
      <StepIndicator current={1} />
      <h1>{t('web.claim_title', { recall: recall.title })}</h1>
      <p className="muted">{t('web.claim_unit', { model, serial })}</p>
      <form onSubmit={create} className="stack">
        <ClaimantFields
          form={form}
          set={set}
          setForm={setForm}
          countries={countryChoices(recall)}
          campaign={recall.slug}
        />
        {jurisdiction ? (
          <RemedyFields
            form={form}
            remedy={remedy}
            set={set}
            setForm={setForm}
            remedies={remedies}
            needsAddress={needsAddress}
          />
        ) : (
          <NotCovered recall={recall} country={form.country} />
        )}
        <ErrorAlert message={error} />
        <button type="submit" disabled={busy || !jurisdiction}>
          {busy ? t('web.saving') : t('web.continue')}
        </button>
      </form>
    </div>
  );
}

/** A country the recall has no remedies for: which it covers, and whom to ask instead. */
function NotCovered({ recall, country }: { recall: CampaignDetail; country: string }) {
  const { t, i18n } = useTranslation();
  const covered = recall.jurisdictions.map((j) => countryName(j.country, i18n.language, j.country));
  const list = new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(covered);
  return (
    <section className="result result-unknown" role="status" aria-labelledby="not-covered-title">
      <h2 id="not-covered-title">
        {t('web.not_covered_title', { country: countryName(country, i18n.language, country) })}
      </h2>
      <p>{t('web.not_covered_text', { countries: list })}</p>
      {recall.brand ? <SupportContact brand={recall.brand} /> : <p>{t('web.not_covered_no_brand')}</p>}
    </section>
  );
}
