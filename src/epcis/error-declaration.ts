import { DATE_TIME_FORMAT, parseDateTime } from '../common/date-time.js';
import { isPlainText } from '../common/plain-text.js';
import type { EventDeclaredErroneousPayload } from '../ledger/entry-types.js';

/**
 * EPCIS 2.0 error declarations (§7.4.1.3): an event sent again, as it was captured, with an
 * `errorDeclaration` member saying it was wrong: `declarationTime`, optionally a `reason` (CBV 2.0 error
 * reason: did_not_occur, incorrect_data, or a URI) and `correctiveEventIDs`, the events that put it right.
 * The declared event is the one with the same event id (eventID, else its CBV 2.0 hash ID, which leaves
 * errorDeclaration out, so a declaration and its event have the same one). Pure.
 */

/** A declaration as read from the document, before the event it names is looked up. */
export interface ErrorDeclaration {
  /** ISO 8601, normalised to UTC (as the ledger writes times). */
  declarationTime: string;
  reason: string | null;
  correctiveEventIDs: string[];
}

/** The longest reason and corrective event id kept (longer ones are refused, not cut). */
const MAX_TEXT = 2048;
const MAX_CORRECTIVE_EVENTS = 100;

/** Whether an event of a document is an error declaration. */
export function isErrorDeclaration(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as Record<string, unknown>).errorDeclaration !== undefined;
}

/** The declaration an event carries, or the reason it cannot be read. */
export function readErrorDeclaration(event: Record<string, unknown>): ErrorDeclaration | { problem: string } {
  const declaration = event.errorDeclaration;
  if (typeof declaration !== 'object' || declaration === null || Array.isArray(declaration))
    return { problem: 'errorDeclaration must be an object with declarationTime' };
  const { declarationTime, reason, correctiveEventIDs, ...others } = declaration as Record<string, unknown>;
  // Nothing is dropped silently: extension members of a declaration have nowhere to go, so they are refused.
  const [extension] = Object.keys(others);
  if (extension !== undefined)
    return {
      problem: `errorDeclaration.${extension}: extension members of an error declaration are not modelled (declarationTime, reason, correctiveEventIDs are)`,
    };
  const at = parseDateTime(declarationTime);
  if (!at) return { problem: `errorDeclaration.declarationTime must be ${DATE_TIME_FORMAT}, got ${JSON.stringify(declarationTime ?? null)?.slice(0, 40)}` };
  if (reason !== undefined && !isText(reason)) return { problem: `errorDeclaration.reason must be a CBV error reason (1 to ${MAX_TEXT} printable characters)` };
  let corrective: string[] = [];
  if (correctiveEventIDs !== undefined) {
    if (!Array.isArray(correctiveEventIDs) || correctiveEventIDs.length > MAX_CORRECTIVE_EVENTS || !correctiveEventIDs.every(isText))
      return {
        problem: `errorDeclaration.correctiveEventIDs must list at most ${MAX_CORRECTIVE_EVENTS} event ids (1 to ${MAX_TEXT} printable characters each)`,
      };
    corrective = correctiveEventIDs as string[];
  }
  return { declarationTime: at.toISOString(), reason: (reason as string | undefined) ?? null, correctiveEventIDs: corrective };
}

/** The event with its errorDeclaration taken off: what was captured, as the declaration says. */
export function declaredEvent(event: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([member]) => member !== 'errorDeclaration'));
}

/**
 * The ledger entries a declaration appends: one per batch chain the event's entries are on, naming those
 * entries of that chain. Entries on no batch's chain (none today) get none.
 */
export function declarationPayloads(
  eventID: string,
  declaration: ErrorDeclaration,
  entries: { seq: number; hash: string; batchId: string | null }[],
): { batchId: string; payload: EventDeclaredErroneousPayload }[] {
  const byBatch = new Map<string, { seq: number; hash: string }[]>();
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (entry.batchId === null) continue;
    const chain = byBatch.get(entry.batchId) ?? [];
    chain.push(entry);
    byBatch.set(entry.batchId, chain);
  }
  return [...byBatch].map(([batchId, chain]) => ({
    batchId,
    payload: {
      eventID,
      erroneousSeqs: chain.map((e) => e.seq),
      erroneousHashes: chain.map((e) => e.hash),
      declarationTime: declaration.declarationTime,
      ...(declaration.reason !== null ? { reason: declaration.reason } : {}),
      ...(declaration.correctiveEventIDs.length > 0 ? { correctiveEventIDs: declaration.correctiveEventIDs } : {}),
    },
  }));
}

/** Whether a declaration recorded before says what this one says (a repeat), compared member by member. */
export function sameDeclaration(
  recorded: Pick<EventDeclaredErroneousPayload, 'declarationTime' | 'reason' | 'correctiveEventIDs'>,
  declaration: ErrorDeclaration,
): boolean {
  return (
    Date.parse(recorded.declarationTime) === Date.parse(declaration.declarationTime) &&
    (recorded.reason ?? null) === declaration.reason &&
    JSON.stringify(recorded.correctiveEventIDs ?? []) === JSON.stringify(declaration.correctiveEventIDs)
  );
}

/** Printable text without control or direction-override characters: a reason is shown on the public page. */
function isText(value: unknown): value is string {
  return typeof value === 'string' && isPlainText(value, 1, MAX_TEXT);
}
