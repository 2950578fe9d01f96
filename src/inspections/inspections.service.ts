import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, requireAdminOr, requireOrganization } from '../auth/caller.js';
import type { Batch } from '../batches/batch-row.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { DomainError } from '../common/domain-error.js';
import { CustodyState, hold, release } from '../events/custody.js';
import { newEntry } from '../ledger/entry-types.js';
import { EntryDraft, LedgerEntry } from '../ledger/ledger-entry.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { RecordInspectionInput, ReleaseBatchInput } from './dto/inspection.inputs.js';
import { type InspectionQuery, InspectionsRepository } from './inspections.repository.js';
import type { InspectionModel } from './inspection.model.js';
import { type Connection, decodeCursor, pageSize, toConnection } from '../lists/page.js';
import type { PageArgs } from '../lists/lists.service.js';

const INSPECTORS = ['LAB', 'REGULATOR'];

@Injectable()
export class InspectionsService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly inspections: InspectionsRepository,
    private readonly batches: BatchesRepository,
  ) {}

  /**
   * A sampling inspection by a lab or regulator. A FAIL holds the batch and every batch made from
   * it (a BATCH_HELD entry on each), so none can be shipped or sold until a regulator releases it.
   */
  async record(caller: Caller, input: RecordInspectionInput): Promise<LedgerEntry> {
    const org = requireOrganization(caller);
    if (!INSPECTORS.includes(org.organizationKind)) throw new DomainError('ROLE_NOT_ALLOWED', 'inspections are recorded by a LAB or REGULATOR organization');
    const failed = input.items.findIndex((item) => !item.passed);
    if (input.verdict === 'PASS' && failed >= 0)
      throw new DomainError('INVALID_INPUT', `items[${failed}] (${input.items[failed].name}) did not pass, so the verdict cannot be PASS`);
    if (input.verdict === 'FAIL' && failed < 0)
      throw new DomainError('INVALID_INPUT', 'the verdict is FAIL but every item passed: mark the item(s) that failed');
    const inspectionId = randomUUID();
    const items = input.items.map((i) => ({
      name: i.name,
      passed: i.passed,
      ...(i.value != null ? { value: i.value } : {}),
      ...(i.limit != null ? { limit: i.limit } : {}),
      ...(i.unit ? { unit: i.unit } : {}),
    }));

    return this.writer.execute({
      actor: org.organizationId,
      batchIds: [input.batchId],
      run: async ({ tx, append }) => {
        const downstream = input.verdict === 'FAIL' ? await this.inspections.downstreamIdsInTx(tx, input.batchId) : [];
        const states = await this.batches.custodyInTx(tx, [input.batchId, ...downstream]);
        const inspected = states.get(input.batchId);
        if (!inspected) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${input.batchId}`);
        const drafts: EntryDraft[] = [
          newEntry('INSPECTION_RECORDED', input.batchId, {
            inspectionId,
            verdict: input.verdict,
            ...(input.agency ? { agency: input.agency } : {}),
            ...(input.standard ? { standard: input.standard } : {}),
            items,
          }),
        ];
        const held: CustodyState[] = [];
        if (input.verdict === 'FAIL') {
          if (!inspected.held) held.push(hold(inspected));
          for (const id of downstream) {
            const state = states.get(id)!;
            if (state.held || state.status === 'CONSUMED' || state.status === 'DESTROYED') continue;
            held.push(hold(state));
            drafts.push(newEntry('BATCH_HELD', id, { inspectionId, inspectedBatchId: input.batchId, reason: 'made from a batch that failed inspection' }));
          }
        }
        const [entry] = await append(drafts);
        await this.inspections.insertInTx(tx, {
          id: inspectionId,
          batchId: input.batchId,
          organizationId: org.organizationId,
          agency: input.agency ?? null,
          standard: input.standard ?? null,
          verdict: input.verdict,
          items,
          createdSeq: entry.seq,
        });
        for (const state of held) await this.batches.saveCustodyInTx(tx, state);
        return entry;
      },
    });
  }

  /**
   * Inspections newest first, a page at a time: regulators and the admin see every one; a lab the ones it
   * recorded (its own findings, not other labs'); every other organization is refused.
   */
  async list(caller: Caller, filter: Omit<InspectionQuery, 'organizationId'>, args: PageArgs): Promise<Connection<InspectionModel>> {
    requireAdminOr(caller, ['REGULATOR', 'LAB'], 'inspections');
    const query: InspectionQuery = { verdict: filter.verdict, batchId: filter.batchId };
    if (caller.kind === 'organization' && caller.organizationKind === 'LAB') query.organizationId = caller.organizationId;
    // An id that names nothing is a mistake to point out, not a search that found nothing.
    if (query.batchId && !(await this.batches.findById(query.batchId))) throw new DomainError('BATCH_NOT_FOUND', `filter.batchId: no batch ${query.batchId}`);
    const size = pageSize(args.first);
    // The whole query is the cursor's scope: a lab's cursor is refused in another's list, or under another filter.
    const after = args.after === undefined || args.after === null ? null : decodeCursor('inspection', { ...query }, args.after);
    const rows = await this.inspections.page(query, after, size + 1);
    const connection = toConnection('inspection', { ...query }, rows, size, (row) => row.pageKey);
    return { ...connection, edges: connection.edges.map(({ cursor, node: { pageKey: _key, ...node } }) => ({ cursor, node })) };
  }

  /** A regulator lifts a hold, with the reason recorded in the ledger. */
  async release(caller: Caller, input: ReleaseBatchInput): Promise<Batch> {
    const org = requireOrganization(caller);
    if (org.organizationKind !== 'REGULATOR') throw new DomainError('ROLE_NOT_ALLOWED', 'only a REGULATOR releases a held batch');
    await this.writer.execute({
      actor: org.organizationId,
      batchIds: [input.batchId],
      run: async ({ tx, append }) => {
        const state = (await this.batches.custodyInTx(tx, [input.batchId])).get(input.batchId);
        if (!state) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${input.batchId}`);
        if (!state.held) throw new DomainError('NOT_HELD', `batch ${input.batchId} is not held`);
        await append([newEntry('BATCH_RELEASED', input.batchId, { reason: input.reason })]);
        await this.batches.saveCustodyInTx(tx, release(state));
      },
    });
    return (await this.batches.findById(input.batchId))!;
  }
}
