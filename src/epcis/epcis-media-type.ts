import { DomainError } from '../common/domain-error.js';

/** The media types an EPCIS 2.0 JSON/JSON-LD document is sent as (the REST binding's application/json and application/ld+json). */
const EPCIS_JSON = /^application\/(ld\+)?json\s*(;|$)/i;

/**
 * Refuses a body that is not sent as JSON with 415 naming what was sent, rather than reading it as an
 * empty document: a client that sent XML or text learns what to change.
 */
export function requireEpcisJson(contentType: string | undefined): void {
  if (contentType !== undefined && EPCIS_JSON.test(contentType)) return;
  throw new DomainError(
    'NOT_JSON',
    `an EPCIS document is sent as application/ld+json or application/json, not ${contentType ? JSON.stringify(contentType) : 'without a Content-Type'}`,
  );
}
