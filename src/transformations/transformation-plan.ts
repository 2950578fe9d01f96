import { DomainError } from '../common/domain-error.js';
import { lotCodeProblem } from '../batches/lot-code.js';
import { consume, type CustodyState } from '../events/custody.js';
import { yieldProblem } from './mass-balance.js';

export const MAX_TRANSFORM_LINES = 100;

export interface InputLine {
  batchId: string;
  quantity: number;
}

export interface OutputLine {
  productId: string;
  lotCode: string;
  quantity: number;
  unit: string;
}

/** An input batch as the rules see it: its custody and the GI its product carries. */
export interface InputBatch extends CustodyState {
  geographicIndication: string | null;
}

export interface OutputProduct {
  id: string;
  organizationId: string;
  name: string;
  /** Its lots follow GS1's AI 10 when it has one. */
  gtin: string | null;
  geographicIndication: string | null;
}

export interface TransformationPlan {
  /** The input batches after the quantities are taken from them. */
  consumed: CustodyState[];
  /** input index → output index, with the quantity of that input (in its unit) when the lines say it. */
  edges: { input: number; output: number; quantity: number | null }[];
}

/**
 * Checks a transformation against the batches' state and plans what it does: the caller holds every
 * input, each input has what is taken from it, outputs are the caller's products with allowed lot
 * codes, a geographic-indication product comes only from inputs that all carry that indication, and
 * the outputs weigh at most `maxYield` times the inputs (mass-balance.ts). Pure.
 */
export function planTransformation(
  callerId: string,
  inputs: InputLine[],
  outputs: OutputLine[],
  batches: Map<string, InputBatch>,
  products: Map<string, OutputProduct>,
  rules: { maxYield: number },
): TransformationPlan {
  checkLines(inputs, outputs);
  const consumed = inputs.map((line, i) => takeFromBatch(callerId, line, batches.get(line.batchId), `inputs[${i}].batchId`));
  outputs.forEach((line, o) => checkOutputProduct(callerId, line, products.get(line.productId), inputs, batches, `outputs[${o}]`));
  const problem = yieldProblem(
    inputs.map((line, i) => ({ name: `inputs[${i}] (batch ${line.batchId})`, quantity: line.quantity, unit: batches.get(line.batchId)!.unit })),
    outputs.map((line, o) => ({ name: `outputs[${o}] (lot ${line.lotCode})`, quantity: line.quantity, unit: line.unit })),
    rules.maxYield,
  );
  if (problem) throw new DomainError('YIELD_EXCEEDED', problem);
  return { consumed, edges: lineEdges(inputs, outputs, batches) };
}

/** Between 1 and MAX_TRANSFORM_LINES lines on each side; no input batch twice, no output lot twice. */
function checkLines(inputs: InputLine[], outputs: OutputLine[]): void {
  if (inputs.length < 1 || inputs.length > MAX_TRANSFORM_LINES)
    throw new DomainError('INVALID_INPUT', `inputs takes 1 to ${MAX_TRANSFORM_LINES} batches, got ${inputs.length}`);
  if (outputs.length < 1 || outputs.length > MAX_TRANSFORM_LINES)
    throw new DomainError('INVALID_INPUT', `outputs takes 1 to ${MAX_TRANSFORM_LINES} lots, got ${outputs.length}`);
  const seen = new Set<string>();
  for (const [i, line] of inputs.entries()) {
    if (seen.has(line.batchId)) throw new DomainError('INVALID_INPUT', `inputs[${i}].batchId: batch ${line.batchId} is listed twice`);
    seen.add(line.batchId);
  }
  const lots = new Set<string>();
  for (const [o, line] of outputs.entries()) {
    const key = `${line.productId}\u0000${line.lotCode}`;
    if (lots.has(key)) throw new DomainError('INVALID_INPUT', `outputs[${o}].lotCode: lot ${line.lotCode} of this product is listed twice`);
    lots.add(key);
  }
}

/** The input batch after the line's quantity is taken from it: the caller must hold it, released and active, with enough left. */
function takeFromBatch(callerId: string, line: InputLine, batch: InputBatch | undefined, where: string): CustodyState {
  if (!batch) throw new DomainError('BATCH_NOT_FOUND', `${where}: no batch has id ${line.batchId}`);
  if (batch.custodianId !== callerId)
    throw new DomainError('BATCH_NOT_IN_CUSTODY', `${where}: batch ${batch.id} is in another organization's custody; only its custodian transforms it`);
  if (batch.status === 'IN_TRANSIT') throw new DomainError('BATCH_IN_TRANSIT', `${where}: batch ${batch.id} is in transit; it must be received first`);
  if (batch.status === 'ON_HOLD' || batch.status === 'RECALLED')
    throw new DomainError('BATCH_NOT_RELEASED', `${where}: batch ${batch.id} is ${batch.status} and cannot be used`);
  if (batch.status !== 'ACTIVE') throw new DomainError('BATCH_CLOSED', `${where}: batch ${batch.id} is ${batch.status}: nothing more can happen to it`);
  if (line.quantity > batch.quantity) {
    throw new DomainError(
      'INSUFFICIENT_QUANTITY',
      `${where}: taking ${line.quantity} ${batch.unit} is more than the ${batch.quantity} ${batch.unit} left in batch ${batch.id}`,
    );
  }
  const { geographicIndication: _gi, ...state } = batch;
  return consume(state, line.quantity);
}

/** An output is the caller's product with an allowed lot code, and a geographic-indication product comes only from inputs that all carry its indication. */
function checkOutputProduct(
  callerId: string,
  line: OutputLine,
  product: OutputProduct | undefined,
  inputs: InputLine[],
  batches: Map<string, InputBatch>,
  where: string,
): void {
  if (!product) throw new DomainError('PRODUCT_NOT_FOUND', `${where}.productId: no product has id ${line.productId}`);
  if (product.organizationId !== callerId) throw new DomainError('NOT_OWNER', `${where}.productId: product ${product.id} belongs to another organization`);
  const lotProblem = lotCodeProblem(line.lotCode, product.gtin !== null);
  if (lotProblem) throw new DomainError('INVALID_LOT_CODE', `${where}.lotCode: ${lotProblem}`);
  const gi = product.geographicIndication;
  if (!gi) return;
  const without = inputs.find((input) => batches.get(input.batchId)!.geographicIndication !== gi);
  if (without) {
    throw new DomainError(
      'GI_NOT_CARRIED',
      `${where}.productId: ${product.name} claims the geographic indication ${gi}, but input batch ${without.batchId} does not carry it; ` +
        'a GI product comes only from inputs that all do',
    );
  }
}

/** Every input to every output, with how much of the input went into that output when the lines say it (in the input's unit). */
function lineEdges(inputs: InputLine[], outputs: OutputLine[], batches: Map<string, InputBatch>): TransformationPlan['edges'] {
  return inputs.flatMap((input, i) =>
    outputs.map((output, o) => ({
      input: i,
      output: o,
      quantity: outputs.length === 1 ? input.quantity : inputs.length === 1 && output.unit === batches.get(input.batchId)!.unit ? output.quantity : null,
    })),
  );
}
