import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api.ts';
import { Field } from './claim/fields.tsx';

/** "Lost your link?": e-mails fresh links to every claim on an address, without saying whether there are any. */
export function RecoverPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const recover = useMutation({ mutationFn: (address: string) => api.recoverLinks(address) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    recover.mutate(email.trim());
  };
  return (
    <div className="recover">
      <h1>{t('web.recover_title')}</h1>
      <p>{t('web.recover_intro')}</p>
      {recover.isSuccess ? (
        <p className="result result-clear" role="status">
          {t('web.recover_sent', { email: email.trim() })}
        </p>
      ) : (
        <form onSubmit={submit} className="stack">
          <Field
            label={t('web.email')}
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          {recover.error && (
            <p className="error" role="alert">
              {recover.error instanceof ApiError ? recover.error.message : t('web.network_error')}
            </p>
          )}
          <button type="submit" disabled={recover.isPending}>
            {t('web.recover_send')}
          </button>
        </form>
      )}
    </div>
  );
}
