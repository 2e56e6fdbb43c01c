import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvidenceFeedback } from '../../shared/contracts/claims.ts';
import { ApiError, api, uploadEvidence } from '../api.ts';
import { resizePhoto } from '../resize-photo.ts';

type State =
  | { step: 'empty' }
  | { step: 'uploading'; percent: number }
  | { step: 'reading' }
  | { step: 'done'; feedback?: EvidenceFeedback }
  | { step: 'failed'; message: string; file: File };

const POLL_MS = 1000;
const POLL_LIMIT = 60;

/** Asks what could be read in the photo until the evidence job has read it (or a minute passed). */
async function readBack(
  claimId: string,
  evidenceId: string,
  token: string,
): Promise<EvidenceFeedback | undefined> {
  for (let attempt = 0; attempt < POLL_LIMIT; attempt++) {
    const feedback = await api.evidenceChecks(claimId, evidenceId, token).catch(() => undefined);
    if (feedback && feedback.state !== 'processing') return feedback;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return undefined;
}

/** One photo: the camera opens directly on phones; progress shows; a failure retries just this photo. */
export function PhotoUpload({
  claimId,
  token,
  kind,
  label,
  instructions,
  onUploaded,
}: {
  claimId: string;
  token: string;
  kind: string;
  label: string;
  instructions: string;
  onUploaded: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [state, setState] = useState<State>({ step: 'empty' });

  const send = async (file: File) => {
    setState({ step: 'uploading', percent: 0 });
    try {
      const photo = await resizePhoto(file);
      const uploaded = await uploadEvidence(claimId, token, kind, photo, (fraction) =>
        setState({ step: 'uploading', percent: Math.round(fraction * 100) }),
      );
      onUploaded();
      if (kind !== 'label' && kind !== 'marked') {
        setState({ step: 'done' });
        return;
      }
      setState({ step: 'reading' });
      setState({ step: 'done', feedback: await readBack(claimId, uploaded.id, token) });
    } catch (error) {
      setState({
        step: 'failed',
        file,
        message: error instanceof ApiError ? error.message : t('web.upload_failed'),
      });
    }
  };

  return (
    <div className="photo-upload" data-kind={kind}>
      <label htmlFor={id} className="photo-label">
        {label}
      </label>
      <p className="hint">{instructions}</p>
      <input
        id={id}
        type="file"
        accept="image/jpeg,image/png,image/webp,image/heic,image/heif,image/*"
        capture="environment"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void send(file);
          event.target.value = '';
        }}
      />
      {state.step === 'uploading' && (
        <p>
          <progress
            max={100}
            value={state.percent}
            aria-label={t('web.uploading', { percent: state.percent })}
          />{' '}
          {t('web.uploading', { percent: state.percent })}
        </p>
      )}
      {state.step === 'reading' && <p role="status">{t('web.reading_photo')}</p>}
      {state.step === 'done' && <Feedback feedback={state.feedback} />}
      {state.step === 'failed' && (
        <div role="alert" className="error">
          <p>{state.message}</p>
          <button type="button" className="button-secondary" onClick={() => void send(state.file)}>
            {t('web.retry')}
          </button>
        </div>
      )}
    </div>
  );
}

/** What the machine could read: a tick when everything, otherwise what to do about each problem. */
function Feedback({ feedback }: { feedback: EvidenceFeedback | undefined }) {
  const { t } = useTranslation();
  if (!feedback) return <p className="ok">✓ {t('web.uploaded')}</p>;
  const readable = feedback.state === 'ready' && feedback.checks.every((check) => check.outcome === 'pass');
  if (readable)
    return (
      <p className="ok" role="status" data-feedback="ok">
        ✓ {t('web.uploaded')} {feedback.messages.join(' ')}
      </p>
    );
  return (
    <div className="notice" role="status" data-feedback="retake">
      <p>{t('web.uploaded_but')}</p>
      <ul>
        {feedback.messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
      <p>{t('web.retake_hint')}</p>
    </div>
  );
}
