import { useEffect, useRef } from 'react';
import type { Action, ClaimForReview, QueueItem } from './console-api.ts';

interface ReviewState {
  items: QueueItem[];
  index: number;
  detail: ClaimForReview | undefined;
  panel: Action | null;
  help: boolean;
}

interface ReviewControls {
  open: (id: string | undefined) => void;
  setPanel: (action: Action | null) => void;
  setHelp: (update: (shown: boolean) => boolean) => void;
  setNotice: (notice: string) => void;
}

/**
 * The reviewer's keys: j/k move through the queue, a/r/i/e open a decision, ? shows the help and
 * Esc closes what is open. Keys typed into a field are the field's.
 */
export function useReviewKeys(state: ReviewState, controls: ReviewControls): void {
  const { open, setPanel, setHelp, setNotice } = controls;
  // The listener is added once; it reads the state of the moment through this ref.
  const stateRef = useRef(state);
  stateRef.current = state;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
      const { items, index, detail, panel, help } = stateRef.current;
      if (event.key === 'Escape') {
        if (panel) setPanel(null);
        else if (help) setHelp(() => false);
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
  }, [open, setPanel, setHelp, setNotice]);
}
