import { countryName } from '../format.ts';
import type { Queue } from './console-api.ts';
import { checkLabel, remedyLabel, statusLabel, useCampaignTitles } from './labels.ts';

const STATUSES = ['needs_review', 'escalated', 'second_review'];
const AGES: [string, string][] = [
  ['', 'any age'],
  ['24', 'waiting 1 day or more'],
  ['72', 'waiting 3 days or more'],
  ['168', 'waiting 7 days or more'],
];

export type Filters = {
  campaign: string;
  status: string;
  check: string;
  country: string;
  minAgeHours: string;
};
export const NO_FILTERS: Filters = { campaign: '', status: '', check: '', country: '', minAgeHours: '' };

/** The waiting claims with a filter per dimension, each option showing how many claims it leads to. */
export function ReviewQueue({
  queue,
  filters,
  onFilters,
  openId,
  onOpen,
}: {
  queue: { data: Queue | undefined; isSuccess: boolean };
  filters: Filters;
  onFilters: (update: (filters: Filters) => Filters) => void;
  openId: string | undefined;
  onOpen: (id: string) => void;
}) {
  const items = queue.data?.claims ?? [];
  const set = (key: keyof Filters) => (event: React.ChangeEvent<HTMLSelectElement>) =>
    onFilters((f) => ({ ...f, [key]: event.target.value }));
  const counts = queue.data?.counts;
  const titles = useCampaignTitles();
  const label: Record<keyof Queue['counts'], (value: string) => string> = {
    status: statusLabel,
    check: checkLabel,
    campaign: (slug) => titles[slug] ?? slug,
    country: (code) => countryName(code, 'en', code),
  };
  const options = (dimension: keyof Queue['counts'], all: string, values?: string[]) => [
    <option key="" value="">
      {all}
    </option>,
    ...(values ?? Object.keys(counts?.[dimension] ?? {})).sort().map((value) => (
      <option key={value} value={value}>
        {label[dimension](value)} ({counts?.[dimension]?.[value] ?? 0})
      </option>
    )),
  ];
  return (
    <section className="review-queue" aria-labelledby="queue-title">
      <h1 id="queue-title">
        Review queue <span className="count">{queue.data?.total ?? '…'}</span>
      </h1>
      <div className="filters">
        <label>
          Campaign
          <select value={filters.campaign} onChange={set('campaign')}>
            {options('campaign', 'all campaigns')}
          </select>
        </label>
        <label>
          Status
          <select value={filters.status} onChange={set('status')}>
            {options('status', 'all waiting', STATUSES)}
          </select>
        </label>
        <label>
          Failed check
          <select value={filters.check} onChange={set('check')}>
            {options('check', 'any checks')}
          </select>
        </label>
        <label>
          Country
          <select value={filters.country} onChange={set('country')}>
            {options('country', 'all countries')}
          </select>
        </label>
        <label>
          Age
          <select value={filters.minAgeHours} onChange={set('minAgeHours')}>
            {AGES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ol className="queue-list">
        {items.map((item) => (
          <li key={item.id}>
            <button
              type="button"
              className="queue-item"
              aria-current={item.id === openId ? 'true' : undefined}
              data-claim={item.code}
              onClick={() => onOpen(item.id)}
            >
              <strong>{item.code}</strong>{' '}
              <span className={`status status-${item.status}`}>{statusLabel(item.status)}</span>
              <br />
              {item.claimantName} · {item.country} · {item.model} · {remedyLabel(item.remedy)}
              <br />
              <small>
                waiting {formatHours(item.waitingHours)}
                {item.riskScore !== null && ` · risk ${item.riskScore}`}
                {item.failedChecks.length > 0 && ` · ${item.failedChecks.map(checkLabel).join(', ')}`}
                {item.reviewer && ` · open by ${item.reviewer}`}
              </small>
            </button>
          </li>
        ))}
      </ol>
      {queue.isSuccess && items.length === 0 && <p>Nothing waits for review with these filters.</p>}
      <p className="hint">
        Press <kbd>?</kbd> for keyboard shortcuts.
      </p>
    </section>
  );
}

function formatHours(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}
