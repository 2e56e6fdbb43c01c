import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorBody } from '../../shared/contracts/errors.ts';
import { translate } from '../../shared/i18n/index.ts';
import type { Language } from '../../shared/languages.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { AppError, type AppErrorCode } from '../errors.ts';
import { requestLanguage } from './request-language.ts';

/** The HTTP status of each domain error code: the one place codes meet HTTP. */
const HTTP_STATUS: Record<AppErrorCode, number> = {
  invalid_request: 400,
  malformed_json: 400,
  malformed_multipart: 400,
  text_unstorable: 400,
  query_empty: 400,
  serial_empty: 400,
  serial_too_long: 400,
  serial_invalid_characters: 400,
  model_invalid: 400,
  country_invalid: 400,
  batch_empty: 400,
  batch_too_large: 400,
  evidence_kind_invalid: 400,
  photo_empty: 400,
  photo_bad_filename: 400,
  idempotency_key_invalid: 400,
  unauthorized: 401,
  login_failed: 401,
  forbidden: 403,
  csrf_invalid: 403,
  password_change_required: 403,
  not_found: 404,
  staff_not_found: 404,
  claim_not_found: 404,
  campaign_not_found: 404,
  notice_link_invalid: 404,
  notice_wave_not_found: 404,
  notice_wave_state: 409,
  notice_audience_empty: 409,
  method_not_allowed: 405,
  staff_email_taken: 409,
  staff_inactive: 409,
  staff_last_admin: 409,
  claim_not_decidable: 409,
  claim_in_review: 409,
  claim_changed: 409,
  second_review_same_person: 409,
  campaign_transition_invalid: 409,
  campaign_exists: 409,
  return_not_expected: 409,
  claim_duplicate_unit: 409,
  claim_not_editable: 409,
  claims_closed: 409,
  body_too_large: 413,
  photo_too_large: 413,
  photo_too_many_pixels: 413,
  unsupported_media_type: 415,
  headers_too_large: 431,
  photo_unsupported_type: 415,
  password_wrong: 422,
  password_too_weak: 422,
  reason_required: 422,
  reason_unknown: 422,
  message_required: 422,
  campaign_invalid: 422,
  webhook_destination_refused: 422,
  import_refused: 422,
  unit_not_affected: 422,
  remedy_not_offered: 422,
  country_not_covered: 422,
  incident_photos_full: 409,
  address_required: 422,
  evidence_missing: 422,
  evidence_unreadable: 422,
  proof_of_purchase_required: 422,
  photo_corrupt: 422,
  idempotency_key_reused: 422,
  claim_limit_email: 429,
  claim_limit_address: 429,
  claim_limit_client: 429,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

function httpStatus(error: AppError): number {
  return HTTP_STATUS[error.code];
}

export function errorBody(language: Language, error: AppError, details?: unknown): ErrorBody {
  return {
    error: {
      code: error.code,
      message: translate(language, `errors.${error.code}`, error.params),
      ...(details === undefined ? {} : { details }),
    },
  };
}

/** Maps anything thrown in a route to the JSON error shape, and keeps the process serving. */
export function handleError(raw: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const language = requestLanguage(request);
  let error: AppError;
  let details: unknown;
  if (raw instanceof AppError) {
    error = raw;
  } else if (hasZodFastifySchemaValidationErrors(raw)) {
    details = raw.validation.map((issue) => ({
      field: [raw.validationContext, issue.instancePath.replace(/^\//, '').replaceAll('/', '.')]
        .filter(Boolean)
        .join('.'),
      message: issue.message,
    }));
    const summary = (details as { field: string; message: string }[])
      .map((d) => `${d.field}: ${d.message}`)
      .join('; ');
    error = new AppError('invalid_request', { details: summary });
  } else if (isDatabaseUnavailable(raw)) {
    error = new AppError('unavailable');
  } else {
    error = fromFastifyError(raw as FastifyError, reply);
  }
  const status = httpStatus(error);
  if (error.code === 'unavailable')
    request.log.warn(
      { code: (raw as { code?: unknown }).code },
      'a service the request needs (database or photo store) is unavailable',
    );
  else if (status >= 500) request.log.error({ err: raw }, 'request failed');
  else request.log.info({ code: error.code }, 'request refused');
  sendError(reply, language, error, details);
}

/** Seconds a client should wait before trying again after a 503: an outage or a restart. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Sends an error in the envelope with its status; a 503 or 429 also says when to try again. */
export function sendError(reply: FastifyReply, language: Language, error: AppError, details?: unknown) {
  const status = httpStatus(error);
  if (status === 503) reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
  // Every 429 says when to try again: the wait the refusal names, else a minute.
  if (status === 429 && !reply.hasHeader('retry-after'))
    reply.header('retry-after', String(Number(error.params?.seconds) || 60));
  return reply.status(status).send(errorBody(language, error, details));
}

function fromFastifyError(error: FastifyError, reply: FastifyReply): AppError {
  switch (error.code) {
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('invalid_request', { details: 'send one file and the field kind' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('body_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('malformed_json');
    default:
      break;
  }
  if (MULTIPART_PARSER_ERRORS.test(error.message)) return new AppError('malformed_multipart');
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new AppError('malformed_json');
  }
  if (error.statusCode === 429) {
    const retryAfter = Number(reply.getHeader('retry-after')) || 60;
    return new AppError('rate_limited', { seconds: retryAfter });
  }
  if (error.statusCode === 405) return new AppError('method_not_allowed');
  if (error.statusCode === 404) return new AppError('not_found');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('invalid_request', { details: error.message });
  }
  return new AppError('internal');
}

/** What the multipart parser (busboy) throws on a body that is not multipart/form-data as declared. */
const MULTIPART_PARSER_ERRORS =
  /^(Multipart: Boundary not found|Unexpected end of (multipart data|form)|Malformed part header|Unsupported content type|The needle cannot have a length bigger than 256|\w+ terminated early due to unexpected end of multipart data)/;
