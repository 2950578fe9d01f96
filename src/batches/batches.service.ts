import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, OrganizationCaller, requireMaker, requireOrganization } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { checkDetails } from '../common/json-details.js';
import { CLOCK_SKEW_MS } from '../events/key-data-elements.js';
import { FacilitiesRepository } from '../facilities/facilities.repository.js';
import { newEntry } from '../ledger/entry-types.js';
import { requestFingerprint } from '../ledger/ledger-entry.js';
import { AppendContext, LedgerWriter } from '../ledger/ledger-writer.js';
import { ProductsRepository } from '../products/products.repository.js';
import { mayReadBatch } from './batch-access.js';
import type { Batch, StoredBatch } from './batch-row.js';
import { BatchesRepository } from './batches.repository.js';
import { RegisterBatchInput } from './dto/register-batch.input.js';
import { lotCodeProblem } from './lot-code.js';

@Injectable()
export class BatchesService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly batches: BatchesRepository,
    private readonly products: ProductsRepository,
    private readonly facilities: FacilitiesRepository,
  ) {}

  async register(caller: Caller, input: RegisterBatchInput): Promise<Batch> {
    const org = requireOrganization(caller);
    const batchId = randomUUID();
    const id = await this.writer.execute({
      actor: org.organizationId,
      batchIds: [batchId],
      idempotencyKeys: input.idempotencyKey ? [input.idempotencyKey] : [],
      run: (ctx) => this.registerInContext(ctx, org, input, batchId),
    });
    return (await this.batches.findById(id))!;
  }

  /**
   * Inside a ledger command: checks the product, facility and lot code, appends BATCH_REGISTERED and
   * inserts the batch. Returns the batch's id (an earlier one's, when the idempotency key was used).
   */
  async registerInContext(ctx: AppendContext, org: OrganizationCaller, input: RegisterBatchInput, batchId = randomUUID()): Promise<string> {
    requireMaker(org, 'registerBatch');
    const { tx, append, prior } = ctx;
    const details = checkDetails(input.details);
    // As for events: a clock may run a little ahead, a batch is not produced in the future.
    if (input.producedAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw new DomainError(
        'INVALID_INPUT',
        `producedAt ${input.producedAt.toISOString()} is in the future (more than ${CLOCK_SKEW_MS / 60000} minutes ahead of the server's clock)`,
      );
    }
    const requestHash = requestFingerprint('registerBatch', { ...input, producedAt: input.producedAt.toISOString() });
    const key = input.idempotencyKey ?? null;
    const earlier = key ? prior(key, requestHash) : undefined;
    if (earlier) return earlier.batchId!;

    const product = await this.products.findOwnerAndGtinInTx(tx, input.productId);
    if (!product) throw new DomainError('PRODUCT_NOT_FOUND', `no product has id ${input.productId}`);
    if (product.organizationId !== org.organizationId) throw new DomainError('NOT_OWNER', `product ${input.productId} belongs to another organization`);
    const lotProblem = lotCodeProblem(input.lotCode, product.gtin !== null);
    if (lotProblem) throw new DomainError('INVALID_LOT_CODE', `lotCode: ${lotProblem}`);
    const facilityOwner = await this.facilities.findOwnerInTx(tx, input.facilityId);
    if (!facilityOwner) throw new DomainError('FACILITY_NOT_FOUND', `no facility has id ${input.facilityId}`);
    if (facilityOwner !== org.organizationId) throw new DomainError('NOT_OWNER', `facility ${input.facilityId} belongs to another organization`);
    if (await this.batches.lotCodeTaken(tx, input.productId, input.lotCode)) {
      throw new DomainError('DUPLICATE_LOT_CODE', `lot code ${input.lotCode} is already used for this product`);
    }
    const traceCode = await this.batches.uniqueTraceCodeInTx(tx);

    const batch: Batch = {
      id: batchId,
      productId: input.productId,
      originFacilityId: input.facilityId,
      producerId: org.organizationId,
      custodianId: org.organizationId,
      lotCode: input.lotCode,
      traceCode,
      quantity: input.quantity,
      unit: input.unit,
      status: 'ACTIVE',
      producedAt: input.producedAt,
    };
    const payload = {
      batchId,
      productId: batch.productId,
      facilityId: batch.originFacilityId,
      lotCode: batch.lotCode,
      traceCode,
      quantity: batch.quantity,
      unit: batch.unit,
      producedAt: batch.producedAt.toISOString(),
      ...(details ? { details } : {}),
    };
    const [entry] = await append([newEntry('BATCH_REGISTERED', batchId, payload, { idempotencyKey: key, requestHash })]);
    await this.batches.insert(tx, { ...batch, createdSeq: entry.seq });
    return batchId;
  }

  /** Regulators, labs and the admin read any batch; an organization the batches it produced or holds, or that are in transit to it. */
  async get(caller: Caller, id: string): Promise<StoredBatch | null> {
    if (caller.kind === 'anonymous') throw new DomainError('AUTHENTICATION_REQUIRED', 'batch needs an API key; consumers use scan(code)');
    const batch = await this.batches.findById(id);
    if (!batch || mayReadBatch(caller, batch)) return batch;
    throw new DomainError('NOT_OWNER', `batch ${id} is neither produced nor held by your organization, nor in transit to it`);
  }
}
