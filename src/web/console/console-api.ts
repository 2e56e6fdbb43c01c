import type { StaffRole } from '../../shared/console-roles.ts';
import { ApiError } from '../api-error.ts';
import { uploadWithProgress } from '../upload.ts';

/** The staff console's calls: the session cookie rides along; every change carries the CSRF token. */
let csrfToken = '';
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};

export async function consoleFetch<T>(
  path: string,
  init: { method?: string; body?: unknown; query?: Record<string, string | number | undefined> } = {},
): Promise<T> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(init.query ?? {}))
    if (value !== undefined && value !== '') query.set(key, String(value));
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': 'en' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/v1/console${path}${query.size ? `?${query}` : ''}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (response.status === 204) return undefined as T;
  const body = await response.json().catch(() => undefined);
  if (!response.ok)
    throw new ApiError(
      response.status,
      body?.error?.code ?? 'unknown',
      body?.error?.message ?? response.statusText,
    );
  return body as T;
}

/** POSTs to a console route that answers a file, and saves it in the browser. */
export async function downloadPost(path: string, body: unknown, fileName: string): Promise<void> {
  const response = await fetch(`/api/v1/console${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken, 'accept-language': 'en' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const error = await response.json().catch(() => undefined);
    throw new ApiError(
      response.status,
      error?.error?.code ?? 'unknown',
      error?.error?.message ?? response.statusText,
    );
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

/** Uploads a file to a console route (field `file`), with the CSRF token, reporting progress. */
export function uploadFile<T>(path: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  const form = new FormData();
  form.append('file', file, file.name);
  return uploadWithProgress<T>(`/api/v1/console${path}`, form, { 'x-csrf-token': csrfToken }, onProgress);
}

export type Role = StaffRole;

// The console's request and response types are the server's own contracts.
export type { AuditEvent, AuditPage } from '../../shared/contracts/console/audit.ts';
export type {
  CampaignDetail,
  CampaignList,
  CampaignRow,
  CampaignUpdated,
  SerialImport,
} from '../../shared/contracts/console/campaigns.ts';
export type {
  CodeImport,
  FulfilmentOverview,
  PayoutImport,
  ReturnReceived,
  TrackingImport,
} from '../../shared/contracts/console/fulfilment.ts';
export type { Outbox, OutboxMessage } from '../../shared/contracts/console/outbox.ts';
export type {
  ClaimForReview,
  ClaimSearch,
  DecisionBody,
  DecisionResult,
  FoundClaim,
  OcrWord,
  Queue,
  QueueItem,
  ReviewAction as Action,
  ReviewCheck,
  ReviewEvidence,
} from '../../shared/contracts/console/review.ts';
export type { CreatedStaff, Session, Staff, StaffList } from '../../shared/contracts/console/staff.ts';
export type {
  Delivery,
  DeliveryList,
  Endpoint,
  EndpointList,
} from '../../shared/contracts/console/webhooks.ts';
