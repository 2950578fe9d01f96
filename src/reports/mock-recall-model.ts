import type { BatchStatus } from '../batches/batch-status.js';
import type { ColdChainStatus } from '../batches/cold-chain-status.js';
import type { Excursion } from '../cold-chain/excursions.js';
import type { StorageCondition } from '../products/product-kinds.js';
import type { RecallLevel } from '../recalls/recall-deadlines.js';

/** The mock recall report's shapes: the facts read for one lot (…Facts, MockRecallData) and the report made of them. */

/** A batch as the report names it, read for every batch of the trace (and the co-products of its transformations). */
export interface BatchFacts {
  id: string;
  productName: string;
  gtin: string | null;
  storage: StorageCondition;
  lotCode: string;
  traceCode: string;
  producer: string;
  producerId: string;
  holderId: string;
  holder: string;
  inTransitTo: string | null;
  /** The organization it is in transit to, who reads it as its custodian does (batches/batch-access.ts). */
  inTransitToId: string | null;
  inTransitQuantity: number | null;
  /** The producing facility, with its region. */
  origin: string | null;
  /** What is left now, in the batch's unit. */
  quantity: number;
  unit: string;
  status: BatchStatus;
  held: boolean;
  recalled: boolean;
  readingCount: number;
  meanKineticTempC: number | null;
  excursions: Excursion[];
}

export interface TransformationFacts {
  id: string;
  eventTime: Date;
  organization: string;
  place: string | null;
  /** Every batch the transformation took from or made. */
  batchIds: string[];
}

/** What a transformation took and made, by batch (trace.service's MassBalance). */
export interface Balance {
  transformationId: string;
  inputs: { batchId: string; quantity: number; unit: string }[];
  outputs: { batchId: string; quantity: number; unit: string }[];
}

export interface InspectionFacts {
  batchId: string;
  verdict: 'PASS' | 'FAIL';
  agency: string | null;
  standard: string | null;
  inspector: string;
  recordedAt: Date;
  items: { name: string; value?: number | null; limit?: number | null; unit?: string | null; passed: boolean }[];
}

export interface RecallFacts {
  id: string;
  level: RecallLevel;
  reason: string;
  initiatedAt: Date;
  initiatedBy: string;
  /** The batches of this report the recall reaches. */
  batchIds: string[];
}

export interface TraceFacts {
  nodes: { batch: { id: string }; depth: number }[];
  edges: { fromBatchId: string; toBatchId: string; quantity: number | null }[];
}

/** A batch's temperature record for the report's chart: at most a few hundred readings (the extremes of each stretch), and the product's limits. */
export interface TemperatureFacts {
  batchId: string;
  readings: { at: Date; celsius: number }[];
  minTempC: number | null;
  maxTempC: number | null;
}

export interface MockRecallData {
  rootId: string;
  /** Temperature records of the trace's batches that have readings (public, as on the consumer page). */
  temperatures?: TemperatureFacts[];
  upstream: TraceFacts;
  downstream: TraceFacts;
  batches: Map<string, BatchFacts>;
  transformations: TransformationFacts[];
  balances: Balance[];
  inspections: InspectionFacts[];
  recalls: RecallFacts[];
  /** Batches the reader may not read whole (batches/batch-access.ts): their private details (inspections) are withheld, and the report says so. */
  withheldBatchIds: ReadonlySet<string>;
  generatedAt: Date;
  generatedBy: string;
  elapsedMs: number;
}

export interface BatchRef {
  id: string;
  productName: string;
  lotCode: string;
}

export interface UnitQuantity {
  unit: string;
  quantity: number;
}

export interface ReportInspection {
  verdict: 'PASS' | 'FAIL';
  standard: string | null;
  /** The agency named on the result, else the organization that recorded it. */
  by: string;
  recordedAt: Date;
  /** The items that did not pass, e.g. "菌落总数 2500000 > 2000000 CFU/g". */
  failedItems: string[];
}

export interface ReportBatch extends BatchRef {
  gtin: string | null;
  traceCode: string;
  producer: string;
  holder: string;
  inTransitTo: string | null;
  inTransitQuantity: number | null;
  origin: string | null;
  quantity: number;
  unit: string;
  status: BatchStatus;
  held: boolean;
  recalled: boolean;
  /** Lineage steps from the lot (0 for the lot itself). */
  depth: number;
  coldChain: { status: ColdChainStatus; readingCount: number; meanKineticTempC: number | null; excursions: Excursion[] };
  inspections: ReportInspection[];
  /** The reader may not read this batch whole: its inspections are not shown (an empty list then means "not shown", not "none"). */
  withheld: boolean;
  recalls: { id: string; level: RecallLevel; reason: string }[];
}

export interface ReportTransformation {
  id: string;
  /** UPSTREAM: it made the lot or one of its ancestors; DOWNSTREAM: it was made from the lot. */
  direction: 'UPSTREAM' | 'DOWNSTREAM';
  eventTime: Date;
  organization: string;
  place: string | null;
  /** Lines on batches outside the trace (another ingredient, a co-product) have inTrace false. */
  inputs: (BatchRef & UnitQuantity & { inTrace: boolean })[];
  outputs: (BatchRef & UnitQuantity & { inTrace: boolean })[];
  /** Per unit: taken from the inputs, made as outputs. */
  totals: { unit: string; input: number; output: number }[];
  /** Outputs over inputs, in percent, when every line uses one unit (else unknown). */
  yieldPercent: number | null;
}

export interface ReportHolder {
  name: string;
  /** Its batches in this report with something left. */
  lots: (BatchRef & UnitQuantity)[];
  left: UnitQuantity[];
  /** It holds the lot or a batch made from it: the recall would reach it. */
  inScope: boolean;
}

export interface MockRecallReport {
  generatedAt: Date;
  generatedBy: string;
  elapsedMs: number;
  lot: ReportBatch;
  summary: {
    upstreamBatches: number;
    originBatches: number;
    downstreamBatches: number;
    holders: number;
    /** Left in the lot and every batch made from it, per unit: what a recall would have to recover. */
    leftInScope: UnitQuantity[];
    openRecalls: (RecallFacts & { lots: BatchRef[] })[];
    excursions: BatchRef[];
    failedInspections: BatchRef[];
    /** Batches whose private details are withheld from the reader. */
    withheld: BatchRef[];
    held: BatchRef[];
    recalled: BatchRef[];
  };
  /** Batches the lot came from, nearest first (the lot itself not included). */
  upstream: ReportBatch[];
  /** Batches made from the lot, nearest first (the lot itself not included). */
  downstream: ReportBatch[];
  edges: { from: BatchRef; to: BatchRef; quantity: number | null; unit: string }[];
  transformations: ReportTransformation[];
  holders: ReportHolder[];
  /** The charts the PDF draws: the lot first, then the batches with excursions, then the others, by lot. */
  temperatureCharts: ReportTemperatureChart[];
}

export interface ReportTemperatureChart extends BatchRef {
  readings: { at: Date; celsius: number }[];
  minTempC: number | null;
  maxTempC: number | null;
  excursions: Excursion[];
}
