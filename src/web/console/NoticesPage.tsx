import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useSearchParams } from 'react-router';
import type {
  BounceImport,
  NoticeFigures,
  NoticeImport,
  NoticesOverview,
  NoticeWave,
} from '../../shared/contracts/console/notices.ts';
import { CampaignSelect, useCampaignList } from './CampaignSelect.tsx';
import { CsvUpload } from './CsvUpload.tsx';
import { consoleFetch } from './console-api.ts';

const COLUMNS: [keyof NoticeFigures, string][] = [
  ['audience', 'People'],
  ['waiting', 'Waiting'],
  ['released', 'Released'],
  ['sent', 'Sent'],
  ['delivered', 'Delivered'],
  ['bounced', 'Bounced'],
  ['opened', 'Opened link'],
  ['lookedUp', 'Checked unit'],
  ['claimsStarted', 'Claims started'],
  ['claimsSubmitted', 'Claims sent'],
  ['unitsCorrected', 'Units corrected'],
];

const rejectedText = (rejected: { line: number; reason: string }[]) =>
  rejected.length
    ? ` (${rejected
        .slice(0, 5)
        .map((r) => `line ${r.line}: ${r.reason}`)
        .join('; ')})`
    : '';

/**
 * Direct notices: the lists of known buyers, the waves that write to them at the configured rate
 * (started, paused, resumed here), reminders to those who did nothing, and what each wave did.
 */
