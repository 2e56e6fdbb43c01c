import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, uploadEvidence } from '../api.ts';
import { resizePhoto } from '../resize-photo.ts';

type State =
  | { step: 'empty' }
  | { step: 'uploading'; percent: number }
  | { step: 'done' }
  | { step: 'failed'; message: string; file: File };

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
      await uploadEvidence(claimId, token, kind, photo, (fraction) =>
        setState({ step: 'uploading', percent: Math.round(fraction * 100) }),
      );
      setState({ step: 'done' });
      onUploaded();
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
      {state.step === 'done' && <p className="ok">✓ {t('web.uploaded')}</p>}
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
