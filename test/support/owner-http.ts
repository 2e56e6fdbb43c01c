// An owner's calls to a running server over HTTP, for tests and benchmarks that drive real
// processes. Imports nothing of the application: a benchmark may use it too.

/** The body of a draft claim for `unit` of the US example recall; `fields` replace its own. */
export function claimBody(
  unit: { serial: string; model: string },
  email: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    campaign: 'anker-2025-us-a1263',
    serial: unit.serial,
    model: unit.model,
    remedy: 'gift_card',
    hasUnit: true,
    claimant: { name: 'Ana García', email, country: 'US', language: 'en' },
    ...fields,
  };
}

/**
 * POSTs a draft claim for `unit` of the US example recall to a running server (the raw answer);
 * `fields` replace the body's (e.g. `hasUnit: false` with an `incidentDescription`).
 */
export function postClaim(
  base: string,
  unit: { serial: string; model: string },
  email: string,
  fields: Record<string, unknown> = {},
): Promise<Response> {
  return fetch(`${base}/api/v1/claims`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(claimBody(unit, email, fields)),
  });
}

/** Without the unit (it burned): the owner describes what happened instead. */
export const WITHOUT_UNIT = { hasUnit: false, incidentDescription: 'It swelled while charging.' };

/** The owner's bearer header for a claim `postClaim` created. */
export const bearer = (claim: { accessToken: string }) => ({ authorization: `Bearer ${claim.accessToken}` });

/** Uploads one photo to a claim (the raw answer). */
export function uploadPhoto(
  base: string,
  claim: { id: string; accessToken: string },
  kind: string,
  photo: Buffer,
): Promise<Response> {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), `${kind}.jpg`);
  return fetch(`${base}/api/v1/claims/${claim.id}/evidence`, {
    method: 'POST',
    body: form,
    headers: bearer(claim),
  });
}

/** Submits a claim, the owner having disposed of the unit (the raw answer). */
export function submitClaim(base: string, claim: { id: string; accessToken: string }): Promise<Response> {
  return fetch(`${base}/api/v1/claims/${claim.id}/submit`, {
    method: 'POST',
    headers: { ...bearer(claim), 'content-type': 'application/json' },
    body: JSON.stringify({ disposalAttested: true }),
  });
}
