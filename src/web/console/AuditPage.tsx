import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type AuditPage as AuditPageData, consoleFetch } from './console-api.ts';
import { actionLabel, describeDetail } from './labels.ts';

/** The audit trail with filters, and its CSV export with the same filters. */
export function AuditPage() {
  const [filters, setFilters] = useState({ actor: '', action: '', targetId: '', from: '', to: '' });
  const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== ''));
  const events = useQuery({
    queryKey: ['console', 'audit', query],
    queryFn: () => consoleFetch<AuditPageData>('/audit', { query: { ...query, limit: 500 } }),
    placeholderData: keepPreviousData,
  });
  const field = (key: keyof typeof filters, label: string, type = 'text') => (
    <label>
      {label}
      <input
        type={type}
        value={filters[key]}
        onChange={(e) => setFilters((f) => ({ ...f, [key]: e.target.value }))}
      />
    </label>
  );
  return (
    <section>
      <h1>Audit trail</h1>
      <div className="inline-form">
        {field('actor', 'Staff e-mail or id')}
        {field('action', 'Action (prefix of its name, e.g. claim.)')}
        {field('targetId', 'Claim, staff or campaign id')}
        {field('from', 'From', 'date')}
        {field('to', 'Before', 'date')}
        <a
          className="button"
          href={`/api/v1/console/audit/export?${new URLSearchParams({ ...query, limit: '100000' })}`}
          download
        >
          Export CSV
        </a>
      </div>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">On</th>
            <th scope="col">From</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {events.data?.events.map((event) => (
            <tr key={event.id}>
              <td>{new Date(event.at).toLocaleString()}</td>
              <td>
                {event.actorEmail ?? '—'} {event.actorRole && <small>({event.actorRole})</small>}
              </td>
              <td title={event.action}>{actionLabel(event.action)}</td>
              <td>{event.targetId ? `${event.targetType} ${event.targetId}` : '—'}</td>
              <td>{event.ip ?? '—'}</td>
              <td>{describeDetail(event.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
