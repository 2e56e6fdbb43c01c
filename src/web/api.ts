import type { CampaignDetail, CampaignSummary, LookupResult } from '../shared/contracts/catalog.ts';
import type { ClaimStatusResponse, CreateClaimBody, EvidenceFeedback } from '../shared/contracts/claims.ts';
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

export interface CreatedClaim {
  id: string;
  code: string;
  accessToken: string;
  statusUrl: string;
}

/** Uploads one photo with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function uploadEvidence(
  claimId: string,
  token: string,
  kind: string,
  file: Blob,
  onProgress: (fraction: number) => void,
): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', file, 'photo.jpg');
    const request = new XMLHttpRequest();
    request.open('POST', `/api/v1/claims/${encodeURIComponent(claimId)}/evidence`);
    request.setRequestHeader('authorization', `Bearer ${token}`);
    request.setRequestHeader('accept-language', currentLanguage());
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onload = () => {
      if (request.status < 300) return resolve(JSON.parse(request.responseText) as { id: string });
      let error: { code?: string; message?: string } = {};
      try {
        error = JSON.parse(request.responseText).error ?? {};
      } catch {}
      reject(new ApiError(request.status, error.code ?? 'unknown', error.message ?? request.statusText));
    };
    request.onerror = () => reject(new Error('network'));
    request.send(form);
  });
}

export const api = {
  createClaim: (body: CreateClaimBody, idempotencyKey: string) =>
    getJson<CreatedClaim>('/api/v1/claims', {}, undefined, json(body, { 'idempotency-key': idempotencyKey })),
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
  claimPhoto: async (claimId: string, evidenceId: string, token: string) => {
    const response = await fetch(
      `/api/v1/claims/${encodeURIComponent(claimId)}/evidence/${encodeURIComponent(evidenceId)}`,
      {
        headers: bearer(token),
      },
    );
    if (!response.ok) throw new ApiError(response.status, 'photo', response.statusText);
    return URL.createObjectURL(await response.blob());
  },
  lookup: (serial: string, signal?: AbortSignal) =>
    getJson<LookupResult>('/api/v1/lookup', { serial }, signal),
  campaigns: (signal?: AbortSignal) =>
    getJson<{ campaigns: CampaignSummary[] }>('/api/v1/campaigns', {}, signal),
  campaign: (slug: string, signal?: AbortSignal) =>
    getJson<CampaignDetail>(`/api/v1/campaigns/${encodeURIComponent(slug)}`, {}, signal),
};
