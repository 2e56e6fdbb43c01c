import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { LookupMatch, LookupResult } from '../../shared/contracts/catalog.ts';
import { countryName, visitorCountry } from '../format.ts';
import { RemedyList } from './RemedyList.tsx';
import { SerialLabelPicture } from './SerialLabelPicture.tsx';

export function LookupResultView({
  result,
  onUseSuggestion,
}: {
  result: LookupResult;
  onUseSuggestion: (serial: string) => void;
}) {
  const { t } = useTranslation();
  if (result.affected) {
    return (
      <section className="result result-affected" aria-labelledby="result-title">
        <h2 id="result-title">{t('web.affected_title')}</h2>
        <p className="result-message">{result.message}</p>
        {result.matches.map((match) => (
          <MatchCard
            key={`${match.campaign.slug}-${match.model.code}`}
            match={match}
            serial={result.normalizedSerial ?? ''}
          />
        ))}
      </section>
    );
  }
  if (result.suggestions.length > 0) {
    return (
      <section className="result result-suggestion" aria-labelledby="result-title">
        <h2 id="result-title">{t('web.suggestion_title')}</h2>
        <p className="result-message">{result.message}</p>
        <ul className="suggestions">
          {result.suggestions.map((suggestion) => (
            <li key={`${suggestion.campaign}-${suggestion.serial}`}>
              <button
                type="button"
                className="button-secondary"
                onClick={() => onUseSuggestion(suggestion.serial)}
              >
                {t('web.suggestion_use', { serial: suggestion.serial })}
              </button>
            </li>
          ))}
        </ul>
      </section>
    );
  }
  if (!result.recognised) {
    // Never a green "not recalled" for input that could not settle it (issue 23).
    return (
      <section className="result result-unknown" aria-labelledby="result-title">
        <h2 id="result-title">
          {result.modelNumber ? t('web.model_number_title') : t('web.not_recognised_title')}
        </h2>
        <p className="result-message">{result.message}</p>
        {result.serialHelp && <p>{result.serialHelp}</p>}
        <SerialLabelPicture />
      </section>
    );
  }
  return (
    <section className="result result-clear" aria-labelledby="result-title">
      <h2 id="result-title">{t('web.not_affected_title')}</h2>
      <p className="result-message">
        <span className="serial">{result.normalizedSerial ?? result.model}</span> · {result.message}
      </p>
    </section>
  );
}

function MatchCard({ match, serial }: { match: LookupMatch; serial: string }) {
  const { t, i18n } = useTranslation();
  // "*" is everywhere the recall names no country of its own: say where the visitor is, if known.
  const visitor = visitorCountry();
  const where =
    match.country !== '*'
      ? countryName(match.country, i18n.language, match.country)
      : visitor
        ? countryName(visitor, i18n.language, visitor)
        : null;
  return (
    <article className="match">
      <h3>
        <Link to={match.campaign.url}>{match.campaign.title}</Link>
      </h3>
      <p className="match-model">{t('web.model_line', { code: match.model.code, name: match.model.name })}</p>
      <p>
        <strong>{t('web.hazard')}:</strong> {match.campaign.hazard}
      </p>
      {!match.claimsOpen && <p className="notice">{t('web.claims_closed')}</p>}
      <h4>{t('web.next_steps')}</h4>
      <ol className="steps">
        {match.nextSteps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <h4>{where ? t('web.remedies_in', { country: where }) : t('web.remedies')}</h4>
      <RemedyList remedies={match.remedies} returnRequired={match.returnRequired} disposal={match.disposal} />
      <p className="actions">
        {match.claimsOpen && (
          <Link
            className="button"
            to={`/claim?${new URLSearchParams({ campaign: match.campaign.slug, serial, model: match.model.code })}`}
          >
            {t('web.start_claim')}
          </Link>
        )}
        <Link className="button-secondary button" to={match.campaign.url}>
          {t('web.read_recall')}
        </Link>
      </p>
    </article>
  );
}
