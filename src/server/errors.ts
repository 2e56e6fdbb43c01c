/**
 * The one error type of the domain: a stable machine `code` (logged, documented, never
 * translated) and the parameters of its sentence. Use cases, the CLI and shared helpers throw
 * it; only `http/errors.ts` knows which HTTP status each code answers with. The human sentence
 * comes from the message catalogs (`errors.<code>`) in the reader's language.
 */
export const APP_ERROR_CODES = [
  // the request itself
  'invalid_request',
  'malformed_json',
  'malformed_multipart',
  'text_unstorable',
  'headers_too_large',
  'body_too_large',
  'unsupported_media_type',
  'method_not_allowed',
  'not_found',
  'rate_limited',
  'idempotency_key_invalid',
  'idempotency_key_reused',
  // lookups
  'query_empty',
  'serial_empty',
  'serial_too_long',
  'serial_invalid_characters',
  'model_invalid',
  'country_invalid',
  'batch_empty',
  'batch_too_large',
  // staff and sessions
  'unauthorized',
  'login_failed',
  'forbidden',
  'csrf_invalid',
  'password_change_required',
  'password_wrong',
  'password_too_weak',
  'staff_not_found',
  'staff_email_taken',
  'staff_inactive',
  'staff_last_admin',
  // campaigns and lists
  'campaign_not_found',
  'webhook_destination_refused',
  'campaign_invalid',
  'campaign_exists',
  'campaign_transition_invalid',
  'import_refused',
  // direct notices
  'notice_link_invalid',
  'notice_wave_not_found',
  'notice_wave_state',
  'notice_audience_empty',
  // claims
  'claim_not_found',
  'claim_duplicate_unit',
  'claim_not_editable',
  'claims_closed',
  'unit_not_affected',
  'remedy_not_offered',
  'country_not_covered',
  'incident_photos_full',
  'address_required',
  'evidence_missing',
  'evidence_unreadable',
  'proof_of_purchase_required',
  'claim_limit_email',
  'claim_limit_address',
  'claim_limit_client',
  // photos
  'evidence_kind_invalid',
  'photo_empty',
  'photo_bad_filename',
  'photo_too_large',
  'photo_too_many_pixels',
  'photo_unsupported_type',
  'photo_corrupt',
  // review
  'claim_not_decidable',
  'claim_in_review',
  'claim_changed',
  'second_review_same_person',
  'reason_required',
  'reason_unknown',
  'message_required',
  // remedies
  'return_not_expected',
  // the server
  'internal',
  'unavailable',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly params: Record<string, string | number>;
  constructor(code: AppErrorCode, params: Record<string, string | number> = {}) {
    super(code);
    this.code = code;
    this.params = params;
  }
}

export function isAppErrorCode(code: unknown): code is AppErrorCode {
  return typeof code === 'string' && (APP_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * The answer of a use case that may refuse after committing work of its own (a refused duplicate
 * claim still mails the unit's holder a link): its value, or the refusal to report once the
 * transaction has committed.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: AppError };

/** The value of an outcome, or its refusal thrown. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw outcome.refusal;
  return outcome.value;
}
