import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, OrganizationCaller, requireOrganization } from '../auth/caller.js';
import type { Batch } from '../batches/batch-row.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { CLOCK_SKEW_MS } from '../events/key-data-elements.js';
import { FacilitiesRepository } from '../facilities/facilities.repository.js';
import type { Tx } from '../database/database.js';
import { LedgerEntry } from '../ledger/ledger-entry.js';
import { AppendContext, LedgerWriter } from '../ledger/ledger-writer.js';
import { TransformBatchesInput } from './dto/transform-batches.input.js';
import { inputRefs, massBalanceLines, TransformationFacts, transformationEntries } from './transformation-entries.js';
import { planTransformation } from './transformation-plan.js';
import { TransformationsRepository } from './transformations.repository.js';

@Injectable()
export class TransformationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
   * output batches, the lineage edges and the mass-balance lines, and saves what is left of the inputs.
   * `outputIds` name the output batches, one per output line.
   */
  async transformInContext(ctx: AppendContext, org: OrganizationCaller, input: TransformBatchesInput, outputIds: string[]): Promise<LedgerEntry[]> {
    const { tx, append } = ctx;
    refuseFutureEventTime(input.eventTime);
    await this.checkFacilityOwned(tx, org, input.facilityId);
    const inputBatches = await this.transformations.inputBatchesInTx(
      tx,
      input.inputs.map((l) => l.batchId),
    );
    const products = await this.transformations.productsInTx(
      tx,
      input.outputs.map((l) => l.productId),
    );
    const plan = planTransformation(org.organizationId, input.inputs, input.outputs, inputBatches, products, {
      maxYield: this.config.maxTransformationYield,
    });
    await this.checkLotCodesFree(tx, input.outputs);

    const facts = { transformationId: randomUUID(), organizationId: org.organizationId, facilityId: input.facilityId, eventTime: input.eventTime };
    const outputs = await this.outputBatches(tx, facts, input.outputs, outputIds);
    const inputs = inputRefs(input.inputs, (batchId) => inputBatches.get(batchId)!.unit);
    const appended = await append(transformationEntries(facts, inputs, plan.consumed, outputs));
    const seqs = appended.map((e) => e.seq);
    for (const [o, batch] of outputs.entries()) await this.batches.insert(tx, { ...batch, createdSeq: seqs[inputs.length + o] });
    for (const state of plan.consumed) await this.batches.saveCustodyInTx(tx, state);
    await this.transformations.insert(
      tx,
      { id: facts.transformationId, organizationId: facts.organizationId, facilityId: facts.facilityId, eventTime: facts.eventTime, createdSeq: seqs[0] },
      plan.edges.map((e) => ({ fromBatchId: input.inputs[e.input].batchId, toBatchId: outputIds[e.output], quantity: e.quantity })),
      massBalanceLines(inputs, outputs, seqs),
    );
    return appended;
  }

  private async checkFacilityOwned(tx: Tx, org: OrganizationCaller, facilityId: string): Promise<void> {
    const owner = (await this.facilities.ownersInTx(tx, [facilityId])).get(facilityId);
    if (!owner) throw new DomainError('FACILITY_NOT_FOUND', `facilityId: no facility has id ${facilityId}`);
    if (owner !== org.organizationId) throw new DomainError('NOT_OWNER', `facilityId: facility ${facilityId} is not one of your facilities`);
  }

  private async checkLotCodesFree(tx: Tx, outputs: TransformBatchesInput['outputs']): Promise<void> {
    for (const [o, line] of outputs.entries()) {
      if (await this.batches.lotCodeTaken(tx, line.productId, line.lotCode)) {
        throw new DomainError('DUPLICATE_LOT_CODE', `outputs[${o}].lotCode: lot code ${line.lotCode} is already used for this product`);
      }
    }
  }

  /** The output batches, one per output line, each with a fresh trace code, held by the caller. */
  private async outputBatches(tx: Tx, t: TransformationFacts, lines: TransformBatchesInput['outputs'], outputIds: string[]): Promise<Batch[]> {
    const outputs: Batch[] = [];
    for (const [o, line] of lines.entries()) {
      outputs.push({
        id: outputIds[o],
        productId: line.productId,
        originFacilityId: t.facilityId,
        producerId: t.organizationId,
        custodianId: t.organizationId,
        lotCode: line.lotCode,
        traceCode: await this.batches.uniqueTraceCodeInTx(tx),
        quantity: line.quantity,
        unit: line.unit,
        status: 'ACTIVE',
        producedAt: t.eventTime,
      });
    }
    return outputs;
  }
}

function refuseFutureEventTime(eventTime: Date): void {
  if (eventTime.getTime() > Date.now() + CLOCK_SKEW_MS) {
    throw new DomainError(
      'MISSING_KEY_DATA',
      `eventTime ${eventTime.toISOString()} is in the future (more than ${CLOCK_SKEW_MS / 60000} minutes ahead of the server's clock)`,
    );
  }
}
