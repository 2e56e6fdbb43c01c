import type { CampaignDetail, CampaignSummary, LookupResult } from '../shared/contracts/catalog.ts';
import type {
  ClaimStatusResponse,
  CreateClaimBody,
  CreateClaimResponse,
  Evidence,
  EvidenceFeedback,
} from '../shared/contracts/claims.ts';
import type { IncidentBody, Progress } from '../shared/contracts/reporting.ts';
import { ApiError } from './api-error.ts';
import { visitorCountry } from './format.ts';
import { currentLanguage } from './i18n.ts';
import { resizePhoto } from './resize-photo.ts';
import { uploadWithProgress } from './upload.ts';

export { ApiError };

async function getJson<T>(
  path: string,
  params: Record<string, string>,
  signal?: AbortSignal,
  init: RequestInit = {},
): Promise<T> {
  const query = new URLSearchParams({ ...params, lang: currentLanguage() });
  const response = await fetch(`${path}?${query}`, {
    ...init,
    signal: signal ?? null,
    headers: { accept: 'application/json', 'accept-language': currentLanguage(), ...(init.headers ?? {}) },
  });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = body?.error;
    throw new ApiError(response.status, error?.code ?? 'unknown', error?.message ?? response.statusText);
  }
  return body as T;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

/** Uploads one photo, reporting progress. */
export function uploadEvidence(
  claimId: string,
  token: string,
  kind: string,
  file: Blob,
  onProgress: (fraction: number) => void,
): Promise<Evidence> {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', file, 'photo.jpg');
  return uploadWithProgress<Evidence>(
    `/api/v1/claims/${encodeURIComponent(claimId)}/evidence`,
    form,
    { ...bearer(token), 'accept-language': currentLanguage() },
    onProgress,
  );
}

export const api = {
  createClaim: (body: CreateClaimBody, idempotencyKey: string) =>
    getJson<CreateClaimResponse>(
      '/api/v1/claims',
      {},
      undefined,
      json(body, { 'idempotency-key': idempotencyKey }),
    ),
  submitClaim: (claimId: string, token: string, disposalAttested: boolean, idempotencyKey: string) =>
    getJson<{ status: string }>(
      `/api/v1/claims/${encodeURIComponent(claimId)}/submit`,
      {},
      undefined,
      json({ disposalAttested }, { ...bearer(token), 'idempotency-key': idempotencyKey }),
    ),
  confirmDisposal: (claimId: string, token: string) =>
    getJson<{ confirmedAt: string }>(
      `/api/v1/claims/${encodeURIComponent(claimId)}/disposal`,
      {},
      undefined,
      json({}, bearer(token)),
    ),
  evidenceChecks: (claimId: string, evidenceId: string, token: string) =>
    getJson<EvidenceFeedback>(
      `/api/v1/claims/${encodeURIComponent(claimId)}/evidence/${encodeURIComponent(evidenceId)}/checks`,
      {},
      undefined,
      { headers: bearer(token) },
    ),
  claim: (claimId: string, token: string, signal?: AbortSignal) =>
    getJson<ClaimStatusResponse>(`/api/v1/claims/${encodeURIComponent(claimId)}`, {}, signal, {
      headers: bearer(token),
    }),
  claimPhotoBlob: async (claimId: string, evidenceId: string, token: string) => {
    const response = await fetch(
      `/api/v1/claims/${encodeURIComponent(claimId)}/evidence/${encodeURIComponent(evidenceId)}`,
      { headers: bearer(token) },
    );
    if (!response.ok) throw new ApiError(response.status, 'photo', response.statusText);
    return response.blob();
  },
  progress: (slug: string, signal?: AbortSignal) =>
    getJson<Progress>(`/api/v1/campaigns/${encodeURIComponent(slug)}/progress`, {}, signal),
  reportIncident: (body: IncidentBody) =>
    getJson<{ id: string; campaign: string | null; message: string; photoToken: string }>(
      '/api/v1/incidents',
      {},
      undefined,
      json(body),
    ),
  addIncidentPhoto: async (incidentId: string, token: string, file: File) => {
    const form = new FormData();
    form.append('file', await resizePhoto(file), 'photo.jpg');
    return uploadWithProgress<{ id: string }>(
      `/api/v1/incidents/${encodeURIComponent(incidentId)}/photos`,
      form,
      { ...bearer(token), 'accept-language': currentLanguage() },
      () => {},
    );
  },
  recoverLinks: (email: string) =>
    getJson<{ status: 'sent_if_any' }>('/api/v1/claims/recover', {}, undefined, json({ email })),
  lookup: (serial: string, signal?: AbortSignal) => {
    // The visitor's country picks the remedies offered there.
    const country = visitorCountry();
    return getJson<LookupResult>('/api/v1/lookup', { serial, ...(country ? { country } : {}) }, signal);
  },
  /** A personal notice link followed: its recall, the unit to fill in, the language. */
  openNotice: (token: string) =>
    getJson<{ campaign: string; serial: string | null; model: string | null; language: string }>(
      '/api/v1/notices/open',
      {},
      undefined,
      json({ token }),
    ),
  noticeLookedUp: (token: string) =>
    fetch('/api/v1/notices/looked-up', json({ token })).then(() => undefined),
  unsubscribe: (token: string) =>
    getJson<{ unsubscribed: true; campaign: string }>(
      '/api/v1/notices/unsubscribe',
      {},
      undefined,
      json({ token }),
    ),
  campaigns: (signal?: AbortSignal) =>
    getJson<{ campaigns: CampaignSummary[] }>('/api/v1/campaigns', {}, signal),
  campaign: (slug: string, signal?: AbortSignal, view?: 'page') =>
    getJson<CampaignDetail>(`/api/v1/campaigns/${encodeURIComponent(slug)}`, view ? { view } : {}, signal),
};
