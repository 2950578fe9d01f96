import type { Batch } from '../batches/batch-row.js';
import type { CustodyState } from '../events/custody.js';
import { newEntry } from '../ledger/entry-types.js';
import type { EntryDraft } from '../ledger/ledger-entry.js';
import type { InputLine } from './transformation-plan.js';

/** What every entry and row of one transformation names. Pure module: drafts and rows, no I/O. */
export interface TransformationFacts {
  transformationId: string;
  organizationId: string;
  facilityId: string;
  eventTime: Date;
}

/** An input line with the unit of its batch, as the entries and mass-balance lines record it. */
export interface InputRef {
  batchId: string;
  quantity: number;
  unit: string;
}

/** One mass-balance line: what a ledger entry took from an input or gave an output. */
export interface MassBalanceLine {
  seq: number;
  side: 'input' | 'output';
  batchId: string;
  quantity: number;
  unit: string;
}

/** A TRANSFORMING entry on every input, then a BATCH_REGISTERED entry on every output, each naming the transformation. */
export function transformationEntries(t: TransformationFacts, inputRefs: InputRef[], consumed: CustodyState[], outputs: Batch[]): EntryDraft[] {
  const eventTime = t.eventTime.toISOString();
  const outputRefs = outputs.map((b) => ({ batchId: b.id, lotCode: b.lotCode }));
  return [
    ...inputRefs.map((line, i) =>
      newEntry('EVENT_RECORDED', line.batchId, {
        bizStep: 'TRANSFORMING',
        eventTime,
        facilityId: t.facilityId,
        transformationId: t.transformationId,
        quantity: line.quantity,
        unit: line.unit,
        quantityLeft: consumed[i].quantity,
        outputs: outputRefs,
      }),
    ),
    ...outputs.map((b) =>
      newEntry('BATCH_REGISTERED', b.id, {
        batchId: b.id,
        productId: b.productId,
        facilityId: b.originFacilityId,
        lotCode: b.lotCode,
        traceCode: b.traceCode,
        quantity: b.quantity,
        unit: b.unit,
        producedAt: eventTime,
        transformationId: t.transformationId,
        inputs: inputRefs,
      }),
    ),
  ];
}

/** The mass-balance lines, given the seqs of the entries transformationEntries drafted (inputs first, then outputs). */
export function massBalanceLines(inputRefs: InputRef[], outputs: Batch[], seqs: number[]): MassBalanceLine[] {
  return [
    ...inputRefs.map((l, i) => ({ seq: seqs[i], side: 'input' as const, batchId: l.batchId, quantity: l.quantity, unit: l.unit })),
    ...outputs.map((b, o) => ({ seq: seqs[inputRefs.length + o], side: 'output' as const, batchId: b.id, quantity: b.quantity, unit: b.unit })),
  ];
}

/** The input lines with their batches' units. */
export function inputRefs(inputs: InputLine[], unitOf: (batchId: string) => string): InputRef[] {
  return inputs.map((l) => ({ batchId: l.batchId, quantity: l.quantity, unit: unitOf(l.batchId) }));
}
