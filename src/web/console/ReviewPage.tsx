import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ClaimView } from './ClaimView.tsx';
import { type Action, type ClaimForReview, consoleFetch, type Queue, type Session } from './console-api.ts';
import { ActionButtons, DecisionPanel, ReviewerBar } from './DecisionPanel.tsx';
import { KeyboardHelp } from './KeyboardHelp.tsx';
import { statusLabel } from './labels.ts';
import { type Filters, NO_FILTERS, ReviewQueue } from './ReviewQueue.tsx';
import { useReviewKeys } from './useReviewKeys.ts';

/** The review queue beside the claim being reviewed, worked with the keyboard. */
export function ReviewPage({ session }: { session: Session }) {
  const { claimId } = useParams();
  const navigate = useNavigate();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
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
  // Leaving a claim (another claim, another page) lets go of it at once, not after the lease.
  useEffect(() => {
    if (!claimId) return;
    return () => {
      void consoleFetch(`/claims/${claimId}/release`, { method: 'POST' }).catch(() => {});
    };
  }, [claimId]);

  useReviewKeys({ items, index, detail, panel, help }, { open, setPanel, setHelp, setNotice });

  const queryClient = useQueryClient();
  const decided = (status: string, awaiting: boolean) => {
    const next = items[index + 1] ?? items[index - 1];
    setNotice(
      awaiting
        ? `${detail?.claim.code}: approval recorded; it waits for a supervisor’s second review.`
        : `${detail?.claim.code}: ${statusLabel(status).toLowerCase()}.`,
    );
    queryClient.invalidateQueries({ queryKey: ['console', 'queue'] });
    open(next && next.id !== claimId ? next.id : undefined);
  };

  return (
    <div className="review">
      <ReviewQueue queue={queue} filters={filters} onFilters={setFilters} openId={claimId} onOpen={open} />
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
      {help && <KeyboardHelp onClose={() => setHelp(false)} />}
    </div>
  );
}
