import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatMoney } from '../../shared/money.ts';
import { CsvUpload } from './CsvUpload.tsx';
import { consoleFetch, type FulfilmentOverview, type ReturnReceived } from './console-api.ts';

/** Downloads a POST answer that is a CSV file (a new batch), or says there was nothing to do. */
async function downloadBatch(path: string, csrf: () => Promise<Response>): Promise<string> {
  const response = await csrf();
  if (response.status === 204) return 'Nothing waits: no file made.';
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body?.error?.message ?? response.statusText);
  }
  const blob = await response.blob();
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${path}.csv`;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
  return `Downloaded ${name}.`;
}

/** The fulfilment team's page: what waits, shipment and payout files, tracking, returns, gift card pools. */
export function FulfilmentPage({ csrfToken, canWork }: { csrfToken: string; canWork: boolean }) {
  const queryClient = useQueryClient();
  const overview = useQuery({
    queryKey: ['console', 'fulfilment'],
    queryFn: () => consoleFetch<FulfilmentOverview>('/fulfilment'),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['console', 'fulfilment'] });
  const [message, setMessage] = useState<string | null>(null);
  const post = (path: string) => () =>
    fetch(`/api/v1/console${path}`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken },
      credentials: 'same-origin',
    });
  const batch = useMutation({
    mutationFn: (path: string) => downloadBatch(path, post(path)),
    onSuccess: (text) => {
      setMessage(text);
      refresh();
    },
  });
  const [reference, setReference] = useState('');
  const received = useMutation({
    mutationFn: () =>
      consoleFetch<ReturnReceived>('/fulfilment/returns', { method: 'POST', body: { reference } }),
    onSuccess: (result) => {
      setMessage(`${result.claimCode}: unit received; its remedy is being issued.`);
      setReference('');
      refresh();
    },
  });
  const data = overview.data;
  return (
    <section>
      <h1>Fulfilment</h1>
      {message && (
        <p role="status" className="console-notice">
          {message}
        </p>
      )}
      {(batch.error || received.error) && (
        <p role="alert" className="console-error">
          {(batch.error ?? received.error)?.message}
        </p>
      )}
      {data?.pools
        .filter((pool) => pool.low)
        .map((pool) => (
          <p key={`${pool.campaign}-${pool.kind}-${pool.currency}`} className="console-warning" role="alert">
            The {pool.kind.replace('_', ' ')} pool of {pool.campaign} is running low: {pool.free} codes left.
            Import more.
          </p>
        ))}
      <h2>Waiting</h2>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Remedy</th>
            <th scope="col">State</th>
            <th scope="col">Claims</th>
          </tr>
        </thead>
        <tbody>
          {data?.remedies.map((row) => (
            <tr key={`${row.kind}-${row.state}`}>
              <td>{row.kind.replace('_', ' ')}</td>
              <td>{row.state.replaceAll('_', ' ')}</td>
              <td>{row.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canWork && (
        <div className="fulfilment-actions">
          <section className="upload">
            <h2>Warehouse</h2>
            <button
              type="button"
              onClick={() => batch.mutate('/fulfilment/shipments')}
              disabled={batch.isPending}
            >
              Export the next shipment batch
            </button>
            <CsvUpload
              label="Import tracking numbers (order_id, carrier, tracking_number)"
              path="/fulfilment/tracking"
              describe={(r: {
                shipped: number;
                bags: number;
                unchanged: number;
                rejected: { line: number; reason: string }[];
              }) =>
                `${r.shipped} shipped, ${r.bags} return bags sent, ${r.unchanged} already recorded, ${r.rejected.length} rejected${r.rejected.map((x) => `; line ${x.line}: ${x.reason}`).join('')}`
              }
              onDone={refresh}
            />
          </section>
          <section className="upload">
            <h2>Finance</h2>
            <button
              type="button"
              onClick={() => batch.mutate('/fulfilment/payouts')}
              disabled={batch.isPending}
            >
              Export the next payout file
            </button>
            <CsvUpload
              label="Import payout results (payout_id, status paid|failed, reason)"
              path="/fulfilment/payouts/results"
              describe={(r: {
                paid: number;
                failed: number;
                unchanged: number;
                rejected: { line: number; reason: string }[];
              }) =>
                `${r.paid} paid, ${r.failed} failed, ${r.unchanged} already recorded, ${r.rejected.length} rejected${r.rejected.map((x) => `; line ${x.line}: ${x.reason}`).join('')}`
              }
              onDone={refresh}
            />
          </section>
          <form
            className="upload"
            onSubmit={(event) => {
              event.preventDefault();
              received.mutate();
            }}
          >
            <h2>Returned units</h2>
            <label>
              Claim code or serial on the returned unit
              <input
                value={reference}
                onChange={(e) => setReference(e.target.value)}
                required
                minLength={4}
              />
            </label>
            <button type="submit" disabled={received.isPending}>
              Record as received
            </button>
          </form>
        </div>
      )}
      <h2>Gift card pools</h2>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Campaign</th>
            <th scope="col">Kind</th>
            <th scope="col">Value</th>
            <th scope="col">Free</th>
            <th scope="col">Handed out</th>
          </tr>
        </thead>
        <tbody>
          {data?.pools.map((pool) => (
            <tr key={`${pool.campaign}-${pool.kind}-${pool.currency}-${pool.amountMinor}`}>
              <td>{pool.campaign}</td>
              <td>{pool.kind.replace('_', ' ')}</td>
              <td>{formatMoney(pool.amountMinor, pool.currency, 'en')}</td>
              <td>{pool.free}</td>
              <td>{pool.assigned}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Recent files</h2>
      <ul>
        {data?.shipmentBatches.map((b) => (
          <li key={b.id}>
            <a href={`/api/v1/console/fulfilment/shipments/${b.id}`} download>
              {b.id}
            </a>{' '}
            · shipments · {b.lines} lines · {new Date(b.createdAt).toLocaleString()} · {b.createdBy}
          </li>
        ))}
        {data?.payoutBatches.map((b) => (
          <li key={b.id}>
            {b.id} · payouts · {b.lines} lines · {new Date(b.createdAt).toLocaleString()} · {b.createdBy}
          </li>
        ))}
      </ul>
    </section>
  );
}
