import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, OrganizationCaller, requireOrganization } from '../auth/caller.js';
import { Batch, BatchesRepository } from '../batches/batches.repository.js';
import { DomainError } from '../common/domain-error.js';
import { CLOCK_SKEW_MS } from '../events/key-data-elements.js';
import { FacilitiesRepository } from '../facilities/facilities.repository.js';
import { newEntry } from '../ledger/entry-types.js';
import { LedgerEntry } from '../ledger/ledger-entry.js';
import { AppendContext, LedgerWriter } from '../ledger/ledger-writer.js';
import { TransformBatchesInput } from './dto/transform-batches.input.js';
import { planTransformation } from './transformation-plan.js';
import { TransformationsRepository } from './transformations.repository.js';

@Injectable()
export class TransformationsService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly transformations: TransformationsRepository,
    private readonly batches: BatchesRepository,
    private readonly facilities: FacilitiesRepository,
  ) {}

  /**
   * Consumes quantities of input batches and creates output batches, each with its own lot and trace
   * code, in one transaction: a TRANSFORMING entry on every input and a BATCH_REGISTERED entry on every
   * output, both naming the transformation, and lineage edges input → output for trace.
   */
  async transform(caller: Caller, input: TransformBatchesInput): Promise<{ outputs: Batch[]; entries: LedgerEntry[] }> {
    const org = requireOrganization(caller);
    const outputIds = input.outputs.map(() => randomUUID());
    const entries = await this.writer.execute({
      actor: org.organizationId,
      batchIds: [...input.inputs.map((l) => l.batchId), ...outputIds],
      run: (ctx) => this.transformInContext(ctx, org, input, outputIds),
    });
    const outputs = await Promise.all(outputIds.map(async (id) => (await this.batches.findById(id))!));
    return { outputs, entries };
  }

  /**
   * Inside a ledger command: checks the facility, inputs and outputs, appends the entries, inserts the
   * output batches, the lineage edges and the mass-balance lines, and saves what is left of the inputs. `outputIds` name the
   * output batches, one per output line.
   */
  async transformInContext(ctx: AppendContext, org: OrganizationCaller, input: TransformBatchesInput, outputIds: string[]): Promise<LedgerEntry[]> {
    const { tx, append } = ctx;
    if (input.eventTime.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw new DomainError(
        'MISSING_KEY_DATA',
        `eventTime ${input.eventTime.toISOString()} is in the future (more than ${CLOCK_SKEW_MS / 60000} minutes ahead of the server's clock)`,
      );
    }
    const transformationId = randomUUID();
    const eventTime = input.eventTime.toISOString();
    const owner = (await this.facilities.ownersInTx(tx, [input.facilityId])).get(input.facilityId);
    if (!owner) throw new DomainError('FACILITY_NOT_FOUND', `facilityId: no facility has id ${input.facilityId}`);
    if (owner !== org.organizationId) throw new DomainError('NOT_OWNER', `facilityId: facility ${input.facilityId} is not one of your facilities`);
    const inputBatches = await this.transformations.inputBatchesInTx(
      tx,
      input.inputs.map((l) => l.batchId),
    );
    const products = await this.transformations.productsInTx(
      tx,
      input.outputs.map((l) => l.productId),
    );
    const plan = planTransformation(org.organizationId, input.inputs, input.outputs, inputBatches, products);
    for (const [o, line] of input.outputs.entries()) {
      if (await this.batches.lotCodeTaken(tx, line.productId, line.lotCode)) {
        throw new DomainError('DUPLICATE_LOT_CODE', `outputs[${o}].lotCode: lot code ${line.lotCode} is already used for this product`);
      }
    }

    const outputs: Batch[] = [];
    for (const [o, line] of input.outputs.entries()) {
      outputs.push({
        id: outputIds[o],
        productId: line.productId,
        originFacilityId: input.facilityId,
        producerId: org.organizationId,
        custodianId: org.organizationId,
        lotCode: line.lotCode,
        traceCode: await this.batches.uniqueTraceCodeInTx(tx),
        quantity: line.quantity,
        unit: line.unit,
        status: 'ACTIVE',
        producedAt: input.eventTime,
      });
    }
    const inputRefs = input.inputs.map((l) => ({ batchId: l.batchId, quantity: l.quantity, unit: inputBatches.get(l.batchId)!.unit }));
    const outputRefs = outputs.map((b) => ({ batchId: b.id, lotCode: b.lotCode }));
    const appended = await append([
      ...input.inputs.map((line, i) =>
        newEntry('EVENT_RECORDED', line.batchId, {
          bizStep: 'TRANSFORMING',
          eventTime,
          facilityId: input.facilityId,
          transformationId,
          quantity: line.quantity,
          unit: inputRefs[i].unit,
          quantityLeft: plan.consumed[i].quantity,
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
          transformationId,
          inputs: inputRefs,
        }),
      ),
    ]);
    for (const [o, batch] of outputs.entries()) await this.batches.insert(tx, { ...batch, createdSeq: appended[input.inputs.length + o].seq });
    for (const state of plan.consumed) await this.batches.saveCustodyInTx(tx, state);
    await this.transformations.insert(
      tx,
      { id: transformationId, organizationId: org.organizationId, facilityId: input.facilityId, eventTime: input.eventTime, createdSeq: appended[0].seq },
      plan.edges.map((e) => ({ fromBatchId: input.inputs[e.input].batchId, toBatchId: outputIds[e.output], quantity: e.quantity })),
      [
        ...inputRefs.map((l, i) => ({ seq: appended[i].seq, side: 'input' as const, batchId: l.batchId, quantity: l.quantity, unit: l.unit })),
        ...outputs.map((b, o) => ({ seq: appended[input.inputs.length + o].seq, side: 'output' as const, batchId: b.id, quantity: b.quantity, unit: b.unit })),
      ],
    );
    return appended;
  }
}
