import { Body, Controller, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { jsonDepthProblem } from '../common/json-details.js';
import { MAX_CAPTURE_EVENTS } from './capture-plan.js';
import { requireEpcisJson } from './epcis-media-type.js';
import { eventHash, EventHashError, prefixesOf } from './event-hash.js';

export interface HashedEvent {
  index: number;
  /** The eventID the event came with, or null. */
  eventID: string | null;
  /** Its CBV 2.0 event hash ID, `ni:///sha-256;<hex>?ver=CBV2.0`. */
  hashId: string;
  /** With `?prehash=true`: the canonical pre-hash string that was hashed. */
  prehash?: string;
}

/**
 * A public utility, no key needed: the CBV 2.0 event hash ID of each event of an EPCIS 2.0 JSON-LD
 * document, as capture computes it for an event sent without an eventID. Reads the body under the
 * same limits as capture (the same parser, the same event cap); writes and reads nothing stored.
 */
@Controller('epcis')
export class EventHashController {
  @Post('event-hash')
  @HttpCode(200)
  hash(@Headers('content-type') contentType: string | undefined, @Body() document: unknown, @Query('prehash') prehash?: unknown): { events: HashedEvent[] } {
    requireEpcisJson(contentType);
    if (prehash !== undefined && prehash !== 'true' && prehash !== 'false') {
      throw new DomainError('INVALID_INPUT', 'prehash must be true or false, given once');
    }
    return { events: hashDocument(document, prehash === 'true') };
  }
}

/** Every event's hash ID; a document any event of which cannot be hashed is refused with every such event's reason. */
export function hashDocument(document: unknown, withPrehash: boolean): HashedEvent[] {
  const deep = jsonDepthProblem(document);
  if (deep) throw new DomainError('INVALID_INPUT', `the EPCIS document: ${deep}`);
  const body = isObject(document) ? document.epcisBody : undefined;
  const events = isObject(body) ? body.eventList : undefined;
  if (!isObject(document) || !Array.isArray(events)) throw new DomainError('INVALID_INPUT', 'the body must be an EPCISDocument with epcisBody.eventList');
  if (events.length > MAX_CAPTURE_EVENTS)
    throw new DomainError('INVALID_INPUT', `epcisBody.eventList has ${events.length} events; one request takes at most ${MAX_CAPTURE_EVENTS}`);
  const prefixes = prefixesOf(document['@context']);
  const answers: HashedEvent[] = [];
  const problems: { index: number; reason: string }[] = [];
  events.forEach((event, index) => {
    try {
      const { hashId, prehash } = eventHash(event, prefixes);
      const eventID = isObject(event) && typeof event.eventID === 'string' ? event.eventID : null;
      answers.push(withPrehash ? { index, eventID, hashId, prehash } : { index, eventID, hashId });
    } catch (err) {
      if (!(err instanceof EventHashError)) throw err;
      problems.push({ index, reason: err.message });
    }
  });
  if (problems.length > 0) {
    const [first] = problems;
    throw new DomainError('INVALID_INPUT', `${problems.length} event(s) cannot be hashed; eventList[${first.index}]: ${first.reason}`, { events: problems });
  }
  return answers;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
