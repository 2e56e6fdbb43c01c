import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { pickJurisdiction, requiredEvidenceKinds } from '../../../shared/claim-rules.ts';
import type { CampaignDetail } from '../../../shared/contracts/catalog.ts';
import type { CreateClaimResponse } from '../../../shared/contracts/claims.ts';
import { ApiError, api } from '../../api.ts';
import { MarkedExample } from '../../components/MarkedExample.tsx';
import { PhotoUpload } from '../../components/PhotoUpload.tsx';
import { ErrorAlert } from './fields.tsx';

/** Steps 3 and 4: the claim code to write on the unit, the photos, the disposal promise, submit. */
export function EvidenceStep({
  recall,
  created,
  owner,
}: {
  recall: CampaignDetail;
  created: CreateClaimResponse;
  owner: { hasUnit: boolean; orderNumber: string; country: string };
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [uploaded, setUploaded] = useState<Set<string>>(new Set());
  const [attested, setAttested] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // One key per claim: a double tap or a retried request submits once.
  const submitKey = useMemo(() => crypto.randomUUID(), []);
  const jurisdiction = pickJurisdiction(recall.jurisdictions, owner.country);
  const photos = owner.hasUnit
    ? recall.evidence.photos
    : recall.evidence.photos.filter((p) => p.kind === 'receipt');
  // The same rule the API applies at submission, so the button is enabled exactly when it would pass.
  const missing = requiredEvidenceKinds(recall.evidence.photos, {
    hasUnit: owner.hasUnit,
    hasOrderNumber: owner.orderNumber.trim() !== '',
  }).filter((kind) => !uploaded.has(kind));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
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
  );
}
