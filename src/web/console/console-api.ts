import type { StaffRole } from '../../shared/console-roles.ts';
import { ApiError } from '../api.ts';

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

/** Uploads a file with progress (XMLHttpRequest reports upload progress; fetch does not). */
export function uploadWithProgress<T>(
  path: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, file.name);
    const request = new XMLHttpRequest();
    request.open('POST', `/api/v1/console${path}`);
    request.setRequestHeader('x-csrf-token', csrfToken);
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onload = () => {
      let body: { error?: { code?: string; message?: string } } = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {}
      if (request.status < 300) return resolve(body as T);
      reject(
        new ApiError(
          request.status,
          body.error?.code ?? 'unknown',
          body.error?.message ?? request.statusText,
        ),
      );
    };
    request.onerror = () => reject(new Error('The upload failed: check the connection and try again.'));
    request.send(form);
  });
}

export type Role = StaffRole;

export interface Staff {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  lockedUntil: string | null;
}

export interface Session {
  staff: Staff;
  csrfToken: string;
  expiresAt: string;
}

export interface QueueItem {
  id: string;
  code: string;
  status: string;
  campaign: string;
  model: string;
  serial: string | null;
  remedy: string;
  hasUnit: boolean;
  claimantName: string;
  country: string;
  riskScore: number | null;
  failedChecks: string[];
  waitingSince: string;
  waitingHours: number;
  reviewer: string | null;
}

export interface Queue {
  total: number;
  counts: Record<'status' | 'campaign' | 'country' | 'check', Record<string, number>>;
  claims: QueueItem[];
}

export interface OcrWord {
  text: string;
  confidence: number;
  box: [number, number, number, number];
}

export interface ReviewEvidence {
  id: string;
  kind: string;
  state: string;
  problem: string | null;
  width: number;
  height: number;
  current: boolean;
  exif: Record<string, unknown> | null;
  ocr: { lines: string[]; words: OcrWord[]; angle: number } | null;
  quality: Record<string, number> | null;
}

export interface ReviewCheck {
  id: string;
  outcome: 'pass' | 'fail' | 'unsure';
  score: number;
  detail: Record<string, unknown>;
  evidenceId: string | null;
}

export interface ClaimForReview {
  version: string;
  reviewer: { id: string; name: string; until: string | null; you: boolean } | null;
  allowedActions: Action[];
  pendingDecision: {
    action: string;
    actor: string;
    at: string;
    reasons: string[];
    qualitySample: boolean;
  } | null;
  rejectReasons: { code: string; label: string }[];
  infoReasons: string[];
  claim: {
    id: string;
    code: string;
    status: string;
    campaign: { slug: string; title: string };
    model: string;
    serial: string | null;
    remedy: string;
    hasUnit: boolean;
    claimant: { name: string; email: string; phone?: string; country: string; language: string };
    address: Record<string, string> | null;
    orderNumber: string | null;
    incidentDescription: string | null;
    riskScore: number | null;
    submittedAt: string | null;
    disposalAttestedAt: string | null;
    disposalConfirmedAt: string | null;
  };
  evidence: ReviewEvidence[];
  checks: ReviewCheck[];
  signals: { kind: string; claims: string[]; forcesReview: boolean }[];
  otherClaims: { id: string; code: string; status: string; serial: string | null; createdAt: string }[];
  duplicates: {
    evidence: string;
    otherClaim: string;
    otherEvidence: string | null;
    distance: number | null;
    reason: string;
    otherCode: string | null;
    otherStatus: string | null;
  }[];
  timeline: {
    id: string;
    at: string;
    actor: string;
    type: string;
    from: string | null;
    to: string | null;
    detail: Record<string, unknown>;
  }[];
  decisions: {
    id: string;
    at: string;
    actor: string;
    action: string;
    reasonCode: string | null;
    reasons: string[];
    message: string | null;
    state: string;
    confirmedBy: string | null;
  }[];
}

export type Action = 'approve' | 'reject' | 'request_info' | 'escalate';

export interface CampaignRow {
  slug: string;
  status: string;
  title: string;
  announcedOn: string;
  models: string[];
  serials: number;
  claims: Record<string, number>;
  updatedAt: string;
}

export interface ImportRow {
  id: string;
  fileName: string;
  actor: string;
  rowsTotal: number;
  rowsAdded: number;
  rowsUnchanged: number;
  rowsRejected: number;
  rejectedSample: string | null;
  finishedAt: string;
}

export interface AuditEvent {
  id: string;
  at: string;
  actorEmail: string | null;
  actorRole: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}
