import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { WEBHOOK_EVENTS } from '../../shared/contracts/console/webhooks.ts';
import { consoleFetch, type DeliveryList, type Endpoint, type EndpointList } from './console-api.ts';

/** Webhook endpoints: register (the secret is shown once), see each delivery's answer, re-send. */
export function WebhooksPage() {
  const queryClient = useQueryClient();
  const endpoints = useQuery({
    queryKey: ['console', 'webhooks'],
    queryFn: () => consoleFetch<EndpointList>('/webhooks'),
  });
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([...WEBHOOK_EVENTS]);
  const [open, setOpen] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => consoleFetch<Endpoint>('/webhooks', { method: 'POST', body: { url, events } }),
    onSuccess: () => {
      setUrl('');
      queryClient.invalidateQueries({ queryKey: ['console', 'webhooks'] });
    },
  });
  return (
    <section>
      <h1>Webhooks</h1>
      <form
        className="upload"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <label>
          Endpoint URL
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required size={50} />
        </label>
        <fieldset>
          <legend>Events</legend>
          {WEBHOOK_EVENTS.map((event) => (
            <label key={event}>
              <input
                type="checkbox"
                checked={events.includes(event)}
                onChange={(e) =>
                  setEvents((all) => (e.target.checked ? [...all, event] : all.filter((x) => x !== event)))
                }
              />{' '}
              {event}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={create.isPending || events.length === 0}>
          Register
        </button>
        {create.error && <p className="console-error">{create.error.message}</p>}
        {create.data?.secret && (
          <p role="status" className="console-notice">
            Signing secret (shown only now): <code>{create.data.secret}</code>. See the README for how to
            check the Recallkit-Signature header.
          </p>
        )}
      </form>
      <ul>
        {endpoints.data?.endpoints.map((endpoint) => (
          <li key={endpoint.id}>
            <button
              type="button"
              className="link-button"
              onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}
            >
              {endpoint.url}
            </button>{' '}
            · {endpoint.events.join(', ')} · {endpoint.active ? 'active' : 'inactive'}
            {open === endpoint.id && <Deliveries endpointId={endpoint.id} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const queryClient = useQueryClient();
  const deliveries = useQuery({
    queryKey: ['console', 'webhooks', endpointId],
    queryFn: () => consoleFetch<DeliveryList>(`/webhooks/${endpointId}/deliveries`),
    refetchInterval: 5000,
  });
  const resend = useMutation({
    mutationFn: (id: string) => consoleFetch(`/webhooks/deliveries/${id}/resend`, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['console', 'webhooks', endpointId] }),
  });
  return (
    <table className="data">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Event</th>
          <th scope="col">State</th>
          <th scope="col">Attempts</th>
          <th scope="col">Answer</th>
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {deliveries.data?.deliveries.map((d) => (
          <tr key={d.id}>
            <td>{new Date(d.createdAt).toLocaleString()}</td>
            <td>{d.eventType}</td>
            <td>{d.state}</td>
            <td>{d.attempts}</td>
            <td>
              {d.lastStatus ?? '—'} <code>{(d.lastError ?? d.lastResponse ?? '').slice(0, 120)}</code>
            </td>
            <td>
              <button type="button" className="secondary" onClick={() => resend.mutate(d.id)}>
                Re-send
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
