import { useQuery } from '@tanstack/react-query';
import { consoleFetch, type Outbox } from './console-api.ts';

/** Links in a mail's text, made clickable (the text itself is rendered as text, never as HTML). */
function withLinks(text: string) {
  return text.split(/(https?:\/\/\S+)/).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed text
      <a key={i} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}

/** Development without SMTP: the mail Recallkit would have sent, newest first (admins only). */
export function OutboxPage() {
  const outbox = useQuery({
    queryKey: ['console', 'outbox'],
    queryFn: () => consoleFetch<Outbox>('/outbox'),
    refetchInterval: 5000,
  });
  return (
    <section>
      <h1>Outbox</h1>
      <p>
        Mail is not sent because <code>SMTP_URL</code> is not set; this is what would have gone out, newest
        first. It holds claim links and gift card codes, so only admins see it, and never in production.
      </p>
      {outbox.data?.messages.length === 0 && <p>No mail yet.</p>}
      {outbox.data?.messages.map((message) => (
        <article key={message.id} className="outbox-message">
          <h2>{message.subject}</h2>
          <p className="meta">
            {new Date(message.createdAt).toLocaleString()} · to {message.to} · {message.language} ·{' '}
            {message.template} · {message.state}
          </p>
          <pre>{withLinks(message.text)}</pre>
        </article>
      ))}
    </section>
  );
}
