import type { CustodyState } from '../events/custody.js';
import type { BatchStatus } from './batch-status.js';

/** What a batch is registered with. */
export interface Batch {
  id: string;
  productId: string;
  originFacilityId: string;
  producerId: string;
  custodianId: string;
  lotCode: string;
  traceCode: string;
  quantity: number;
  unit: string;
  status: BatchStatus;
  producedAt: Date;
}

/** A batch as stored, every column of its row but created_seq: what it was registered with, its custody now, its cold-chain summary. */
export interface StoredBatch extends Batch, CustodyState {
  /** The cold-chain summary the projection keeps (excursions as stored: JSON, instants as ISO strings). */
  readingCount: number;
  excursionCount: number;
  meanKineticTempC: number | null;
  excursions: { kind: 'OUT_OF_RANGE' | 'GAP'; start: string; end: string; minutes: number; minC: number; maxC: number }[];
}

/** The columns custody rules read and write: what a write path loads under the chain-head lock. */
const CUSTODY_COLUMN_NAMES = [
  'id',
  'custodian_id',
  'status',
  'quantity',
  'unit',
  'in_transit_to_id',
  'in_transit_quantity',
  'shipped_by_id',
  'held',
  'recalled',
];

/** Every column of a batch row but created_seq: the one list every read of a batch row selects. */
const BATCH_COLUMN_NAMES = [
  ...CUSTODY_COLUMN_NAMES,
  'product_id',
  'origin_facility_id',
  'producer_id',
  'lot_code',
  'trace_code',
  'produced_at',
  'reading_count',
  'excursion_count',
  'mean_kinetic_temp_c',
  'excursions',
];

const qualified = (names: string[], table: string) => names.map((c) => `${table}.${c}`).join(', ');

/** A batch's columns for a query on `table` (its name or alias), read back with `rowToBatch`. */
export const batchColumns = (table: string): string => qualified(BATCH_COLUMN_NAMES, table);

/** The custody columns for a query on `table`, read back with `rowToCustody`. */
export const custodyColumns = (table: string): string => qualified(CUSTODY_COLUMN_NAMES, table);

/** A row with `custodyColumns` (and anything else beside them). */
export function rowToCustody(r: Record<string, unknown>): CustodyState {
  return {
    id: r.id as string,
    custodianId: r.custodian_id as string,
    status: r.status as BatchStatus,
    quantity: r.quantity as number,
    unit: r.unit as string,
    inTransitToId: (r.in_transit_to_id as string | null) ?? null,
    inTransitQuantity: (r.in_transit_quantity as number | null) ?? null,
    shippedById: (r.shipped_by_id as string | null) ?? null,
    held: r.held as boolean,
    recalled: r.recalled as boolean,
  };
}

/**
 * A row with `batchColumns` (and anything else beside them). One flat literal, not a spread of
 * `rowToCustody`: V8 turned the spread-and-extend object into a slow dictionary object (a trace maps thousands).
 */
export function rowToBatch(r: Record<string, unknown>): StoredBatch {
  return {
    id: r.id as string,
    productId: r.product_id as string,
    originFacilityId: r.origin_facility_id as string,
    producerId: r.producer_id as string,
    custodianId: r.custodian_id as string,
    lotCode: r.lot_code as string,
    traceCode: r.trace_code as string,
    quantity: r.quantity as number,
    unit: r.unit as string,
    status: r.status as BatchStatus,
    producedAt: r.produced_at as Date,
    inTransitToId: (r.in_transit_to_id as string | null) ?? null,
    inTransitQuantity: (r.in_transit_quantity as number | null) ?? null,
    shippedById: (r.shipped_by_id as string | null) ?? null,
    readingCount: r.reading_count as number,
    excursionCount: r.excursion_count as number,
    meanKineticTempC: (r.mean_kinetic_temp_c as number | null) ?? null,
    excursions: r.excursions as StoredBatch['excursions'],
    held: r.held as boolean,
    recalled: r.recalled as boolean,
  };
}
