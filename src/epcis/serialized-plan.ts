import type { BizStep } from '../events/biz-step.js';
import { MAX_SERIALS_PER_EVENT } from '../events/event-units.js';
import type { GlnOrId } from './epcis-identifiers.js';
import { parseUnitEpc, type UnitRef, unitsByGtin } from './serial-identifiers.js';

/**
 * The serialized part of an ObjectEvent (its epcList of units) read into capture steps: an OBSERVE
 * event's units become one 'unit-event' step per GTIN (split by lot at capture, when their lots are
 * looked up), an ADD commissioning's one 'commission-units' step per GTIN, in the lot its ilmd names.
 * Pure; kept apart from capture-plan.ts, which calls it, so each kind of EPC reads in a file of its own.
 */

/** A read's value, or why the event is refused: `invalid` breaks EPCIS 2.0, `refused` is valid EPCIS Suyuan does not record. */
export type Planned<T> = { value: T } | { refused: string } | { invalid: string };

interface StepBase {
  index: number;
  eventID: string | null;
}

/** The ilmd members that name a commissioned unit's lot, as CBV's master data attribute is written with and without its prefix. */
const LOT_NUMBER_KEYS = ['cbvmda:lotNumber', 'lotNumber', 'urn:epcglobal:cbv:mda:lotNumber', 'https://ref.gs1.org/cbv/MDA-lotNumber'];

/** The units of an epcList: each an SGTIN or a Digital Link with AI 21, none twice, at most MAX_SERIALS_PER_EVENT. */
export function unitsOfEpcList(list: unknown): Planned<UnitRef[]> {
  if (!Array.isArray(list)) return { invalid: 'epcList must be a list of EPCs (strings)' };
  if (list.length > MAX_SERIALS_PER_EVENT) return { refused: `epcList: at most ${MAX_SERIALS_PER_EVENT} units per event, got ${list.length}` };
  const units: UnitRef[] = [];
  const seen = new Map<string, number>();
  for (const [i, epc] of list.entries()) {
    if (typeof epc !== 'string') return { invalid: `epcList[${i}] must be an EPC (a string)` };
    const unit = parseUnitEpc(epc);
    if (!unit)
      return {
        refused:
          `epcList[${i}] ${JSON.stringify(epc.slice(0, 100))} is not a serialized unit Suyuan reads ` +
          '(urn:epc:id:sgtin:<company prefix>.<item reference>.<serial> or a GS1 Digital Link …/01/<GTIN>/21/<serial>)',
      };
    if ('problem' in unit) return { refused: `epcList[${i}]: ${unit.problem}` };
    const key = `${unit.gtin}/${unit.serial}`;
    const first = seen.get(key);
    if (first !== undefined) return { refused: `epcList[${i}] names the unit of epcList[${first}] again` };
    seen.set(key, i);
    units.push(unit);
  }
  return { value: units };
}

/** The lot an ADD commissioning's units belong to: ilmd's cbvmda:lotNumber (a lot of their GTIN registered before, or by this event's quantityList). */
export function lotNumberOf(event: Record<string, unknown>): Planned<string> {
  const ilmd = event.ilmd;
  const value =
    typeof ilmd === 'object' && ilmd !== null && !Array.isArray(ilmd)
      ? LOT_NUMBER_KEYS.map((k) => (ilmd as Record<string, unknown>)[k]).find((v) => v !== undefined)
      : undefined;
  if (value === undefined)
    return {
      refused:
        'ilmd.cbvmda:lotNumber is required to commission units (epcList): the registered lot of their GTIN they belong to ' +
        '(Suyuan commissions units within a lot)',
    };
  if (typeof value !== 'string' || value.trim() === '') return { invalid: 'ilmd.cbvmda:lotNumber must be a lot number (a non-empty string)' };
  return { value };
}

/** An ADD commissioning's units: one step per GTIN. */
export function commissioningSteps(base: StepBase, units: readonly UnitRef[], lot: string) {
  return unitsByGtin(units).map(({ gtin, serials }) => ({ ...base, kind: 'commission-units' as const, gtin, lot, serials }));
}

/** An OBSERVE event's units: one step per GTIN, with the event's step, place, time, destination and details. */
export function unitEventSteps(
  base: StepBase,
  units: readonly UnitRef[],
  facts: { bizStep: BizStep; place: GlnOrId; eventTime: Date; destination: GlnOrId | null; details: Record<string, unknown> },
) {
  return unitsByGtin(units).map(({ gtin, serials }) => ({ ...base, kind: 'unit-event' as const, gtin, serials, ...facts }));
}
