import { Injectable } from '@nestjs/common';
import { Caller, requireOrganization } from '../auth/caller.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { DomainError } from '../common/domain-error.js';
import { checkDetails } from '../common/json-details.js';
import { FacilitiesRepository } from '../facilities/facilities.repository.js';
import { draftEntry, EntryDraft, LedgerEntry, requestFingerprint } from '../ledger/ledger-entry.js';
import { AppendContext, LedgerWriter } from '../ledger/ledger-writer.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { RecordEventInput } from './dto/record-event.input.js';

export const MAX_EVENTS_PER_CALL = 1000;

@Injectable()
export class EventsService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly batches: BatchesRepository,
    private readonly facilities: FacilitiesRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  /**
   * Appends events on batches in the caller's custody, all or nothing: one bad event refuses the
   * whole call. An event whose idempotencyKey was used before returns the entry it made then.
   */
  async record(caller: Caller, inputs: RecordEventInput[]): Promise<LedgerEntry[]> {
    const org = requireOrganization(caller);
    if (inputs.length === 0 || inputs.length > MAX_EVENTS_PER_CALL) {
      throw new DomainError('INVALID_INPUT', `recordEvents takes 1 to ${MAX_EVENTS_PER_CALL} events, got ${inputs.length}`);
    }
    const keys = inputs.flatMap((e) => (e.idempotencyKey ? [e.idempotencyKey] : []));
    const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
    if (repeated) throw new DomainError('INVALID_INPUT', `idempotencyKey "${repeated}" appears more than once in one call`);

    const events = inputs.map((input, i) => {
      const where = inputs.length > 1 ? `events[${i}].` : '';
      const details = checkDetails(input.details, `${where}details`);
      const payload = {
        bizStep: input.bizStep,
        eventTime: input.eventTime.toISOString(),
        ...(input.facilityId ? { facilityId: input.facilityId } : {}),
        ...(input.destinationOrganizationId ? { destinationOrganizationId: input.destinationOrganizationId } : {}),
        ...(input.quantity != null ? { quantity: input.quantity } : {}),
        ...(details ? { details } : {}),
      };
      const requestHash = requestFingerprint('recordEvent', { batchId: input.batchId, ...payload });
      return { input, where, requestHash, draft: draftEntry('EVENT_RECORDED', input.batchId, payload, { idempotencyKey: input.idempotencyKey, requestHash }) };
    });

    return this.writer.execute({
      actor: org.organizationId,
      batchIds: [...new Set(inputs.map((e) => e.batchId))],
      idempotencyKeys: keys,
      run: async (ctx) => {
        const earlier = events.map((e) => (e.input.idempotencyKey ? ctx.prior(e.input.idempotencyKey, e.requestHash) : undefined));
        const fresh = events.filter((_, i) => !earlier[i]);
        await this.checkCustodyAndReferences(ctx, org.organizationId, fresh);
        const appended = await ctx.append(fresh.map((e) => e.draft));
        let next = 0;
        return earlier.map((entry) => entry ?? appended[next++]);
      },
    });
  }

  private async checkCustodyAndReferences(
    { tx }: AppendContext,
    organizationId: string,
    events: { input: RecordEventInput; where: string; draft: EntryDraft }[],
  ): Promise<void> {
    if (events.length === 0) return;
    // One query per kind of reference, however many events: this runs while the chain head is locked.
    const ids = (pick: (e: RecordEventInput) => string | null | undefined) => [...new Set(events.flatMap((e) => pick(e.input) ?? []))];
    const custodians = await this.batches.custodiansInTx(tx, ids((e) => e.batchId));
    const facilities = await this.facilities.existingInTx(tx, ids((e) => e.facilityId));
    const organizations = await this.organizations.existingInTx(tx, ids((e) => e.destinationOrganizationId));
    for (const { input, where } of events) {
      const custodian = custodians.get(input.batchId);
      if (!custodian) throw new DomainError('BATCH_NOT_FOUND', `${where}batchId: no batch has id ${input.batchId}`);
      if (custodian !== organizationId) {
        throw new DomainError('BATCH_NOT_IN_CUSTODY', `${where}batchId: batch ${input.batchId} is in another organization's custody; only its custodian records its events`);
      }
      if (input.facilityId && !facilities.has(input.facilityId)) {
        throw new DomainError('FACILITY_NOT_FOUND', `${where}facilityId: no facility has id ${input.facilityId}`);
      }
      if (input.destinationOrganizationId && !organizations.has(input.destinationOrganizationId)) {
        throw new DomainError('ORGANIZATION_NOT_FOUND', `${where}destinationOrganizationId: no organization has id ${input.destinationOrganizationId}`);
      }
    }
  }
}
