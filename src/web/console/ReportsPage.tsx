import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { IncidentList } from '../../shared/contracts/reporting.ts';
import { formatMoney } from '../../shared/money.ts';
import { CampaignSelect, useCampaignList } from './CampaignSelect.tsx';
import { consoleFetch } from './console-api.ts';

const previousMonth = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
};

/** The regulator's monthly figures of a campaign, to read, print or download; and the incident reports. */
export function ReportsPage() {
  const campaigns = useCampaignList();
  const [campaign, setCampaign] = useState('');
  const [month, setMonth] = useState(previousMonth);
  const slug = campaign || campaigns.data?.campaigns[0]?.slug || '';
  const report = useQuery({
    queryKey: ['console', 'cpsc', slug, month],
    queryFn: () =>
      consoleFetch<Record<string, unknown>>('/reports/cpsc-monthly', { query: { campaign: slug, month } }),
    enabled: slug !== '' && /^\d{4}-\d{2}$/.test(month),
    placeholderData: keepPreviousData,
  });
  const query = new URLSearchParams({ campaign: slug, month });
  return (
    <section className="reports">
      <h1>Reports</h1>
      <div className="inline-form">
        <CampaignSelect value={slug} onChange={setCampaign} />
        <label>
          Month
          <input type="month" value={month} onChange={(event) => setMonth(event.target.value)} />
        </label>
        <a
          className="button button-secondary"
          href={`/api/v1/console/reports/cpsc-monthly?${query}&format=csv`}
          download
        >
          Download CSV
        </a>
        <a
          className="button button-secondary"
          href={`/api/v1/console/reports/cpsc-monthly?${query}&format=json`}
          download
        >
          Download JSON
        </a>
        <a
          className="button button-secondary"
          href={`/api/v1/console/reports/cpsc-monthly?${query}&format=pdf`}
          download
        >
          Download PDF
        </a>
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print
        </button>
      </div>
      {report.error && <p className="console-error">{report.error.message}</p>}
      {report.data && <CpscFigures report={report.data} />}
      <Incidents slug={slug} />
    </section>
  );
}

/** The report's fields as the CPSC form lists them, one table. */
function CpscFigures({ report }: { report: Record<string, unknown> }) {
  const rows: [string, string][] = [];
  const walk = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) walk(prefix ? `${prefix} › ${key}` : key, inner);
    else rows.push([prefix, value === null ? 'not recorded in Recallkit' : String(value)]);
  };
  walk('', report);
  return (
    <table className="data cpsc-report" aria-label="CPSC monthly progress report">
      <caption>
        CPSC Monthly Progress Report · {String(report.title)} · {String(report.month)}
      </caption>
      <tbody>
        {rows.map(([field, value]) => (
          <tr key={field}>
            <th scope="row">{field}</th>
            <td data-field={field}>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Incidents({ slug }: { slug: string }) {
  const [when, setWhen] = useState('');
  const incidents = useQuery({
    queryKey: ['console', 'incidents', slug, when],
    queryFn: () => consoleFetch<IncidentList>('/incidents', { query: { campaign: slug, when, limit: 200 } }),
    enabled: slug !== '',
  });
  return (
    <section aria-labelledby="incidents-title">
      <h2 id="incidents-title">Incident reports</h2>
      <label>
        Happened{' '}
        <select value={when} onChange={(event) => setWhen(event.target.value)}>
          <option value="">any time</option>
          <option value="before">before the recall</option>
          <option value="after">after the recall</option>
        </select>
      </label>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Happened</th>
            <th scope="col">What</th>
            <th scope="col">Injury</th>
            <th scope="col">Damage</th>
            <th scope="col">Unit</th>
            <th scope="col">Reported by</th>
            <th scope="col">Claims for the unit</th>
            <th scope="col">Photos</th>
          </tr>
        </thead>
        <tbody>
          {incidents.data?.incidents.map((incident) => (
            <tr key={incident.id}>
              <td>
                {incident.occurredOn}
                <br />
                <small>
                  {incident.beforeRecall === null
                    ? ''
                    : incident.beforeRecall
                      ? 'before the recall'
                      : 'after the recall'}
                </small>
              </td>
              <td>
                {incident.kind}
                <br />
                <small>{incident.description}</small>
              </td>
              <td>{incident.injury.replaceAll('_', ' ')}</td>
              <td>
                {incident.damageCost
                  ? formatMoney(incident.damageCost.amountMinor, incident.damageCost.currency, 'en')
                  : incident.propertyDamage
                    ? 'yes'
                    : '—'}
              </td>
              <td>
                {incident.model} {incident.serial ?? ''}
              </td>
              <td>
                {incident.contact.name}
                <br />
                <small>
                  {incident.contact.email}
                  {incident.mayContact ? '' : ' (no contact)'}
                </small>
              </td>
              <td>{incident.claims.map((claim) => claim.code).join(', ') || '—'}</td>
              <td>
                {incident.photos.map((photo, index) => (
                  <a
                    key={photo.id}
                    href={`/api/v1/console/incidents/${incident.id}/photos/${photo.id}`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    <img
                      className="incident-photo"
                      src={`/api/v1/console/incidents/${incident.id}/photos/${photo.id}`}
                      alt={`What the reporter sent (${index + 1})`}
                      loading="lazy"
                    />
                  </a>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
