import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError, api } from '../api.ts';
import i18next from '../i18n.ts';

/** The token of the notice link this visit came from: its lookups are counted for the notice. */
const NOTICE_KEY = 'recallkit.notice';
const tokenInFragment = () => window.location.hash.replace(/^#/, '');

function CheckSerialLink() {
  const { t } = useTranslation();
  return (
    <p>
      <Link className="button" to="/">
        {t('web.check_serial')}
      </Link>
    </p>
  );
}

/** Reports, once per notice link, that the page it opened checked a unit (HomePage calls it). */
export function reportNoticeLookup() {
  const token = window.sessionStorage.getItem(NOTICE_KEY);
  if (!token) return;
  window.sessionStorage.removeItem(NOTICE_KEY);
  void api.noticeLookedUp(token).catch(() => {});
}

/**
 * `/n#<token>`, the personal link of a notice: opens the lookup with the person's serial filled
 * in (checked at once), or with only a model, that recall's page; in the person's language.
 */
export function NoticeLinkPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const token = tokenInFragment();
  const opened = useQuery({
    queryKey: ['notice', token],
    queryFn: () => api.openNotice(token),
    enabled: token !== '',
    retry: (count, error) => !(error instanceof ApiError) && count < 1,
    staleTime: Number.POSITIVE_INFINITY,
  });
  useEffect(() => {
    if (!opened.data) return;
    window.sessionStorage.setItem(NOTICE_KEY, token);
    void i18next.changeLanguage(opened.data.language);
    navigate(
      opened.data.serial
        ? `/?${new URLSearchParams({ serial: opened.data.serial })}`
        : `/recalls/${encodeURIComponent(opened.data.campaign)}`,
      { replace: true },
    );
  }, [opened.data, navigate, token]);
  if (token === '' || opened.error)
    return (
      <div>
        <p className="error" role="alert">
          {opened.error instanceof ApiError ? opened.error.message : t('web.unsubscribe_invalid')}
        </p>
        <CheckSerialLink />
      </div>
    );
  return <p>{t('web.notice_opening')}</p>;
}

/** `/unsubscribe#<token>`: a button, not the visit itself, unsubscribes (mail scanners follow links). */
export function UnsubscribePage() {
  const { t } = useTranslation();
  const token = tokenInFragment();
  const stop = useMutation({ mutationFn: () => api.unsubscribe(token) });
  return (
    <div className="stack">
      <h1>{t('web.unsubscribe_title')}</h1>
      {stop.isSuccess ? (
        <>
          <p className="result result-clear" role="status">
            {t('web.unsubscribe_done')}
          </p>
          <CheckSerialLink />
        </>
      ) : (
        <>
          <p>{t('web.unsubscribe_text')}</p>
          {(token === '' || stop.error) && (
            <p className="error" role="alert">
              {stop.error instanceof ApiError ? stop.error.message : t('web.unsubscribe_invalid')}
            </p>
          )}
          <p>
            <button type="button" onClick={() => stop.mutate()} disabled={token === '' || stop.isPending}>
              {t('web.unsubscribe_button')}
            </button>
          </p>
        </>
      )}
    </div>
  );
}
