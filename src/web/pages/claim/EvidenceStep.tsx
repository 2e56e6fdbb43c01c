import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvidenceKind } from '../../../shared/claim-rules.ts';
import type { CampaignDetail } from '../../../shared/contracts/catalog.ts';
import type { ClaimStatusResponse } from '../../../shared/contracts/claims.ts';
import { ApiError, api } from '../../api.ts';
import { MarkedExample } from '../../components/MarkedExample.tsx';
import { PhotoUpload } from '../../components/PhotoUpload.tsx';
import { ErrorAlert } from './fields.tsx';

/**
 * Step 2 of a draft, on its own page: the claim code (written on the unit where the campaign
 * asks for that), the photos the campaign defines, the disposal promise, submit.
 */
export function EvidenceStep({
  recall,
  draft,
  token,
  onSubmitted,
}: {
  recall: CampaignDetail;
  draft: ClaimStatusResponse;
  token: string;
  onSubmitted: () => void;
}) {
  const { t } = useTranslation();
  const [uploaded, setUploaded] = useState<Set<EvidenceKind>>(
    () => new Set(draft.evidence.filter((e) => e.state !== 'unreadable').map((e) => e.kind)),
  );
  const [attested, setAttested] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // One key per claim: a double tap or a retried request submits once.
  const submitKey = useMemo(() => crypto.randomUUID(), []);
  const photos = draft.hasUnit
    ? recall.evidence.photos
    : recall.evidence.photos.filter((p) => p.kind === 'receipt');
  const marked = photos.find((photo) => photo.kind === 'marked');
  // The server's rule (requiredEvidence), so the button is enabled exactly when submission would pass.
  const missing = draft.requiredEvidence.filter((kind) => !uploaded.has(kind));
  const previous = new Map(draft.evidence.map((e) => [e.kind, e.id]));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.submitClaim(draft.id, token, attested, submitKey);
      onSubmitted();
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
          {draft.code}
        </p>
        <p className="hint">{marked ? t('web.code_help_marked') : t('web.code_help_keep')}</p>
      </div>
      <fieldset>
        <legend>{t('web.step_photos')}</legend>
        {photos.map((photo) => (
          <PhotoUpload
            key={photo.kind}
            claimId={draft.id}
            token={token}
            kind={photo.kind}
            label={t(`web.photo_${photo.kind}`)}
            instructions={photo.instructions}
            existing={previous.get(photo.kind)}
            example={
              photo.kind === 'marked' && (
                <MarkedExample name={draft.claimantName} code={draft.code} mustShow={photo.mustShow} />
              )
            }
            onUploaded={() => setUploaded((done) => new Set(done).add(photo.kind))}
          />
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
          {draft.returnRequired ? t('web.disposal_return') : t('web.disposal_attest')}
        </label>
        {draft.disposal.dropOffFinderUrl && (
          <p>
            <a href={draft.disposal.dropOffFinderUrl} rel="noopener noreferrer" target="_blank">
              {t('web.drop_off_finder')}
            </a>
          </p>
        )}
      </fieldset>
      <ErrorAlert message={error} />
      {missing.length > 0 && (
        <p className="hint">
          {t('web.still_needed', { photos: missing.map((kind) => t(`web.photo_${kind}`)).join(', ') })}
        </p>
      )}
      <button type="submit" disabled={busy || missing.length > 0 || !attested}>
        {busy ? t('web.submitting') : t('web.submit_claim')}
      </button>
    </form>
  );
}
