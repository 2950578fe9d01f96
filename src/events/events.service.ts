import { Injectable } from '@nestjs/common';
import { Caller, OrganizationCaller, requireOrganization } from '../auth/caller.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { DomainError } from '../common/domain-error.js';
import { checkDetails } from '../common/json-details.js';
import { FacilitiesRepository } from '../facilities/facilities.repository.js';
import { draftEntry, LedgerEntry, requestFingerprint } from '../ledger/ledger-entry.js';
import { AppendContext, LedgerWriter } from '../ledger/ledger-writer.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { applyCustody, CustodyState } from './custody.js';
import { RecordEventInput } from './dto/record-event.input.js';
import { keyDataElementProblem } from './key-data-elements.js';

export const MAX_EVENTS_PER_CALL = 1000;

interface PreparedEvent {
  input: RecordEventInput;
  /** "events[3]." in a call of several, so a message names the event. */
  where: string;
  payload: Record<string, unknown>;
  requestHash: string;
}

@Injectable()
export class EventsService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly batches: BatchesRepository,
    private readonly facilities: FacilitiesRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  /**
   * Records events under the rules of each business step (key data elements, custody, quantities),
   * all or nothing: one refused event refuses the whole call. Events of one call apply in order,
   * so a call may ship a batch and record more on another. An event whose idempotencyKey was used
   * before returns the entry it made then.
   */
  async record(caller: Caller, inputs: RecordEventInput[]): Promise<LedgerEntry[]> {
    const org = requireOrganization(caller);
    if (inputs.length === 0 || inputs.length > MAX_EVENTS_PER_CALL) {
      throw new DomainError('INVALID_INPUT', `recordEvents takes 1 to ${MAX_EVENTS_PER_CALL} events, got ${inputs.length}`);
    }
    const keys = inputs.flatMap((e) => (e.idempotencyKey ? [e.idempotencyKey] : []));
    const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
    if (repeated) throw new DomainError('INVALID_INPUT', `idempotencyKey "${repeated}" appears more than once in one call`);

    const events = prepare(inputs);

    return this.writer.execute({
      actor: org.organizationId,
      batchIds: [...new Set(inputs.map((e) => e.batchId))],
      idempotencyKeys: keys,
      run: async (ctx) => {
        const earlier = events.map((e) => (e.input.idempotencyKey ? ctx.prior(e.input.idempotencyKey, e.requestHash) : undefined));
        const fresh = events.filter((_, i) => !earlier[i]);
        const appended = await this.apply(ctx, org, fresh);
        let next = 0;
        return earlier.map((entry) => entry ?? appended[next++]);
      },
    });
  }

  /** Inside another ledger command (an EPCIS capture): records events as `record` does, without idempotency keys. */
  recordInContext(ctx: AppendContext, org: OrganizationCaller, inputs: RecordEventInput[]): Promise<LedgerEntry[]> {
    return this.apply(ctx, org, prepare(inputs));
  }

  /** Under the chain-head lock: checks references and custody, appends, and saves the batches' new state. */
  private async apply(ctx: AppendContext, org: OrganizationCaller, events: PreparedEvent[]): Promise<LedgerEntry[]> {
    if (events.length === 0) return [];
    const { tx } = ctx;
    // One query per kind of reference, however many events.
    const ids = (pick: (e: RecordEventInput) => string | null | undefined) => [...new Set(events.flatMap((e) => pick(e.input) ?? []))];
    const batches = await this.batches.custodyInTx(tx, ids((e) => e.batchId));
    const facilityOwners = await this.facilities.ownersInTx(tx, ids((e) => e.facilityId));
    const organizations = await this.organizations.existingInTx(tx, ids((e) => e.destinationOrganizationId));

    const changed = new Map<string, CustodyState>();
    const drafts = events.map(({ input, where, payload, requestHash }) => {
      const state = changed.get(input.batchId) ?? batches.get(input.batchId);
      if (!state) throw new DomainError('BATCH_NOT_FOUND', `${where}batchId: no batch has id ${input.batchId}`);
      let outcome;
      try {
        outcome = applyCustody(state, input, { organizationId: org.organizationId, kind: org.organizationKind });
      } catch (err) {
        if (err instanceof DomainError && where) throw new DomainError(err.code, `${where}batchId: ${err.message}`);
        throw err;
      }
      const owner = facilityOwners.get(input.facilityId!);
      if (!owner) throw new DomainError('FACILITY_NOT_FOUND', `${where}facilityId: no facility has id ${input.facilityId}`);
      if (owner !== org.organizationId) throw new DomainError('NOT_OWNER', `${where}facilityId: facility ${input.facilityId} is not one of your facilities`);
      if (input.destinationOrganizationId && !organizations.has(input.destinationOrganizationId)) {
        throw new DomainError('ORGANIZATION_NOT_FOUND', `${where}destinationOrganizationId: no organization has id ${input.destinationOrganizationId}`);
      }
      if (outcome.next !== state) changed.set(input.batchId, outcome.next);
      return draftEntry('EVENT_RECORDED', input.batchId, { ...payload, ...outcome.recorded }, { idempotencyKey: input.idempotencyKey, requestHash });
    });
    const entries = await ctx.append(drafts);
    for (const state of changed.values()) await this.batches.saveCustodyInTx(tx, state);
    return entries;
  }
}

/** Checks each event's key data elements and details, and fixes its payload and request fingerprint: nothing here reads state. */
function prepare(inputs: RecordEventInput[]): PreparedEvent[] {
  const now = new Date();
  return inputs.map((input, i): PreparedEvent => {
    const where = inputs.length > 1 ? `events[${i}].` : '';
    const details = checkDetails(input.details, `${where}details`);
    const problem = keyDataElementProblem({ ...input, details }, now);
    if (problem) throw new DomainError('MISSING_KEY_DATA', `${where}${problem}`);
    const payload = {
      bizStep: input.bizStep,
      eventTime: input.eventTime.toISOString(),
      facilityId: input.facilityId!,
      ...(input.destinationOrganizationId ? { destinationOrganizationId: input.destinationOrganizationId } : {}),
      ...(input.quantity != null ? { quantity: input.quantity } : {}),
      ...(details ? { details } : {}),
    };
    return { input, where, payload, requestHash: requestFingerprint('recordEvent', { batchId: input.batchId, ...payload }) };
  });
}
