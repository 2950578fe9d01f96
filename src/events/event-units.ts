import { DomainError } from '../common/domain-error.js';
import type { BizStep } from './biz-step.js';

/**
 * Events that name serialized units of their lot (issue 18): which units an event may name and what
 * naming them writes. Pure: the units come in as the repository read them under the chain-head lock.
 */

/** Units one event may name. */
export const MAX_SERIALS_PER_EVENT = 1000;

/** A unit an event names, as it stands: its GTIN and lot when it is a commissioned unit, and the entry that sold it. */
export interface NamedUnit {
  batchId: string;
  serial: string;
  /** The GTIN of the unit (its lot's product's) when the serial is a commissioned unit of that GTIN; null when it is not. */
  gtin: string | null;
  /** The lot the unit was commissioned in (null: no such unit). */
  lotId: string | null;
  /** The RETAIL_SELLING entry that sold it, if one did. */
  soldSeq: number | null;
  /** Who holds it: the organization that last received a package it was in, else its lot's custodian (null: no such unit). */
  holderId: string | null;
}

/** Index rows an appended event makes: the unit named by an entry, and its sale when the step sells. */
export interface UnitEventRow {
  gtin: string;
  serial: string;
  entrySeq: number;
  sold: boolean;
}

/** Key of a unit in the maps below: its lot and serial. */
export const unitKey = (batchId: string, serial: string): string => `${batchId}\u0000${serial}`;

/**
 * Checks the serials of one event against the units read (`units`, by unitKey) and the units sold by
 * events before it in the same group (`soldBefore`, by unitKey, which a sale here adds to): each must be
 * a commissioned unit of the event's lot, and a sale must not sell a unit twice. `where` prefixes messages.
 */
export function checkNamedUnits(
  event: { batchId: string; bizStep: BizStep; serials: readonly string[] },
  units: ReadonlyMap<string, NamedUnit>,
  soldBefore: Set<string>,
  where: string,
): void {
  for (const [i, serial] of event.serials.entries()) {
    const key = unitKey(event.batchId, serial);
    const unit = units.get(key);
    if (!unit || unit.lotId !== event.batchId)
      throw new DomainError(
        'UNIT_NOT_FOUND',
        `${where}serials[${i}]: serial ${JSON.stringify(serial)} is no commissioned unit of batch ${event.batchId}` +
          (unit?.lotId ? ' (it is a unit of another lot)' : ''),
      );
    if (event.bizStep !== 'RETAIL_SELLING') continue;
    if (unit.soldSeq !== null || soldBefore.has(key))
      throw new DomainError(
        'UNIT_ALREADY_SOLD',
        `${where}serials[${i}]: the unit with serial ${JSON.stringify(serial)} was sold already` +
          (unit.soldSeq !== null ? ` (ledger entry ${unit.soldSeq})` : ' (by an earlier event of this call)'),
      );
  }
  if (event.bizStep === 'RETAIL_SELLING') for (const serial of event.serials) soldBefore.add(unitKey(event.batchId, serial));
}

/**
 * A RETAIL_SELLING by the holder of every unit it names, who received them in a package and is not the
 * lot's custodian: the sale is the holder's to record, and leaves the lot's custody and quantity alone.
 */
export function isHolderSale(
  event: { batchId: string; bizStep: BizStep; serials?: readonly string[] | null },
  units: ReadonlyMap<string, NamedUnit>,
  sellerId: string,
  lotCustodianId: string,
): boolean {
  if (event.bizStep !== 'RETAIL_SELLING' || !event.serials?.length || sellerId === lotCustodianId) return false;
  return event.serials.every((serial) => {
    const unit = units.get(unitKey(event.batchId, serial));
    return unit?.lotId === event.batchId && unit.holderId === sellerId;
  });
}

/** A sale names only units its seller holds: units shipped on in a package are the receiver's to sell, not the lot's custodian's. */
export function checkSellerHoldsUnits(
  event: { batchId: string; bizStep: BizStep; serials: readonly string[] },
  units: ReadonlyMap<string, NamedUnit>,
  sellerId: string,
  where: string,
): void {
  if (event.bizStep !== 'RETAIL_SELLING') return;
  for (const [i, serial] of event.serials.entries()) {
    const unit = units.get(unitKey(event.batchId, serial));
    if (unit && unit.holderId !== sellerId)
      throw new DomainError(
        'NOT_IN_CUSTODY',
        `${where}serials[${i}]: the unit with serial ${JSON.stringify(serial)} is held by another organization ` +
          '(it received it in a package): only its holder sells it',
      );
  }
}

/** The index rows of an appended entry that names units. */
export function unitEventRows(
  event: { batchId: string; bizStep: BizStep; serials: readonly string[] },
  entrySeq: number,
  units: ReadonlyMap<string, NamedUnit>,
): UnitEventRow[] {
  return event.serials.map((serial) => ({
    gtin: units.get(unitKey(event.batchId, serial))!.gtin!,
    serial,
    entrySeq,
    sold: event.bizStep === 'RETAIL_SELLING',
  }));
}
