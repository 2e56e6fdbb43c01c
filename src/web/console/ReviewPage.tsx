import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../api.ts';
import { ClaimView } from './ClaimView.tsx';
import {
  type Action,
  type ClaimForReview,
  consoleFetch,
  type DecisionResult,
  type Queue,
  type Session,
} from './console-api.ts';

const STATUSES = ['needs_review', 'escalated', 'second_review'];
const AGES: [string, string][] = [
  ['', 'any age'],
  ['24', 'waiting 1 day or more'],
  ['72', 'waiting 3 days or more'],
  ['168', 'waiting 7 days or more'],
];
export const INFO_LABELS: Record<string, string> = {
  serial_matches: 'Serial not legible on the label photo',
  model_matches: 'Model not legible on the label photo',
  word_recalled: 'RECALLED not legible on photo 2',
  date_current: 'Date not legible on photo 2',
  name_present: 'Name not legible on photo 2',
  claim_code_present: 'Claim code not legible on photo 2',
  blurred: 'Photo blurred',
  too_dark: 'Photo too dark',
  too_bright: 'Photo too bright',
  too_small: 'Photo too small',
  proof_of_purchase: 'Proof of purchase needed',
};
const KEYS: [string, string][] = [
  ['j / k', 'next / previous claim'],
  ['a', 'approve'],
  ['r', 'reject'],
  ['i', 'request information'],
  ['e', 'escalate'],
  ['Esc', 'close the panel'],
  ['?', 'this help'],
];

type Filters = { campaign: string; status: string; check: string; country: string; minAgeHours: string };

