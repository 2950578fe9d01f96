import { type GlnOrId } from './epcis-identifiers.js';
import { parseChildEpc, parseSsccEpc } from './aggregation-identifiers.js';

/**
 * An EPCIS AggregationEvent read into packing (ADD) or unpacking (DELETE) a package named by SSCC.
 * Pure: the capture plan hands in its readers (where, when, how to refuse), so reasons read the same
 * as for every other event and all of an event's problems are named at once.
 */

/** What a package holds or is asked to: units of one GTIN by serial, and packages by SSCC. */
export interface PackageChildren {
  gtin: string | null;
  serials: string[];
  childSsccs: string[];
}

export type AggregationStep =
  | { kind: 'pack'; sscc: string; children: PackageChildren; place: GlnOrId; eventTime: Date }
  /** `children` null: all of them (childEPCs empty or absent); else exactly the package's children, or refused. */
  | { kind: 'unpack'; sscc: string; children: PackageChildren | null; place: GlnOrId; eventTime: Date };

/** The capture plan's readers an AggregationEvent is read with. */
export interface AggregationReaders {
  /** Valid EPCIS that Suyuan does not record. */
  refuse(reason: string): never;
  /** Breaks the EPCIS 2.0 standard. */
  invalid(reason: string): never;
  /** Runs a read; its refusal is kept and the next read runs. */
  check<T>(read: () => T): T | undefined;
  /** Throws every refusal kept. */
  settle(): void;
  place(event: Record<string, unknown>): GlnOrId;
  time(value: unknown, where: string): Date;
  /** The event's bizStep as a CBV word, null when it has none. */
  bizStep(event: Record<string, unknown>): string | null;
}

/** The bizStep each action records; none is accepted too. */
const STEP_OF_ACTION = { ADD: 'packing', DELETE: 'unpacking' } as const;

export function readAggregationEvent(event: Record<string, unknown>, r: AggregationReaders): AggregationStep {
  const action = event.action;
  if (action === 'OBSERVE')
    r.check(() =>
      r.refuse(
        'action OBSERVE of an AggregationEvent is not modelled: Suyuan records packing (ADD) and unpacking (DELETE); ' +
          'that a package was seen somewhere is recorded by shipping or receiving it',
      ),
    );
  else if (action !== 'ADD' && action !== 'DELETE')
    r.check(() => r.invalid(`action must be ADD, OBSERVE or DELETE, got ${JSON.stringify(action ?? null)?.slice(0, 40)}`));
  if (event.childQuantityList !== undefined)
    r.check(() =>
      r.refuse(
        'childQuantityList: quantities of lots in a package are not modelled; a package holds serialized units (SGTIN) and packages (SSCC) in childEPCs',
      ),
    );
  if (event.sensorElementList !== undefined)
    r.check(() => r.refuse('sensorElementList on an AggregationEvent is not modelled: send the readings in an OBSERVE ObjectEvent of the lots'));
  const sscc = r.check(() => parentOf(event, r));
  const step = r.check(() => r.bizStep(event));
  const expected = action === 'ADD' || action === 'DELETE' ? STEP_OF_ACTION[action] : null;
  if (expected && step !== null && step !== undefined && step !== expected)
    r.check(() => r.refuse(`bizStep ${step} with action ${action as string} is not modelled: an ADD is packing, a DELETE unpacking (or give no bizStep)`));
  const children = r.check(() => childrenOf(event.childEPCs, r));
  if (action === 'ADD' && children === null) r.check(() => r.refuse('childEPCs: an ADD names what is packed (SGTINs of units, SSCCs of packages)'));
  const place = r.check(() => r.place(event));
  const eventTime = r.check(() => r.time(event.eventTime, 'eventTime'));
  r.settle();
  if (action === 'ADD') return { kind: 'pack', sscc: sscc!, children: children!, place: place!, eventTime: eventTime! };
  return { kind: 'unpack', sscc: sscc!, children: children ?? null, place: place!, eventTime: eventTime! };
}

function parentOf(event: Record<string, unknown>, r: AggregationReaders): string {
  const parent = event.parentID;
  if (parent === undefined) return r.refuse('parentID is required: the package (urn:epc:id:sscc:… or a Digital Link …/00/<SSCC>)');
  if (typeof parent !== 'string') return r.invalid('parentID must be a string (an EPC URI)');
  return (
    parseSsccEpc(parent) ??
    r.refuse(
      `parentID ${JSON.stringify(parent.slice(0, 200))} is not an SSCC Suyuan reads: packages are named ` +
        'urn:epc:id:sscc:<prefix>.<extension + serial reference> or https://id.gs1.org/00/<SSCC> (with its check digit)',
    )
  );
}

/** The children named, or null when none are. Units are of one GTIN (packUnits' rule), none named twice. */
function childrenOf(list: unknown, r: AggregationReaders): PackageChildren | null {
  if (list === undefined) return null;
  if (!Array.isArray(list)) return r.invalid('childEPCs must be a list of EPC URIs');
  if (list.length === 0) return null;
  let gtin: string | null = null;
  const serials: string[] = [];
  const childSsccs: string[] = [];
  for (const [i, epc] of list.entries()) {
    if (typeof epc !== 'string') r.invalid(`childEPCs[${i}] must be a string (an EPC URI)`);
    const child = parseChildEpc(epc as string);
    if (!child)
      r.refuse(
        `childEPCs[${i}] ${JSON.stringify((epc as string).slice(0, 200))} is neither a unit (urn:epc:id:sgtin:… or …/01/<GTIN>/21/<serial>) ` +
          'nor a package (urn:epc:id:sscc:… or …/00/<SSCC>)',
      );
    if ('sscc' in child!) childSsccs.push(child.sscc);
    else {
      if (gtin !== null && child!.unit.gtin !== gtin)
        r.refuse(
          `childEPCs: units of GTIN ${gtin} and ${child!.unit.gtin}; Suyuan packs units of one GTIN per package (put each GTIN's units in a case of its own)`,
        );
      gtin = child!.unit.gtin;
      serials.push(child!.unit.serial);
    }
  }
  return { gtin, serials, childSsccs };
}
