import { DomainError, ERROR_CODES } from '../common/domain-error.js';
import { decodeToken, encodeToken } from '../common/opaque-token.js';
import { httpStatus } from '../graphql/error-mapping.js';
import type { CaptureProblem, CaptureReason } from './capture-plan.js';

/**
 * EPCIS 2.0 capture jobs as the REST binding names their members (captureID, createdAt, finishedAt,
 * running, success, captureErrorBehaviour, errors), plus Suyuan's own `captured` and `events`, the
 * answer capture gave before jobs existed. Pure: the repository stores them, the service makes them.
 */

/** GS1-Capture-Error-Behaviour: `rollback` captures the document whole or not at all; `proceed` captures the events that can be and reports the others. */
export type CaptureErrorBehaviour = 'rollback' | 'proceed';

export interface CapturedEvent {
  index: number;
  eventID: string | null;
  /** The batches the event registered or recorded on. */
  batchIds: string[];
  /** Present (true) when the event had been captured before, same id and same content: answered from that record, nothing written. */
  repeat?: true;
  /** Present (true) for an error declaration: the event it names was declared erroneous (batchIds: the chains marked). */
  declaredErroneous?: true;
}

/** One refused event (or, without eventIndex, the document), as an RFC 7807 problem with the event it names and every reason. */
export interface CaptureJobError {
  /** The EPCIS exception type: ValidationException for what the event says, SecurityException for what the caller may not do. */
  type: string;
  title: string;
  status: number;
  detail: string;
  eventIndex: number | null;
  eventID: string | null;
  /** Suyuan's code for the refusal (EPCIS_INVALID, EPCIS_NOT_MODELLED, BATCH_NOT_FOUND…). */
  code: string;
  reasons: { code: string; reason: string }[];
}

export interface CaptureJob {
  captureID: string;
  createdAt: string;
  finishedAt: string;
  /** Capture runs inside the request: a job is finished when it is first answered. */
  running: false;
  /** Every event was captured (or was a repeat); false when any was refused. */
  success: boolean;
  captureErrorBehaviour: CaptureErrorBehaviour;
  errors: CaptureJobError[];
  /** How many events were recorded or found already recorded: `events.length`. */
  captured: number;
  events: CapturedEvent[];
}

/**
 * A job as PostgreSQL's jsonb keeps it: a NUL or a lone surrogate in a string (a hostile eventID, a
 * reason quoting a member as sent) becomes U+FFFD, so refusing such a document never fails to record
 * its job, and the job answered is the job stored.
 */
export function storableJob(job: CaptureJob): CaptureJob {
  return storable(job) as CaptureJob;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function storable(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll(String.fromCharCode(0), '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
  if (Array.isArray(value)) return value.map(storable);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)]));
  return value;
}

/** The header's value: rollback when absent; anything else but the two words is refused, naming the header. */
export function captureErrorBehaviourOf(header: string | undefined): CaptureErrorBehaviour {
  if (header === undefined || header === 'rollback') return 'rollback';
  if (header === 'proceed') return 'proceed';
  throw new DomainError('INVALID_INPUT', `GS1-Capture-Error-Behaviour must be rollback or proceed, got ${JSON.stringify(header.slice(0, 40))}`);
}

const EXCEPTION = 'epcisException:';

/** The problems of events the plan refused: one error each, with all its reasons. */
export function planErrors(problems: readonly CaptureProblem[]): CaptureJobError[] {
  return problems.map((p) => ({
    type: `${EXCEPTION}ValidationException`,
    title: p.code === 'EPCIS_INVALID' ? 'the event breaks the EPCIS 2.0 standard' : 'the event is EPCIS that Suyuan does not record',
    status: 400,
    detail: `eventList[${p.index}]: ${p.reason}`,
    eventIndex: p.index,
    eventID: p.eventID,
    code: p.code,
    reasons: p.reasons.map((r: CaptureReason) => ({ code: r.code, reason: r.reason })),
  }));
}

/**
 * A refusal as job errors: the plan's problems one per event; any other refusal (a write-time rule,
 * a changed repeat) once, naming the event it carries in its extensions, if any.
 */
export function refusalErrors(err: DomainError): CaptureJobError[] {
  const problems = err.extensions.events;
  if ((err.code === 'EPCIS_INVALID' || err.code === 'EPCIS_NOT_MODELLED') && Array.isArray(problems)) return planErrors(problems as CaptureProblem[]);
  const index = typeof err.extensions.eventIndex === 'number' ? err.extensions.eventIndex : null;
  const eventID = typeof err.extensions.eventID === 'string' ? err.extensions.eventID : null;
  // The message without its "eventList[i]: " prefix, which eventIndex already says.
  const reason = index === null ? err.message : err.message.replace(`eventList[${index}]: `, '');
  return [
    {
      type: `${EXCEPTION}${ERROR_CODES[err.code] === 'FORBIDDEN' ? 'SecurityException' : 'ValidationException'}`,
      title: titleOf(err),
      status: httpStatus(ERROR_CODES[err.code]),
      detail: err.message,
      eventIndex: index,
      eventID,
      code: err.code,
      reasons: [{ code: err.code, reason }],
    },
  ];
}

function titleOf(err: DomainError): string {
  switch (ERROR_CODES[err.code]) {
    case 'FORBIDDEN':
      return 'the event is not yours to record';
    case 'NOT_FOUND':
      return 'the event names something that is not registered';
    case 'CONFLICT':
      return 'the event conflicts with what is recorded';
    default:
      return 'the event cannot be recorded';
  }
}

/** Where a page of the caller's jobs ends: the last job's time and id, opaque to the client. */
export interface JobCursor {
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isCaptureId(text: string): boolean {
  return UUID.test(text);
}

export function pageTokenOf(cursor: JobCursor): string {
  return encodeToken([cursor.createdAt, cursor.id]);
}

/** The cursor a token this service gave stands for; any other token is refused, not read as the first page. */
export function cursorOf(token: string): JobCursor {
  const refused = () => new DomainError('INVALID_INPUT', 'nextPageToken is not one this service gave; start again without it');
  const decoded = decodeToken(token, 2);
  if (!decoded) throw refused();
  const [createdAt, id] = decoded;
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt)) || !/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(createdAt)) throw refused();
  if (typeof id !== 'string' || !UUID.test(id)) throw refused();
  return { createdAt, id };
}

export const DEFAULT_JOBS_PER_PAGE = 30;
export const MAX_JOBS_PER_PAGE = 100;

/** perPage as the REST binding names it: 1 to MAX_JOBS_PER_PAGE, the default when absent. */
export function perPageOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_JOBS_PER_PAGE;
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > MAX_JOBS_PER_PAGE)
    throw new DomainError('INVALID_INPUT', `perPage must be a whole number from 1 to ${MAX_JOBS_PER_PAGE}`);
  return Number(text);
}
