import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../db/database.ts';
import { listOutbox } from './outbox.ts';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/**
 * Development only (no SMTP_URL, not production): the outbox as a page, so a developer can
 * read the mail a claim sent and follow its links.
 */
export const devOutboxRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get('/dev/outbox', { schema: { hide: true } }, async (_request, reply) => {
    const messages = await listOutbox(db.kysely, 100);
    const items = messages
      .map(
        (m) => `<article><h2>${escapeHtml(m.subject)}</h2>
<p class="meta">${escapeHtml(m.created_at.toISOString())} · to ${escapeHtml(m.to_address)} · ${escapeHtml(m.language)} · ${escapeHtml(m.template)} · ${m.state}</p>
<pre>${escapeHtml(m.text_body).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>')}</pre></article>`,
      )
      .join('\n');
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outbox (development)</title><style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:1rem auto;padding:0 1rem}article{border-bottom:1px solid #ccc}pre{white-space:pre-wrap}.meta{color:#555}</style></head>
<body><h1>Outbox (development)</h1><p>Mail is not sent because SMTP_URL is not set. Newest first.</p>${items || '<p>No mail yet.</p>'}</body></html>`);
  });
};
