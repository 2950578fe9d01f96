/**
 * Every rule the service enforces fails with a DomainError: a stable machine-readable code and a
 * message that tells the caller what was wrong. The GraphQL layer maps codes to categories in one
 * place (src/graphql/error-mapping.ts); services never throw HTTP or GraphQL types.
 */
export const ERROR_CODES = {
  // BAD_USER_INPUT
  INVALID_INPUT: 'BAD_USER_INPUT',
  INVALID_JSON: 'BAD_USER_INPUT',
  INVALID_GTIN: 'BAD_USER_INPUT',
  INVALID_USCC: 'BAD_USER_INPUT',
  INVALID_GLN: 'BAD_USER_INPUT',
  INVALID_GS1_COMPANY_PREFIX: 'BAD_USER_INPUT',
  /** Not an SSCC (18 digits with its check digit), or not of the caller's GS1 company prefix. */
  INVALID_SSCC: 'BAD_USER_INPUT',
  /** Packing with no SSCC given, by an organization without a GS1 company prefix to mint one from. */
  NO_GS1_COMPANY_PREFIX: 'BAD_USER_INPUT',
  /** Valid EPCIS 2.0 that Suyuan does not record (serial numbers, other event types…). */
  EPCIS_NOT_MODELLED: 'BAD_USER_INPUT',
  /** Breaks the EPCIS 2.0 standard itself: a required member missing, a member of the wrong JSON type, a malformed time. */
  EPCIS_INVALID: 'BAD_USER_INPUT',
  CAPTURE_TOO_COSTLY: 'BAD_USER_INPUT',
  INVALID_TEMPERATURE_RANGE: 'BAD_USER_INPUT',
  INVALID_RANGE: 'BAD_USER_INPUT',
  MISSING_KEY_DATA: 'BAD_USER_INPUT',
  INVALID_LOT_CODE: 'BAD_USER_INPUT',
  /** Serialized units need a GTIN: commissioning a lot of a product without one. */
  PRODUCT_WITHOUT_GTIN: 'BAD_USER_INPUT',
  /** A serial outside GS1 AI 21, or a check code that cannot be one. */
  INVALID_SERIAL: 'BAD_USER_INPUT',
  /** A label sheet PDF of more units than one holds: their CSV is for label-printer software. */
  LABEL_SHEET_TOO_LARGE: 'BAD_USER_INPUT',
  /** An `after` cursor the list did not hand out (another list's, edited, or made up). */
  INVALID_CURSOR: 'BAD_USER_INPUT',
  /** An `after` cursor of this list, handed out for another filter: its position means nothing under this one. */
  CURSOR_FILTER_MISMATCH: 'BAD_USER_INPUT',
  // UNAUTHENTICATED
  AUTHENTICATION_REQUIRED: 'UNAUTHENTICATED',
  INVALID_API_KEY: 'UNAUTHENTICATED',
  // FORBIDDEN
  ADMIN_ONLY: 'FORBIDDEN',
  ORGANIZATION_ONLY: 'FORBIDDEN',
  ROLE_NOT_ALLOWED: 'FORBIDDEN',
  NOT_OWNER: 'FORBIDDEN',
  BATCH_NOT_IN_CUSTODY: 'FORBIDDEN',
  NOT_SHIPPED_TO_YOU: 'FORBIDDEN',
  /** A unit or package the caller does not hold (of its own GTIN or, named apart, another organization's). */
  NOT_IN_CUSTODY: 'FORBIDDEN',
  FOREIGN_GTIN: 'FORBIDDEN',
  CROSS_SITE_REQUEST: 'FORBIDDEN',
  SCAN_TOKEN_INVALID: 'FORBIDDEN',
  /** A lab lists batches only by a filter that names one lot (a trace code, or a GTIN with a lot code). */
  LOT_LOOKUP_ONLY: 'FORBIDDEN',
  // NOT_FOUND
  ORGANIZATION_NOT_FOUND: 'NOT_FOUND',
  FACILITY_NOT_FOUND: 'NOT_FOUND',
  PRODUCT_NOT_FOUND: 'NOT_FOUND',
  BATCH_NOT_FOUND: 'NOT_FOUND',
  RECALL_NOT_FOUND: 'NOT_FOUND',
  API_KEY_NOT_FOUND: 'NOT_FOUND',
  CAPTURE_JOB_NOT_FOUND: 'NOT_FOUND',
  CERTIFICATE_NOT_FOUND: 'NOT_FOUND',
  EVENT_NOT_FOUND: 'NOT_FOUND',
  COMMISSIONING_NOT_FOUND: 'NOT_FOUND',
  /** An event names a serial that is no commissioned unit of its lot (or no unit at all). */
  UNIT_NOT_FOUND: 'NOT_FOUND',
  PACKAGE_NOT_FOUND: 'NOT_FOUND',
  // CONFLICT
  DUPLICATE_USCC: 'CONFLICT',
  DUPLICATE_GTIN: 'CONFLICT',
  DUPLICATE_GLN: 'CONFLICT',
  DUPLICATE_GS1_COMPANY_PREFIX: 'CONFLICT',
  /** An SSCC that names a package already (SSCCs are not reused). */
  SSCC_TAKEN: 'CONFLICT',
  /** A unit or package already in a package. */
  ALREADY_PACKED: 'CONFLICT',
  NOT_PACKED: 'CONFLICT',
  /** Unpacking names some of a package's children, not all: unpacking takes them all out. */
  PARTIAL_UNPACK: 'CONFLICT',
  /** A package inside another one: unpack the outer one first. */
  PACKAGE_NESTED: 'CONFLICT',
  PACKAGE_IN_TRANSIT: 'CONFLICT',
  /** Units of a recalled or held lot cannot leave in a package. */
  PACKAGE_NOT_RELEASED: 'CONFLICT',
  DUPLICATE_LOT_CODE: 'CONFLICT',
  IDEMPOTENCY_KEY_REUSED: 'CONFLICT',
  EVENT_ID_CONFLICT: 'CONFLICT',
  BATCH_CLOSED: 'CONFLICT',
  BATCH_IN_TRANSIT: 'CONFLICT',
  NOT_IN_TRANSIT: 'CONFLICT',
  BATCH_NOT_RELEASED: 'CONFLICT',
  INSUFFICIENT_QUANTITY: 'CONFLICT',
  GI_NOT_CARRIED: 'CONFLICT',
  YIELD_EXCEEDED: 'CONFLICT',
  CERTIFICATE_ALREADY_ATTESTED: 'CONFLICT',
  CERTIFICATE_DOCUMENT_MISMATCH: 'CONFLICT',
  DUPLICATE_READING: 'CONFLICT',
  NOT_HELD: 'CONFLICT',
  RECALL_CLOSED: 'CONFLICT',
  API_KEY_REVOKED: 'CONFLICT',
  LAST_ACTIVE_KEY: 'CONFLICT',
  TOO_MANY_KEYS: 'CONFLICT',
  /** A serial a producer names is already a unit of that GTIN. */
  SERIAL_TAKEN: 'CONFLICT',
  /** A RETAIL_SELLING names a unit that was sold already. */
  UNIT_ALREADY_SOLD: 'CONFLICT',
  // RATE_LIMITED (HTTP 429): a limit that is part of a rule, not of the traffic
  /** A unit had too many wrong check codes lately: checks of it wait (brute force of its code made infeasible). */
  UNIT_CHECKS_LIMITED: 'RATE_LIMITED',
  /** A label sheet of the organization's is being drawn: one at a time (a sheet is seconds of a core). */
  LABEL_SHEET_BUSY: 'RATE_LIMITED',
  // UNSUPPORTED_MEDIA_TYPE (HTTP 415): a body in a type the route does not read
  NOT_JSON: 'UNSUPPORTED_MEDIA_TYPE',
  // NOT_ACCEPTABLE (HTTP 406): an Accept header that excludes every type the route answers in
  NOT_ACCEPTABLE: 'NOT_ACCEPTABLE',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorCategory = (typeof ERROR_CODES)[ErrorCode];

export class DomainError extends Error {
  /** `extensions`: more for the client to act on (e.g. a reason per refused EPCIS event), sent as given. */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get category(): ErrorCategory {
    return ERROR_CODES[this.code];
  }
}

export const invalidInput = (message: string) => new DomainError('INVALID_INPUT', message);
