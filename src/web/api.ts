import type { CampaignDetail, CampaignSummary, LookupResult } from '../shared/contracts/catalog.ts';
import { currentLanguage } from './i18n.ts';

/** An error the API answered with: `message` is already in the owner's language. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function getJson<T>(path: string, params: Record<string, string>, signal?: AbortSignal): Promise<T> {
  const query = new URLSearchParams({ ...params, lang: currentLanguage() });
  const response = await fetch(`${path}?${query}`, { signal, headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = body?.error;
    throw new ApiError(response.status, error?.code ?? 'unknown', error?.message ?? response.statusText);
  }
  return body as T;
}

export const api = {
  lookup: (serial: string, signal?: AbortSignal) =>
    getJson<LookupResult>('/api/v1/lookup', { serial }, signal),
  campaigns: (signal?: AbortSignal) =>
    getJson<{ campaigns: CampaignSummary[] }>('/api/v1/campaigns', {}, signal),
  campaign: (slug: string, signal?: AbortSignal) =>
    getJson<CampaignDetail>(`/api/v1/campaigns/${encodeURIComponent(slug)}`, {}, signal),
};
