import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { FOUND_STATUSES } from '../../shared/claim-rules.ts';
import { type ClaimSearch, consoleFetch } from './console-api.ts';
import { remedyLabel, statusLabel } from './labels.ts';

/**
 * Find any sent claim, whatever its status: by claim code, e-mail, serial, order number or the
 * start of a name, as an owner on the phone gives it; the list as CSV.
 */
export function FindClaimsPage({ canOpen }: { canOpen: boolean }) {
  const [typed, setTyped] = useState('');
  const [filters, setFilters] = useState({ q: '', status: '', campaign: '' });
  const query = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== ''));
  const found = useQuery({
    queryKey: ['console', 'find', query],
    queryFn: () => consoleFetch<ClaimSearch>('/claims/search', { query: { ...query, limit: 100 } }),
    placeholderData: keepPreviousData,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters((current) => ({ ...current, q: typed.trim() }));
  };
  return (
    <section>
      <h1>Find claims</h1>
      <form className="inline-form" onSubmit={submit} aria-label="Find claims">
        <label>
          Claim code, e-mail, serial, order number or name
          <input type="search" value={typed} onChange={(event) => setTyped(event.target.value)} />
        </label>
        <label>
          Status
          <select
            value={filters.status}
            onChange={(event) => setFilters((current) => ({ ...current, status: event.target.value }))}
          >
            <option value="">Any status</option>
            {FOUND_STATUSES.map((status) => (
              <option key={status} value={status}>
                {statusLabel(status)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Find</button>
        <a
          className="button button-secondary"
          href={`/api/v1/console/claims/search/export?${new URLSearchParams(query)}`}
          download
        >
          Export CSV
        </a>
      </form>
      {found.error && <p className="console-error">{found.error.message}</p>}
      {found.data && (
        <>
          <p role="status">
            {found.data.claims.length === 0
              ? 'No claim matches.'
              : `${found.data.claims.length}${found.data.more ? '+' : ''} claims${found.data.more ? ': narrow the search to see the rest' : ''}.`}
          </p>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Claim</th>
                <th scope="col">Status</th>
                <th scope="col">Owner</th>
                <th scope="col">Unit</th>
                <th scope="col">Remedy</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {found.data.claims.map((claim) => (
                <tr key={claim.id}>
                  <td>
                    {canOpen ? <Link to={`/console/review/${claim.id}`}>{claim.code}</Link> : claim.code}
                  </td>
                  <td data-status={claim.status}>{statusLabel(claim.status)}</td>
                  <td>
                    {claim.claimantName}
                    <br />
                    <small>
                      {claim.email} · {claim.country}
                    </small>
                  </td>
                  <td>
                    {claim.model} {claim.serial ?? '(by model)'}
                    <br />
                    <small>{claim.campaign}</small>
                  </td>
                  <td>{remedyLabel(claim.remedy)}</td>
                  <td>{new Date(claim.createdAt).toLocaleDateString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