/** The review queue beside the claim being reviewed, worked with the keyboard. */
export function ReviewPage({ session }: { session: Session }) {
  const { claimId } = useParams();
  const navigate = useNavigate();
  const [filters, setFilters] = useState<Filters>({
    campaign: '',
    status: '',
    check: '',
    country: '',
    minAgeHours: '',
  });
  const [panel, setPanel] = useState<Action | null>(null);
  const [help, setHelp] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const queue = useQuery({
    queryKey: ['console', 'queue', filters],
    queryFn: () => consoleFetch<Queue>('/claims', { query: { ...filters, limit: 100 } }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
    staleTime: 0,
  });
  const items = queue.data?.claims ?? [];
  const index = items.findIndex((item) => item.id === claimId);
  const open = useCallback(
    (id: string | undefined) => {
      setPanel(null);
      navigate(id ? `/console/review/${id}` : '/console/review');
    },
    [navigate],
  );
  // The first claim opens by itself, so a reviewer can start with `a`, `r`, `i` or `e`.
  useEffect(() => {
    if (!claimId && items[0]) open(items[0].id);
  }, [claimId, items, open]);

  const claim = useQuery({
    queryKey: ['console', 'claim', claimId],
    queryFn: () => consoleFetch<ClaimForReview>(`/claims/${claimId}`),
    enabled: Boolean(claimId),
    staleTime: 0,
  });
  const detail = claim.data;

  const stateRef = useRef({ items, index, detail, panel, help });
  stateRef.current = { items, index, detail, panel, help };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
      const { items, index, detail, panel, help } = stateRef.current;
      if (event.key === 'Escape') {
        if (panel) setPanel(null);
        else if (help) setHelp(false);
        return;
      }
      if (typing) return;
      const act = (action: Action) => {
        if (detail?.allowedActions.includes(action)) {
          event.preventDefault();
          setPanel(action);
        } else if (detail) setNotice(`You cannot ${action.replace('_', ' ')} this claim now.`);
      };
      switch (event.key) {
        case 'j':
          if (index < items.length - 1) open(items[index + 1]?.id);
          break;
        case 'k':
          if (index > 0) open(items[index - 1]?.id);
          break;
        case 'a':
          act('approve');
          break;
        case 'r':
          act('reject');
          break;
        case 'i':
          act('request_info');
          break;
        case 'e':
          act('escalate');
          break;
        case '?':
          setHelp((shown) => !shown);
          break;
        default:
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  const queryClient = useQueryClient();
  const decided = (status: string, awaiting: boolean) => {
    const next = items[index + 1] ?? items[index - 1];
    setNotice(
      awaiting
        ? `${detail?.claim.code}: approval recorded; it waits for a supervisor’s second review.`
        : `${detail?.claim.code}: ${status.replace('_', ' ')}.`,
    );
    queryClient.invalidateQueries({ queryKey: ['console', 'queue'] });
    open(next && next.id !== claimId ? next.id : undefined);
  };

  const set = (key: keyof Filters) => (event: React.ChangeEvent<HTMLSelectElement>) =>
    setFilters((f) => ({ ...f, [key]: event.target.value }));
  const counts = queue.data?.counts;
  const options = (dimension: keyof Queue['counts'], all: string, values?: string[]) => [
    <option key="" value="">
      {all}
    </option>,
    ...(values ?? Object.keys(counts?.[dimension] ?? {})).sort().map((value) => (
      <option key={value} value={value}>
        {value} ({counts?.[dimension]?.[value] ?? 0})
      </option>
    )),
  ];

  return (
    <div className="review">
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
                aria-current={item.id === claimId ? 'true' : undefined}
                data-claim={item.code}
                onClick={() => open(item.id)}
              >
                <strong>{item.code}</strong>{' '}
                <span className={`status status-${item.status}`}>{item.status.replace('_', ' ')}</span>
                <br />
                {item.claimantName} · {item.country} · {item.model} · {item.remedy.replace('_', ' ')}
                <br />
                <small>
                  waiting {formatHours(item.waitingHours)}
                  {item.riskScore !== null && ` · risk ${item.riskScore}`}
                  {item.failedChecks.length > 0 && ` · ${item.failedChecks.join(', ')}`}
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
      <section className="review-detail" aria-live="polite">
        {notice && (
          <p role="status" className="console-notice">
            {notice}
          </p>
        )}
        {claim.error && <p className="console-error">{claim.error.message}</p>}
        {detail && (
          <>
            <ReviewerBar detail={detail} session={session} />
            {panel && (
              <DecisionPanel
                key={`${detail.claim.id}-${panel}`}
                detail={detail}
                action={panel}
                onClose={() => setPanel(null)}
                onDecided={decided}
              />
            )}
            <ActionButtons detail={detail} onAction={setPanel} />
            <ClaimView detail={detail} />
          </>
        )}
      </section>
      {help && (
        <div className="help-dialog" role="dialog" aria-modal="false" aria-labelledby="help-title">
          <h2 id="help-title">Keyboard shortcuts</h2>
          <dl>
            {KEYS.map(([key, what]) => (
              <div key={key}>
                <dt>
                  <kbd>{key}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
          <button type="button" onClick={() => setHelp(false)}>
            Close
          </button>
        </div>
      )}
    </div>
  );
}

function formatHours(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}

function ReviewerBar({ detail, session }: { detail: ClaimForReview; session: Session }) {
  if (detail.reviewer && !detail.reviewer.you)
    return (
      <p className="console-warning" role="alert">
        {detail.reviewer.name} has this claim open. You can look, but not decide, until they finish.
      </p>
    );
  if (detail.pendingDecision)
    return (
      <p className="console-warning">
        Second review:{' '}
        {detail.pendingDecision.actor === `staff:${session.staff.id}` ? 'you' : detail.pendingDecision.actor}{' '}
        decided “{detail.pendingDecision.action}” ({detail.pendingDecision.reasons.join(', ')}). Approve to
        confirm, or decide otherwise to overturn.
      </p>
    );
  return null;
}

const ACTION_LABELS: Record<Action, [string, string]> = {
  approve: ['Approve', 'a'],
  reject: ['Reject', 'r'],
  request_info: ['Request information', 'i'],
  escalate: ['Escalate', 'e'],
};

function ActionButtons({ detail, onAction }: { detail: ClaimForReview; onAction: (action: Action) => void }) {
  if (detail.allowedActions.length === 0)
    return <p className="hint">No decision to take on this claim ({detail.claim.status}).</p>;
  return (
    <div className="actions">
      {detail.allowedActions.map((action) => (
        <button
          key={action}
          type="button"
          onClick={() => onAction(action)}
          aria-keyshortcuts={ACTION_LABELS[action][1]}
        >
          {ACTION_LABELS[action][0]} <kbd>{ACTION_LABELS[action][1]}</kbd>
        </button>
      ))}
    </div>
  );
}

function DecisionPanel({
  detail,
  action,
  onClose,
  onDecided,
}: {
  detail: ClaimForReview;
  action: Action;
  onClose: () => void;
  onDecided: (status: string, awaiting: boolean) => void;
}) {
  const reasons =
    action === 'reject'
      ? detail.rejectReasons.map((r) => [r.code, r.label] as const)
      : action === 'request_info'
        ? detail.infoReasons.map((code) => [code, INFO_LABELS[code] ?? code] as const)
        : [];
  const [reason, setReason] = useState<string>(reasons[0]?.[0] ?? '');
  const [message, setMessage] = useState('');
  const queryClient = useQueryClient();
  // The first field takes the focus, so the keyboard goes on from the shortcut: r, pick, Enter.
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('select, textarea, button[type="submit"]')?.focus();
  }, []);
  const decide = useMutation({
    mutationFn: () =>
      consoleFetch<DecisionResult>(`/claims/${detail.claim.id}/decision`, {
        method: 'POST',
        body: {
          action,
          version: detail.version,
          ...(reason ? { reason } : {}),
          ...(message.trim() ? { message } : {}),
        },
      }),
    onSuccess: (result) => onDecided(result.status, result.awaitingSecondReview),
    // A stale picture of the claim: show the claim as it is now, and let the reviewer decide again.
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'claim_changed')
        queryClient.invalidateQueries({ queryKey: ['console', 'claim', detail.claim.id] });
    },
  });
  const title = {
    approve: `Approve ${detail.claim.code}: ${detail.claim.remedy.replace('_', ' ')} for ${detail.claim.claimant.name}`,
    reject: `Reject ${detail.claim.code}`,
    request_info: `Ask ${detail.claim.claimant.name} for information`,
    escalate: `Escalate ${detail.claim.code} to a supervisor`,
  }[action];
  return (
    <form
      ref={form}
      className="decision-panel"
      aria-label={title}
      // Enter on the reason, or Ctrl+Enter anywhere, sends the decision without reaching for the mouse.
      onKeyDown={(event) => {
        const onSelect = (event.target as HTMLElement).tagName === 'SELECT';
        if (event.key === 'Enter' && (onSelect || event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          form.current?.requestSubmit();
        }
      }}
      onSubmit={(event) => {
        event.preventDefault();
        decide.mutate();
      }}
    >
      <h2>{title}</h2>
      {reasons.length > 0 && (
        <label>
          {action === 'reject'
            ? 'Reason (the owner reads it in their language)'
            : 'What is wrong (sent in their language)'}
          <select value={reason} onChange={(e) => setReason(e.target.value)}>
            {reasons.map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </label>
      )}
      {action !== 'approve' && (
        <label>
          {action === 'escalate'
            ? 'Note for the supervisor'
            : 'Message to the owner (optional, added as written)'}
          <textarea value={message} onChange={(e) => setMessage(e.target.value)} rows={3} maxLength={2000} />
        </label>
      )}
      {decide.error && (
        <p role="alert" className="console-error">
          {decide.error.message}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={decide.isPending}>
          {action === 'approve' ? 'Confirm approval' : ACTION_LABELS[action][0]}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
      <p className="hint">
        <kbd>Enter</kbd> on the reason or <kbd>Ctrl</kbd>+<kbd>Enter</kbd> sends; <kbd>Esc</kbd> cancels.
      </p>
    </form>
  );
}
