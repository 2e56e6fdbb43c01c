import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { CampaignSummary } from '../../shared/contracts/catalog.ts';
import { ApiError, api } from '../api.ts';
import { LookupResultView } from '../components/LookupResultView.tsx';
import { SerialLabelPicture } from '../components/SerialLabelPicture.tsx';
import { formatNumber } from '../format.ts';
import { reportNoticeLookup } from './NoticePages.tsx';

/** Typing pauses this long before the serial is checked. */
const TYPING_PAUSE_MS = 400;
const compact = (value: string) => value.replace(/[\s\-\u2010-\u2015._/]/g, '');

/** The shortest serial any recall lists: shorter input is not checked as you type (Check still works). */
function shortestSerial(campaigns: readonly CampaignSummary[] | undefined): number | null {
  const lengths = (campaigns ?? []).flatMap((c) => (c.serialLength ? [c.serialLength.min] : []));
  return lengths.length > 0 ? Math.min(...lengths) : null;
}

/** A placeholder that shows the shape of a serial (groups of four) without being one. */
function serialPlaceholder(length: number | null): string {
  if (length === null) return '';
  return 'X'.repeat(length).replace(/(.{4})(?=.)/g, '$1 ');
}

export function HomePage() {
  const { t, i18n } = useTranslation();
  // A serial passed in the address (a claim's label photo showed another one) is checked at once.
  const [params] = useSearchParams();
  const [input, setInput] = useState(() => params.get('serial') ?? '');
  const [checked, setChecked] = useState(() => params.get('serial')?.trim() ?? '');
  const campaigns = useQuery({
    queryKey: ['campaigns', i18n.language],
    queryFn: ({ signal }) => api.campaigns(signal),
  });
  const minLength = shortestSerial(campaigns.data?.campaigns);

  useEffect(() => {
    // Checked as you type only once the input could be a whole serial (issue 23).
    if (minLength === null || compact(input).length < minLength) return;
    const timer = setTimeout(() => setChecked(input.trim()), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [input, minLength]);

  const lookup = useQuery({
    queryKey: ['lookup', checked, i18n.language],
    queryFn: ({ signal }) => api.lookup(checked, signal),
    enabled: checked !== '',
    retry: (count, error) => !(error instanceof ApiError) && count < 1,
  });
  // A visit from a notice's personal link: its first unit checked is counted for the notice.
  useEffect(() => {
    if (lookup.isSuccess) reportNoticeLookup();
  }, [lookup.isSuccess]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(input.trim());
    if (input.trim() === checked) void lookup.refetch();
  };
  const checkSuggestion = (serial: string) => {
    setInput(serial);
    setChecked(serial);
  };

  return (
    <div className="home">
      <h1>{t('web.home_title')}</h1>
      <p className="lead">{t('web.home_intro')}</p>
      <form className="lookup-form" onSubmit={submit} noValidate>
        <label htmlFor="serial">{t('web.serial_label')}</label>
        <p id="serial-hint" className="hint">
          {t('web.serial_hint')}
        </p>
        <div className="lookup-row">
          <input
            id="serial"
            name="serial"
            type="text"
            value={input}
            onChange={(event) => setInput(event.target.value)}
            aria-describedby="serial-hint"
            autoComplete="off"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            maxLength={100}
            placeholder={serialPlaceholder(minLength)}
          />
          <button type="submit">{lookup.isFetching ? t('web.checking') : t('web.check')}</button>
        </div>
      </form>

      <div className="result-region" aria-live="polite">
        {lookup.error && (
          <p className="error" role="alert">
            {lookup.error instanceof ApiError ? lookup.error.message : t('web.network_error')}
          </p>
        )}
        {lookup.data && !lookup.error && (
          <LookupResultView result={lookup.data} onUseSuggestion={checkSuggestion} />
        )}
      </div>

      <section className="where-serial" aria-labelledby="where-serial-title">
        <h2 id="where-serial-title">{t('web.where_serial')}</h2>
        <SerialLabelPicture />
        <p>{t('web.where_serial_text')}</p>
      </section>

      {campaigns.data && campaigns.data.campaigns.length > 0 && (
        <section aria-labelledby="recalls-title">
          <h2 id="recalls-title">{t('web.recalls_title')}</h2>
          <ul className="recall-list">
            {campaigns.data.campaigns.map((campaign) => (
              <li key={campaign.slug}>
                <Link to={campaign.url}>{campaign.title}</Link>
                <span className="muted">
                  {' '}
                  · {t('web.units', { units: formatNumber(campaign.units, i18n.language) })}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
