import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { parse, stringify } from 'yaml';
import type { CampaignDefinition } from '../../shared/contracts/campaign-definition.ts';
import { minorDigits } from '../../shared/money.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { CsvUpload } from './CsvUpload.tsx';
import {
  type CampaignDetail,
  type CampaignList,
  type CampaignUpdated,
  consoleFetch,
  type SerialImport,
} from './console-api.ts';
import { statusLabel } from './labels.ts';

export function CampaignsPage({ canEdit }: { canEdit: boolean }) {
  const campaigns = useQuery({
    queryKey: ['console', 'campaigns'],
    queryFn: () => consoleFetch<CampaignList>('/campaigns'),
  });
  return (
    <section>
      <h1>Campaigns</h1>
      {canEdit && (
        <p>
          <Link className="button" to="/console/campaigns/new">
            New campaign
          </Link>
        </p>
      )}
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Campaign</th>
            <th scope="col">Status</th>
            <th scope="col">Announced</th>
            <th scope="col">Models</th>
            <th scope="col">Serials listed</th>
            <th scope="col">Claims</th>
          </tr>
        </thead>
        <tbody>
          {campaigns.data?.campaigns.map((c) => (
            <tr key={c.slug}>
              <th scope="row">
                <Link to={`/console/campaigns/${c.slug}`}>{c.title}</Link>
                <br />
                <small>{c.slug}</small>
              </th>
              <td>{CAMPAIGN_STATUS[c.status] ?? c.status}</td>
              <td>{c.announcedOn}</td>
              <td>{c.models.join(', ')}</td>
              <td>{c.serials.toLocaleString()}</td>
              <td>
                {Object.entries(c.claims)
                  .map(([status, n]) => `${statusLabel(status)}: ${n}`)
                  .join(', ') || '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const CAMPAIGN_STATUS: Record<string, string> = {
  draft: 'Draft (not public)',
  active: 'Open for claims',
  closed: 'Claims closed',
};

const NEXT: Record<string, string[]> = { draft: ['active'], active: ['closed'], closed: ['active'] };

/** One campaign: status, triage policy, the whole definition as YAML, and its eligibility lists. */
export function CampaignPage({ canEdit }: { canEdit: boolean }) {
  const { slug = '' } = useParams();
  const queryClient = useQueryClient();
  const campaign = useQuery({
    queryKey: ['console', 'campaign', slug],
    queryFn: () => consoleFetch<CampaignDetail & { definition: CampaignDefinition }>(`/campaigns/${slug}`),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['console', 'campaign', slug] });
  const definition = campaign.data?.definition;
  const [asking, setAsking] = useState<string | null>(null);
  const status = useMutation({
    mutationFn: (next: string) =>
      consoleFetch(`/campaigns/${slug}/status`, { method: 'POST', body: { status: next } }),
    onSuccess: refresh,
  });
  const save = useMutation({
    mutationFn: (next: CampaignDefinition) =>
      consoleFetch<CampaignUpdated>(`/campaigns/${slug}`, { method: 'PUT', body: { definition: next } }),
    onSuccess: refresh,
  });
  if (!definition) return <p>{campaign.error?.message ?? 'Loading…'}</p>;
  return (
    <section className="campaign">
      <h1>{definition.title.en}</h1>
      <p>
        Status:{' '}
        <strong data-testid="campaign-status" data-status={definition.status}>
          {CAMPAIGN_STATUS[definition.status]}
        </strong>{' '}
        {canEdit &&
          NEXT[definition.status]?.map((next) => (
            <button key={next} type="button" onClick={() => setAsking(next)} disabled={status.isPending}>
              {next === 'active'
                ? definition.status === 'closed'
                  ? 'Reopen claims…'
                  : 'Activate (publish)…'
                : 'Close claims for this recall…'}
            </button>
          ))}
      </p>
      {asking && (
        <ConfirmDialog
          title={
            asking === 'closed'
              ? `Close claims for “${definition.title.en}”?`
              : definition.status === 'closed'
                ? `Reopen claims for “${definition.title.en}”?`
                : `Publish “${definition.title.en}”?`
          }
          confirm={
            asking === 'closed'
              ? 'Close claims'
              : definition.status === 'closed'
                ? 'Reopen claims'
                : 'Publish'
          }
          cancel={asking === 'closed' ? 'Keep claims open' : 'Cancel'}
          busy={status.isPending}
          onCancel={() => setAsking(null)}
          onConfirm={() => status.mutate(asking, { onSettled: () => setAsking(null) })}
        >
          {asking === 'closed' ? (
            <ul>
              <li>
                New claims are refused from now on; the recall page and the serial check say claims are
                closed.
              </li>
              <li>Claims already sent go on: review, remedies and e-mails continue.</li>
              <li>
                The recall stays public, and the serial check still tells owners their unit is recalled.
              </li>
              <li>You can reopen claims later from this page.</li>
            </ul>
          ) : (
            <p>Owners can look up their serials and start claims for it at once.</p>
          )}
        </ConfirmDialog>
      )}
      {status.error && <p className="console-error">{status.error.message}</p>}
      <p>
        <a href={`/recalls/${slug}/progress`} target="_blank" rel="noreferrer">
          Public progress page
        </a>
      </p>
      {canEdit && <ProgressUpdateForm slug={slug} />}
      <TriageForm definition={definition} canEdit={canEdit} onSave={(next) => save.mutate(next)} />
      <DefinitionEditor definition={definition} canEdit={canEdit} onSave={(next) => save.mutate(next)} />
      {save.error && (
        <p role="alert" className="console-error">
          {save.error.message}
        </p>
      )}
      {save.isSuccess && <p role="status">Saved ({save.data.outcome}).</p>}
      {canEdit && <EligibilityUpload slug={slug} onDone={refresh} />}
      {canEdit && (
        <p>
          <Link to={`/console/notices?campaign=${slug}`}>Notices to known buyers: lists, waves, figures</Link>
        </p>
      )}
      <Imports imports={campaign.data?.imports ?? []} />
    </section>
  );
}

function TriageForm({
  definition,
  canEdit,
  onSave,
}: {
  definition: CampaignDefinition;
  canEdit: boolean;
  onSave: (d: CampaignDefinition) => void;
}) {
  const [triage, setTriage] = useState(definition.triage);
  useEffect(() => setTriage(definition.triage), [definition]);
  const refund = triage.secondReview.refundAboveMinor;
  // Money as money: the refund's currency and its major units (the definition keeps minor units).
  const currency =
    definition.jurisdictions.flatMap((j) => j.remedies).find((r) => r.kind === 'refund')?.value?.currency ??
    'USD';
  const scale = 10 ** minorDigits(currency);
  return (
    <form
      className="triage-form"
      onSubmit={(event) => {
        event.preventDefault();
        onSave({ ...definition, triage });
      }}
    >
      <h2>Triage policy</h2>
      <label>
        <input
          type="checkbox"
          checked={triage.autoApprove}
          disabled={!canEdit}
          onChange={(e) => setTriage({ ...triage, autoApprove: e.target.checked })}
        />{' '}
        Approve automatically when every check passes
      </label>
      <label>
        Share of automatic approvals sampled for a supervisor (%)
        <input
          type="number"
          min={0}
          max={100}
          step={0.1}
          disabled={!canEdit}
          value={Math.round(triage.qualitySampleRate * 1000) / 10}
          onChange={(e) => setTriage({ ...triage, qualitySampleRate: Number(e.target.value) / 100 })}
        />
      </label>
      <label>
        Second review when the risk score is above (0-100)
        <input
          type="number"
          min={0}
          max={100}
          disabled={!canEdit}
          value={triage.secondReview.riskScoreAbove}
          onChange={(e) =>
            setTriage({
              ...triage,
              secondReview: { ...triage.secondReview, riskScoreAbove: Number(e.target.value) },
            })
          }
        />
      </label>
      <label>
        Second review for refunds above ({currency}; empty: never)
        <input
          type="number"
          min={0}
          step={1 / scale}
          disabled={!canEdit}
          value={refund === undefined ? '' : refund / scale}
          onChange={(e) => {
            const { refundAboveMinor: _, ...rest } = triage.secondReview;
            setTriage({
              ...triage,
              secondReview:
                e.target.value === ''
                  ? rest
                  : { ...rest, refundAboveMinor: Math.round(Number(e.target.value) * scale) },
            });
          }}
        />
      </label>
      {canEdit && <button type="submit">Save policy</button>}
    </form>
  );
}

function DefinitionEditor({
  definition,
  canEdit,
  onSave,
}: {
  definition: CampaignDefinition;
  canEdit: boolean;
  onSave: (d: CampaignDefinition) => void;
}) {
  const [text, setText] = useState(() => stringify(definition));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setText(stringify(definition)), [definition]);
  return (
    <details className="definition-editor">
      <summary>The whole definition (models, remedies per country, evidence, reject reasons) as YAML</summary>
      <textarea
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={30}
        readOnly={!canEdit}
        spellCheck={false}
        aria-label="Campaign definition in YAML"
      />
      {problem && <p className="console-error">{problem}</p>}
      <button
        type="button"
        className="secondary"
        onClick={() => {
          const link = document.createElement('a');
          link.href = URL.createObjectURL(new Blob([stringify(definition)], { type: 'application/yaml' }));
          link.download = `${definition.slug}.yaml`;
          link.click();
          URL.revokeObjectURL(link.href);
        }}
      >
        Download as a campaign file (YAML)
      </button>{' '}
      {canEdit && (
        <button
          type="button"
          onClick={() => {
            try {
              setProblem(null);
              onSave(parse(text) as CampaignDefinition);
            } catch (error) {
              setProblem(`Not valid YAML: ${(error as Error).message}`);
            }
          }}
        >
          Save definition
        </button>
      )}
    </details>
  );
}

function EligibilityUpload({ slug, onDone }: { slug: string; onDone: () => void }) {
  return (
    <section className="upload">
      <h2>Upload an eligibility list</h2>
      <p className="hint">
        CSV with the header serial,model and optionally market and lot. Rows already listed are left alone.
      </p>
      <CsvUpload
        label="Eligibility CSV"
        path={`/campaigns/${slug}/eligibility`}
        describe={(row: SerialImport) =>
          `${row.fileName}: ${row.rowsTotal} rows, ${row.rowsAdded} added, ${row.rowsUnchanged} already listed, ${row.rowsRejected} rejected.`
        }
        onDone={onDone}
      />
    </section>
  );
}

function Imports({ imports }: { imports: SerialImport[] }) {
  return (
    <>
      <h2>Imports</h2>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">File</th>
            <th scope="col">By</th>
            <th scope="col">Rows</th>
            <th scope="col">Added</th>
            <th scope="col">Already listed</th>
            <th scope="col">Rejected</th>
          </tr>
        </thead>
        <tbody>
          {imports.map((row) => (
            <tr key={row.id}>
              <td>{new Date(row.finishedAt).toLocaleString()}</td>
              <td>{row.fileName}</td>
              <td>{row.actor}</td>
              <td>{row.rowsTotal.toLocaleString()}</td>
              <td>{row.rowsAdded.toLocaleString()}</td>
              <td>{row.rowsUnchanged.toLocaleString()}</td>
              <td>
                {row.rowsRejected.toLocaleString()}
                {row.rejectedSample && (
                  <details>
                    <summary>rejected rows</summary>
                    <pre>{row.rejectedSample}</pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** An update for the recall's public progress page, in each language the manager writes. */
function ProgressUpdateForm({ slug }: { slug: string }) {
  const [text, setText] = useState({ en: '', es: '', 'zh-CN': '' });
  const publish = useMutation({
    mutationFn: () =>
      consoleFetch<{ id: string }>(`/campaigns/${slug}/progress-updates`, {
        method: 'POST',
        body: { text: Object.fromEntries(Object.entries(text).filter(([, value]) => value.trim() !== '')) },
      }),
    onSuccess: () => setText({ en: '', es: '', 'zh-CN': '' }),
  });
  const field = (language: keyof typeof text, label: string) => (
    <label>
      {label}
      <textarea
        rows={2}
        lang={language}
        value={text[language]}
        onChange={(event) => setText((current) => ({ ...current, [language]: event.target.value }))}
      />
    </label>
  );
  return (
    <form
      className="progress-update-form"
      onSubmit={(event) => {
        event.preventDefault();
        publish.mutate();
      }}
    >
      <h2>Publish a progress update</h2>
      {field('en', 'English (required)')}
      {field('es', 'Spanish (optional; English is shown where missing)')}
      {field('zh-CN', 'Chinese (optional)')}
      {publish.error && <p className="console-error">{publish.error.message}</p>}
      {publish.isSuccess && <p role="status">Published on the progress page (within a minute).</p>}
      <button type="submit" disabled={publish.isPending || text.en.trim() === ''}>
        Publish
      </button>
    </form>
  );
}

/** The people to notify (store orders, registrations, marketplace lists): a list, once per person. */
