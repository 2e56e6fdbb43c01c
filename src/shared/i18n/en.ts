/** English: the reference catalog. Every other language has exactly these keys. */
export const en = {
  errors: {
    invalid_request: 'The request is not valid: {{details}}',
    not_found: 'There is nothing here.',
    campaign_not_found: 'There is no recall with that name.',
    query_empty: 'Enter a serial number (or a model number) to check.',
    serial_empty: 'Enter the serial number printed on your product.',
    serial_too_long:
      'That is too long for a serial number. Serial numbers have at most 40 letters and digits.',
    serial_invalid_characters: 'A serial number has only letters and digits. Please check what you typed.',
    model_invalid: 'That is not a model number. Model numbers look like A1263.',
    country_invalid: 'The country must be a two-letter code such as US.',
    batch_empty: 'Send at least one serial number.',
    batch_too_large: 'Send at most {{max}} serial numbers in one request; you sent {{count}}.',
    rate_limited: 'Too many requests. Please wait {{seconds}} seconds and try again.',
    body_too_large: 'The request is too large.',
    unsupported_media_type: 'Send the request as JSON (Content-Type: application/json).',
    malformed_json: 'The request body is not valid JSON.',
    method_not_allowed: 'That method is not allowed here.',
    unavailable: 'The service is starting or busy. Please try again in a moment.',
    internal: 'Something went wrong on our side. Please try again; if it keeps happening, contact support.',
  },
  lookup: {
    affected: 'Your product is part of a recall. Stop using it now.',
    affected_model: 'Model {{model}} is recalled. Stop using it now.',
    not_affected: 'This serial number is not part of any recall we run.',
    did_you_mean:
      'We did not find {{serial}}, but a serial number that differs only by a look-alike character is recalled. Check the label: did you mean {{suggestion}}?',
    claims_closed: 'Claims for this recall are closed.',
    start_claim: 'Start a claim',
  },
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof en>;