export function NoticesPage() {
  const campaigns = useCampaignList();
  const [params] = useSearchParams();
  const [campaign, setCampaign] = useState(params.get('campaign') ?? '');
  const slug = campaign || campaigns.data?.campaigns[0]?.slug || '';
  const client = useQueryClient();
  const key = ['console', 'notices', slug];
  const overview = useQuery({
    queryKey: key,
    queryFn: () => consoleFetch<NoticesOverview>(`/campaigns/${slug}/notices`),
    enabled: slug !== '',
    // While a wave sends, its figures move.
    refetchInterval: (query) =>
      query.state.data?.waves.some((w) => w.state === 'running' || w.state === 'scheduled') ? 5000 : false,
  });
  const refresh = () => client.invalidateQueries({ queryKey: key });
  const act = useMutation({
    mutationFn: (request: { path: string; body?: unknown }) =>
      consoleFetch<NoticeWave>(request.path, { method: 'POST', body: request.body }),
    onSettled: refresh,
  });
  const [source, setSource] = useState('');
  const [followUpOf, setFollowUpOf] = useState('');
  const [afterDays, setAfterDays] = useState(14);
  const data = overview.data;
  const sources = [
    ...new Set((data?.audience ?? []).filter((a) => a.channel === 'email').map((a) => a.source)),
  ];
  const firstWaves = (data?.waves ?? []).filter((w) => w.kind === 'notice');

  return (
    <section className="notices">
      <h1>Notices</h1>
      <div className="inline-form">
        <CampaignSelect value={slug} onChange={setCampaign} />
      </div>
      {act.error && (
        <p className="error" role="alert">
          {(act.error as Error).message}
        </p>
      )}

      <h2>Who is listed</h2>
      {data && data.audience.length === 0 && <p>Nobody yet: upload a list of buyers below.</p>}
      {data && data.audience.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Source</th>
              <th scope="col">People</th>
              <th scope="col">Unsubscribed</th>
              <th scope="col">Undeliverable</th>
            </tr>
          </thead>
          <tbody>
            {data.audience.map((row) => (
              <tr key={`${row.channel}/${row.source}`}>
                <td>{row.channel === 'email' ? 'e-mail (sent here)' : `${row.channel} (told elsewhere)`}</td>
                <td>{row.source || '—'}</td>
                <td>{row.people}</td>
                <td>{row.unsubscribed}</td>
                <td>{row.undeliverable}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Start a wave</h2>
      <form
        className="inline-form"
        aria-label="Start a wave"
        onSubmit={(event) => {
          event.preventDefault();
          act.mutate({ path: `/campaigns/${slug}/notices/waves`, body: source ? { source } : {} });
        }}
      >
        <label>
          To
          <select value={source} onChange={(event) => setSource(event.target.value)}>
            <option value="">everyone listed not yet written to</option>
            {sources.map((s) => (
              <option key={s} value={s}>
                source {s || '(none)'}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!slug || act.isPending}>
          Start wave
        </button>
        {data && (
          <span className="hint">At {data.ratePerMinute} e-mails a minute (NOTICE_RATE_PER_MINUTE).</span>
        )}
      </form>
      {firstWaves.length > 0 && (
        <form
          className="inline-form"
          aria-label="Schedule a reminder"
          onSubmit={(event) => {
            event.preventDefault();
            act.mutate({
              path: `/campaigns/${slug}/notices/waves`,
              body: { followUpOf: followUpOf || firstWaves[0]?.id, afterDays },
            });
          }}
        >
          <label>
            Remind the people of
            <select value={followUpOf} onChange={(event) => setFollowUpOf(event.target.value)}>
              {firstWaves.map((w) => (
                <option key={w.id} value={w.id}>
                  wave {w.number}
                </option>
              ))}
            </select>
          </label>
          <label>
            who did nothing after (days)
            <input
              type="number"
              min={1}
              max={365}
              value={afterDays}
              onChange={(event) => setAfterDays(Number(event.target.value))}
            />
          </label>
          <button type="submit" className="secondary" disabled={act.isPending}>
            Schedule reminder
          </button>
        </form>
      )}

      <h2>Waves</h2>
      {data && data.waves.length === 0 && <p>No wave yet.</p>}
      {data && data.waves.length > 0 && (
        <table className="wave-table">
          <thead>
            <tr>
              <th scope="col">Wave</th>
              <th scope="col">State</th>
              {COLUMNS.map(([, label]) => (
                <th scope="col" key={label}>
                  {label}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.waves.map((wave) => (
              <Fragment key={wave.id}>
                <tr>
                  <th scope="row">
                    {wave.number} ·{' '}
                    {wave.kind === 'reminder' ? `reminder after ${wave.afterDays} d` : 'notice'}
                    {wave.source ? ` · ${wave.source}` : ''}
                  </th>
                  <td>
                    {wave.state}
                    {wave.state === 'scheduled' && ` (${new Date(wave.startsAt).toLocaleString()})`}
                  </td>
                  {COLUMNS.map(([field]) => (
                    <td key={field}>{wave.figures[field]}</td>
                  ))}
                  <td>
                    {(wave.state === 'running' || wave.state === 'scheduled') && (
                      <button
                        type="button"
                        className="secondary"
                        disabled={act.isPending}
                        onClick={() => act.mutate({ path: `/notices/waves/${wave.id}/pause` })}
                      >
                        Pause wave {wave.number}
                      </button>
                    )}
                    {wave.state === 'paused' && (
                      <button
                        type="button"
                        disabled={act.isPending}
                        onClick={() => act.mutate({ path: `/notices/waves/${wave.id}/resume` })}
                      >
                        Resume wave {wave.number}
                      </button>
                    )}
                  </td>
                </tr>
                {wave.bySource.length > 1 &&
                  wave.bySource.map((part) => (
                    <tr key={`${wave.id}/${part.source}`} className="muted">
                      <td>↳ {part.source || '(no source)'}</td>
                      <td />
                      {COLUMNS.map(([field]) => (
                        <td key={field}>{part.figures[field]}</td>
                      ))}
                      <td />
                    </tr>
                  ))}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}

      <h2>Upload people to notify</h2>
      <p className="hint">
        CSV with the header email,name,language,country and optionally serial, model, order_id, source and
        channel (email, or mail, phone, other for notices sent elsewhere: counted, not sent). Each person is
        listed once; uploading a list again changes nothing, and someone who unsubscribed stays so.
      </p>
      <CsvUpload
        label="Notice list CSV"
        path={`/campaigns/${slug}/notices`}
        describe={(row: NoticeImport) =>
          `${row.rowsTotal} rows: ${row.rowsAdded} people added, ${row.rowsMerged} already listed, ${row.rowsRejected} rejected${rejectedText(row.rejected)}.`
        }
        onDone={refresh}
      />
      <h2>Bounces and complaints</h2>
      <p className="hint">
        Your mail provider’s export, CSV with the header email,type[,message_id] (type bounce or complaint).
        The addresses are not written to again.
      </p>
      <CsvUpload
        label="Bounces CSV"
        path="/notices/bounces"
        describe={(row: BounceImport) =>
          `${row.matched} addresses marked undeliverable, ${row.unknown} not on any list, ${row.rejected.length} rows rejected${rejectedText(row.rejected)}.`
        }
        onDone={refresh}
      />
    </section>
  );
}
