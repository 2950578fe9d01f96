import { DomainError } from '../common/domain-error.js';
import { cbvWord, type GlnOrId, type LotRef, parseLocation, parseLotClass } from '../epcis/epcis-identifiers.js';

/**
 * The EPCIS 2.0 REST binding's SimpleEventQuery parameters this service answers on GET /epcis/events,
 * read from the URL's query into a filter the repository turns into SQL. Pure.
 */

/** A page of events: by default as many as a page of capture jobs (30); at most 1,000, so one organization's query cannot hold the database for long. */
export const DEFAULT_EVENTS_PER_PAGE = 30;
export const MAX_EVENTS_PER_PAGE = 1000;

/** The query parameters answered; any other is refused rather than ignored (a misspelt filter would silently return everything). */
export const QUERY_PARAMETERS = [
  'EQ_bizStep',
  'GE_eventTime',
  'LT_eventTime',
  'MATCH_anyEPC',
  'MATCH_epcClass',
  'EQ_bizLocation',
  'perPage',
  'nextPageToken',
] as const;

export interface EventQuery {
  /** CBV words (commissioning, shipping…) or this service's own step names; any of them. */
  bizSteps: string[] | null;
  from: Date | null;
  to: Date | null;
  /** Lots named by MATCH_anyEPC or MATCH_epcClass (one list: Suyuan's events name lots, never serial numbers). */
  lots: LotRef[] | null;
  locations: GlnOrId[] | null;
  perPage: number;
  /** The key of the last event of the previous page: the seq of its first entry the query matched. */
  after: number | null;
}

/** The refusal the standard names QueryParameterException: a parameter it does not know, or a value it cannot read. */
export class QueryParameterError extends DomainError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/** The filter a request's query parameters describe, or a QueryParameterError naming the first one wrong. */
export function eventQueryOf(params: Record<string, unknown>, baseUrl: string): EventQuery {
  const unknown = Object.keys(params).filter((name) => !(QUERY_PARAMETERS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new QueryParameterError(
      `unknown query parameter ${unknown.map((n) => JSON.stringify(n)).join(', ')}: this service answers ${QUERY_PARAMETERS.join(', ')}`,
    );
  const lotValues = [...(valuesOf(params, 'MATCH_anyEPC') ?? []), ...(valuesOf(params, 'MATCH_epcClass') ?? [])];
  const from = timeOf(params, 'GE_eventTime');
  const to = timeOf(params, 'LT_eventTime');
  return {
    bizSteps: valuesOf(params, 'EQ_bizStep')?.map((value) => stepOf(value, baseUrl)) ?? null,
    from,
    to,
    lots: lotValues.length > 0 ? lotValues.map((value) => lotOf(value, baseUrl)) : null,
    locations: valuesOf(params, 'EQ_bizLocation')?.map(locationOf) ?? null,
    perPage: perPageOf(single(params, 'perPage')),
    after: afterOf(single(params, 'nextPageToken')),
  };
}

/** The opaque token for the page after the event whose first ledger seq is `seq`. */
export function nextPageTokenOf(seq: number): string {
  return Buffer.from(`e1:${seq}`, 'utf8').toString('base64url');
}

function afterOf(token: string | undefined): number | null {
  if (token === undefined) return null;
  const match = /^e1:([1-9]\d{0,15})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match || !/^[A-Za-z0-9_-]+$/.test(token)) throw new QueryParameterError('nextPageToken is not one this service gave; start again without it');
  return Number(match[1]);
}

function perPageOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_EVENTS_PER_PAGE;
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > MAX_EVENTS_PER_PAGE)
    throw new QueryParameterError(`perPage must be a whole number from 1 to ${MAX_EVENTS_PER_PAGE}, not ${JSON.stringify(text.slice(0, 40))}`);
  return Number(text);
}

/** An EPCIS time: ISO 8601 with a time zone (the standard's dateTimeStamp), so no two readers take it for different instants. */
function timeOf(params: Record<string, unknown>, name: string): Date | null {
  const text = single(params, name);
  if (text === undefined) return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  const time = new Date(text);
  if (!iso || Number.isNaN(time.getTime()) || !isCalendarTime(iso))
    throw new QueryParameterError(
      `${name} must be a date and time with its time zone, e.g. 2026-05-01T00:00:00+08:00, not ${JSON.stringify(text.slice(0, 40))}`,
    );
  return time;
}

/** Date rolls 2026-02-30 over to March 2 and 24:00 to the next day: a time that does not exist as written is refused instead. */
function isCalendarTime([, year, month, day, hour, minute, , second]: RegExpExecArray): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day) && Number(hour) < 24 && Number(minute) < 60 && Number(second ?? 0) < 60;
}

/** The step a value names: a CBV word in any of its forms, or one of this service's own steps by the URI its export writes. */
function stepOf(value: string, baseUrl: string): string {
  const own = `${baseUrl}/epcis/bizstep/`;
  return (value.startsWith(own) ? value.slice(own.length) : cbvWord(value)).toLowerCase();
}

function lotOf(value: string, baseUrl: string): LotRef {
  const lot = parseLotClass(value, baseUrl);
  // A NUL percent-encoded in the lot number (…/10/%00…): no stored lot has one.
  if (!lot || ('lot' in lot && hasNul(lot.lot)))
    throw new QueryParameterError(
      `${JSON.stringify(value.slice(0, 200))} names no lot: Suyuan's events name lots as urn:epc:class:lgtin:…, ` +
        `a GS1 Digital Link …/01/<GTIN>/10/<lot>, or ${baseUrl}/q/<trace code>`,
    );
  return lot;
}

function locationOf(value: string): GlnOrId {
  const place = parseLocation(value);
  if (!place)
    throw new QueryParameterError(
      `EQ_bizLocation ${JSON.stringify(value.slice(0, 200))} names no place: give urn:uuid:<facility id>, an SGLN URN or a GS1 Digital Link …/414/<GLN>`,
    );
  return place;
}

/** A list parameter: values separated by "|" (the REST binding's list form), or the parameter repeated. */
function valuesOf(params: Record<string, unknown>, name: string): string[] | null {
  const raw = params[name];
  if (raw === undefined) return null;
  const texts = Array.isArray(raw) ? raw : [raw];
  if (!texts.every((t): t is string => typeof t === 'string')) throw new QueryParameterError(`${name} must be text`);
  const values = texts.flatMap((t) => t.split('|')).map((v) => v.trim());
  if (values.some((v) => v === '')) throw new QueryParameterError(`${name} has an empty value`);
  if (values.some(hasNul)) throw new QueryParameterError(`${name} contains a NUL character, which no identifier has`);
  if (values.length > 100) throw new QueryParameterError(`${name} takes at most 100 values`);
  return values;
}

/** PostgreSQL text cannot hold U+0000: a value with one is refused here rather than failing in SQL. */
function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

function single(params: Record<string, unknown>, name: string): string | undefined {
  const raw = params[name];
  if (raw === undefined || typeof raw === 'string') return raw;
  throw new QueryParameterError(`${name} must be given once, as text`);
}
