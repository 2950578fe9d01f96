import type { EventUnit } from './event-query.repository.js';

/**
 * The events of a document built from whole batches that belong to the page's events, in page order:
 * an event is known by its eventID, either one it was captured under or one naming an entry behind it.
 * Every document event naming a page event is given (one per page event once captured events are
 * an export that writes a captured event once per entry gives each of them). Pure.
 */
export function eventsOfUnits(
  eventList: Record<string, unknown>[],
  units: EventUnit[],
  entryHashOf: (eventID: string) => string | null,
): Record<string, unknown>[] {
  const unitOfId = new Map<string, number>();
  units.forEach((unit, index) => {
    for (const id of unit.capturedIds) unitOfId.set(id, index);
    for (const entry of unit.entries) unitOfId.set(`hash:${entry.hash}`, index);
  });
  const chosen: { index: number; order: number; event: Record<string, unknown> }[] = [];
  eventList.forEach((event, order) => {
    const id = typeof event.eventID === 'string' ? event.eventID : '';
    const hash = entryHashOf(id);
    const index = unitOfId.get(id) ?? (hash === null ? undefined : unitOfId.get(`hash:${hash}`));
    if (index !== undefined) chosen.push({ index, order, event });
  });
  return chosen.sort((a, b) => a.index - b.index || a.order - b.order).map((c) => c.event);
}
