import type { BatchQuery } from './lists.repository.js';

/**
 * Whether a batch filter names exactly one lot: a trace code alone, or a GTIN with a lot code (a lot code is
 * unique per product, a GTIN names one product). A lab may list batches only so: it finds the lot it is about
 * to inspect, which `batch(id)` already lets it read whole, and learns nothing about which lots exist. Pure.
 */
export function namesOneLot(filter: Omit<BatchQuery, 'partyId'>): boolean {
  const given = Object.entries(filter)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name]) => name)
    .sort()
    .join(',');
  return given === 'traceCode' || given === 'gtin,lotCode';
}
