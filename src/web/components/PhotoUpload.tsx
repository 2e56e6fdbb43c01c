import { type ReactNode, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
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

/** Photos of the unit open the camera first on phones; a receipt may be a screenshot or a file. */
const CAMERA_FIRST = new Set(['label', 'marked', 'disposal']);

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

/** An object URL for a blob, revoked when it changes or the tile goes. */
function useObjectUrl(blob: Blob | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!blob) return setUrl(undefined);
    const created = URL.createObjectURL(blob);
    setUrl(created);
    return () => URL.revokeObjectURL(created);
  }, [blob]);
  return url;
}

/**
 * One photo as a tile: take (or choose) it, see it at once with the upload's progress, read what
 * the machine could read in it, retake it. A failure retries just this photo.
 */
export function PhotoUpload({
  claimId,
  token,
  kind,
  label,
  instructions,
  existing,
  example,
  onUploaded,
}: {
  claimId: string;
  token: string;
  kind: string;
  label: string;
  instructions: string;
  /** A photo of this kind already on the claim (a reload, the status page): shown until retaken. */
  existing?: string | undefined;
  /** What a good photo looks like, shown above the picker. */
  example?: ReactNode;
  onUploaded: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [state, setState] = useState<State>(existing ? { step: 'done' } : { step: 'empty' });
  const [photo, setPhoto] = useState<Blob>();
  const thumbnail = useObjectUrl(photo);

  useEffect(() => {
    if (!existing) return;
    let live = true;
    api.claimPhotoBlob(claimId, existing, token).then(
      (blob) => live && setPhoto((current) => current ?? blob),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [claimId, existing, token]);

  const send = async (file: File) => {
    setState({ step: 'uploading', percent: 0 });
    try {
      const resized = await resizePhoto(file);
      setPhoto(resized);
      const uploaded = await uploadEvidence(claimId, token, kind, resized, (fraction) =>
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

  const hasPhoto = state.step !== 'empty';
  return (
    <div className="photo-upload photo-tile" data-kind={kind} data-step={state.step}>
      <p className="photo-label" id={`${id}-title`}>
        {label}
      </p>
      {instructions && <p className="hint">{instructions}</p>}
      {example}
      <div className="photo-frame">
        {thumbnail ? (
          <img src={thumbnail} alt={t('web.photo_preview', { photo: label })} className="photo-preview" />
        ) : (
          <svg className="photo-placeholder" viewBox="0 0 48 40" aria-hidden="true">
            <path
              d="M4 10h10l4-6h12l4 6h10v26H4z"
              fill="none"
              stroke="currentColor"
              strokeWidth="3"
              strokeLinejoin="round"
            />
            <circle cx="24" cy="22" r="8" fill="none" stroke="currentColor" strokeWidth="3" />
          </svg>
        )}
        {state.step === 'uploading' && (
          <progress
            className="photo-progress"
            max={100}
            value={state.percent}
            aria-label={t('web.uploading', { percent: state.percent })}
          />
        )}
      </div>
      <input
        id={id}
        className="visually-hidden"
        type="file"
        accept="image/jpeg,image/png,image/webp,image/heic,image/heif,image/*"
        {...(CAMERA_FIRST.has(kind) ? { capture: 'environment' as const } : {})}
        aria-describedby={`${id}-title`}
        disabled={state.step === 'uploading' || state.step === 'reading'}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void send(file);
          event.target.value = '';
        }}
      />
      <label htmlFor={id} className={hasPhoto ? 'button button-secondary' : 'button'}>
        {hasPhoto
          ? t('web.photo_retake')
          : CAMERA_FIRST.has(kind)
            ? t('web.photo_take')
            : t('web.photo_choose')}
      </label>
      {state.step === 'uploading' && <p role="status">{t('web.uploading', { percent: state.percent })}</p>}
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
      <div className="ok" role="status" data-feedback="ok">
        <p>✓ {t('web.uploaded')}</p>
        {feedback.messages.map((message) => (
          <p key={message}>{message}</p>
        ))}
      </div>
    );
  return (
    <div className="notice" role="status" data-feedback={feedback.serialRead ? 'other-serial' : 'retake'}>
      <p>{t('web.uploaded_but')}</p>
      <ul>
        {feedback.messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
      {feedback.serialRead ? (
        <p>
          <Link
            className="button button-secondary"
            to={`/?${new URLSearchParams({ serial: feedback.serialRead })}`}
          >
            {t('web.check_other_serial', { serial: feedback.serialRead })}
          </Link>
        </p>
      ) : (
        <p>{t('web.retake_hint')}</p>
      )}
    </div>
  );
}
