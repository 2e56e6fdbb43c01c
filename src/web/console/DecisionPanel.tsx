import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api-error.ts';
import {
  type Action,
  type ClaimForReview,
  consoleFetch,
  type DecisionResult,
  type Session,
} from './console-api.ts';
import { actionWord, actorLabel, checkLabel, remedyLabel, statusLabel } from './labels.ts';

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

export function ReviewerBar({ detail, session }: { detail: ClaimForReview; session: Session }) {
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
        {detail.pendingDecision.actor === `staff:${session.staff.id}`
          ? 'you'
          : actorLabel(detail.pendingDecision.actor, detail.people)}{' '}
        chose “{actionWord(detail.pendingDecision.action)}” because of{' '}
        {detail.pendingDecision.reasons.map(checkLabel).join(', ')}.{' '}
        {detail.allowedActions.length > 0
          ? 'Approve to confirm, or decide otherwise to overturn.'
          : 'Another supervisor confirms or overturns it.'}
      </p>
    );
  return null;
}

/** What each decision does, said before it is sent. */
const CONSEQUENCE: Record<Action, (detail: ClaimForReview) => string> = {
  approve: (d) =>
    `${d.claim.claimant.name} is told the claim is approved and gets the ${remedyLabel(d.claim.remedy).toLowerCase()}, unless the campaign asks for a second review first.`,
  reject: (d) =>
    `${d.claim.claimant.name} is told by e-mail, in their language, that the claim is not approved, with the reason. This is final: it cannot be undone here, and the unit can then be claimed again.`,
  request_info: (d) =>
    `${d.claim.claimant.name} is e-mailed what to send; the claim comes back to the queue when they answer.`,
  escalate: () => 'The claim waits for a supervisor; the owner is not told anything yet.',
};

const ACTION_LABELS: Record<Action, [string, string]> = {
  approve: ['Approve', 'a'],
  reject: ['Reject', 'r'],
  request_info: ['Request information', 'i'],
  escalate: ['Escalate', 'e'],
};

export function ActionButtons({
  detail,
  onAction,
}: {
  detail: ClaimForReview;
  onAction: (action: Action) => void;
}) {
  if (detail.allowedActions.length === 0)
    return (
      <p className="hint">
        No decision to take on this claim ({statusLabel(detail.claim.status).toLowerCase()}).
      </p>
    );
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

export function DecisionPanel({
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
    approve: `Approve ${detail.claim.code}: ${remedyLabel(detail.claim.remedy).toLowerCase()} for ${detail.claim.claimant.name}`,
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
      <p className="what-happens">{CONSEQUENCE[action](detail)}</p>
      {decide.error && (
        <p role="alert" className="console-error">
          {decide.error.message}
        </p>
      )}
      <div className="actions">
        <button
          type="submit"
          disabled={decide.isPending}
          className={action === 'reject' ? 'danger' : undefined}
        >
          {action === 'approve'
            ? 'Confirm approval'
            : action === 'reject'
              ? 'Reject and tell the owner'
              : ACTION_LABELS[action][0]}
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
