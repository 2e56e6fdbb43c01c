/**
 * The owner's open drafts, kept in this browser (localStorage) so a reload or a second visit to
 * the same unit's claim comes back to the same draft and code, not a new one (issue 23). The
 * server's expiry decides how long a draft lives; an entry whose draft has gone is dropped.
 */
export interface StoredDraft {
  id: string;
  token: string;
  code: string;
}

const KEY = 'recallkit.drafts';
const MAX_ENTRIES = 20;

type Entries = Record<string, StoredDraft & { savedAt: number }>;

const unitKey = (campaign: string, serial: string, model: string) =>
  [campaign, serial.replace(/[^A-Za-z0-9]/g, '').toUpperCase(), model.toUpperCase()].join('|');

function read(): Entries {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return value && typeof value === 'object' ? (value as Entries) : {};
  } catch {
    return {};
  }
}

function write(entries: Entries): void {
  try {
    const newest = Object.entries(entries)
      .sort(([, a], [, b]) => b.savedAt - a.savedAt)
      .slice(0, MAX_ENTRIES);
    localStorage.setItem(KEY, JSON.stringify(Object.fromEntries(newest)));
  } catch {
    // Storage full or refused (private browsing): the mailed link still brings the owner back.
  }
}

export function rememberDraft(unit: { campaign: string; serial: string; model: string }, draft: StoredDraft) {
  write({ ...read(), [unitKey(unit.campaign, unit.serial, unit.model)]: { ...draft, savedAt: Date.now() } });
}

export function findDraft(unit: {
  campaign: string;
  serial: string;
  model: string;
}): StoredDraft | undefined {
  return read()[unitKey(unit.campaign, unit.serial, unit.model)];
}

export function forgetDraft(id: string): void {
  write(Object.fromEntries(Object.entries(read()).filter(([, draft]) => draft.id !== id)));
}

/** The private page of a claim (its token in the fragment, never sent to a server). */
export const claimPath = (draft: { id: string; token: string }) =>
  `/c/${encodeURIComponent(draft.id)}#t=${draft.token}`;
