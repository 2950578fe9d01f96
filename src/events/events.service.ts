import { Injectable } from '@nestjs/common';
import { Caller, OrganizationCaller, requireOrganization } from '../auth/caller.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { DomainError } from '../common/domain-error.js';
import { checkDetails } from '../common/json-details.js';
import { EventRecordedPayload, newEntry } from '../ledger/entry-types.js';
import { EntryDraft, LedgerEntry, randomSalts, requestFingerprint } from '../ledger/ledger-entry.js';
import { AppendContext, CommandFailed, LedgerCommand, LedgerWriter, RunTogether } from '../ledger/ledger-writer.js';
import { applyCustody, CustodyState, sellHeldUnits } from './custody.js';
import { RecordEventInput } from './dto/record-event.input.js';
import { EventReferences, EventReferencesRepository } from './event-references.repository.js';
import { keyDataElementProblem } from './key-data-elements.js';
import { givenSerialsProblem } from '../units/unit-serials.js';
import {
  checkNamedUnits,
  checkSellerHoldsUnits,
  isHolderSale,
  MAX_SERIALS_PER_EVENT,
  type NamedUnit,
  type UnitEventRow,
  unitEventRows,
} from './event-units.js';
import { EventUnitsRepository } from './event-units.repository.js';

export const MAX_EVENTS_PER_CALL = 1000;

interface PreparedEvent {
  input: RecordEventInput;
  /** "events[3]." in a call of several, so a message names the event. */
  where: string;
  payload: EventRecordedPayload;
  requestHash: string;
  /** The entry as drafted before the lock; used as it is when custody adds nothing to the payload. */
  draft: EntryDraft;
}

@Injectable()
export class EventsService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly batches: BatchesRepository,
    private readonly references: EventReferencesRepository,
    private readonly units: EventUnitsRepository,
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

    const command: RecordCommand = {
      actor: org.organizationId,
      batchIds: [...new Set(inputs.map((e) => e.batchId))],
      idempotencyKeys: keys,
      org,
      events: prepare(inputs),
      run: (ctx) => alone(this.applyCalls([{ ctx, org, events: command.events, withPriors: true }])),
      runTogether: this.runTogether,
    };
    return this.writer.execute(command);
  }

  /** Inside another ledger command (an EPCIS capture): records events as `record` does, without idempotency keys. */
  recordInContext(ctx: AppendContext, org: OrganizationCaller, inputs: RecordEventInput[]): Promise<LedgerEntry[]> {
    return alone(this.applyCalls([{ ctx, org, events: prepare(inputs), withPriors: false }]));
  }

  /** recordEvent(s) calls next to each other in a writer's group: one read of what they refer to for all of them. */
  private readonly runTogether: RunTogether = (runs) =>
    this.applyCalls(
      runs.map(({ command, ctx }) => ({ ctx, org: (command as RecordCommand).org, events: (command as RecordCommand).events, withPriors: true })),
    );

  /**
   * Under the chain-head lock: checks references and custody, appends, and saves the batches' new
   * state, for calls one after another as if each ran alone: a call sees the batches as the calls
   * before it left them. A refused call throws CommandFailed naming it.
   */
  private async applyCalls(calls: Call[]): Promise<LedgerEntry[][]> {
    const all = calls.flatMap((c) => c.events);
    if (all.length === 0) return calls.map(() => []);
    const { tx } = calls[0].ctx;
    // One query for every reference of every call, however many events.
    const ids = (pick: (e: RecordEventInput) => string | null | undefined) => [...new Set(all.flatMap((e) => pick(e.input) ?? []))];
    const references = await this.references.loadInTx(tx, {
      batchIds: ids((e) => e.batchId),
      facilityIds: ids((e) => e.facilityId),
      organizationIds: ids((e) => e.destinationOrganizationId),
    });
    // The serialized units the events name, in the same way: one read for the group.
    const units = await this.units.loadInTx(
      tx,
      all.flatMap((e) => (e.input.serials ?? []).map((serial) => ({ batchId: e.input.batchId, serial }))),
    );
    const changed = new Map<string, CustodyState>();
    const sold = new Set<string>();
    const unitRows: UnitEventRow[] = [];
    const results: LedgerEntry[][] = [];
    for (const [index, { ctx, org, events, withPriors }] of calls.entries()) {
      try {
        // Looked up call by call: an earlier call of the group may have used the key.
        const earlier = events.map((e) => (withPriors && e.input.idempotencyKey ? ctx.prior(e.input.idempotencyKey, e.requestHash) : undefined));
        const fresh = events.filter((_, i) => !earlier[i]);
        const checked = checkEvents(fresh, references, changed, org, units, sold);
        const appended = fresh.length > 0 ? await ctx.append(checked.drafts) : [];
        for (const [id, state] of checked.changed) changed.set(id, state);
        for (const key of checked.sold) sold.add(key);
        fresh.forEach(({ input }, i) => {
          if (input.serials?.length) unitRows.push(...unitEventRows({ ...input, serials: input.serials }, appended[i].seq, units));
        });
        let next = 0;
        results.push(earlier.map((entry) => entry ?? appended[next++]));
      } catch (err) {
        throw new CommandFailed(index, err);
      }
    }
    for (const state of changed.values()) await this.batches.saveCustodyInTx(tx, state);
    await this.units.insertInTx(tx, unitRows);
    return results;
  }
}

interface Call {
  ctx: AppendContext;
  org: OrganizationCaller;
  events: PreparedEvent[];
  /** An event whose idempotency key an earlier request used returns that request's entry. */
  withPriors: boolean;
}

interface RecordCommand extends LedgerCommand<LedgerEntry[]> {
  org: OrganizationCaller;
  events: PreparedEvent[];
}

/** One call run on its own: its entries, or the error it was refused with. */
async function alone(run: Promise<LedgerEntry[][]>): Promise<LedgerEntry[]> {
  try {
    return (await run)[0];
  } catch (err) {
    throw err instanceof CommandFailed ? err.error : err;
  }
}

/**
 * A call's events against the references read for its group and the batches as earlier calls left
 * them (`before`, which is not changed): the entries to append and the batches they change.
 */
function checkEvents(
  events: PreparedEvent[],
  references: EventReferences,
  before: Map<string, CustodyState>,
  org: OrganizationCaller,
  units: ReadonlyMap<string, NamedUnit>,
  soldBefore: ReadonlySet<string>,
): { drafts: EntryDraft[]; changed: Map<string, CustodyState>; sold: Set<string> } {
  const { batches, facilityOwners, organizations } = references;
  const changed = new Map<string, CustodyState>();
  const sold = new Set(soldBefore);
  const drafts = events.map(({ input, where, payload, requestHash, draft }) => {
    const state = changed.get(input.batchId) ?? before.get(input.batchId) ?? batches.get(input.batchId);
    if (!state) throw new DomainError('BATCH_NOT_FOUND', `${where}batchId: no batch has id ${input.batchId}`);
    let outcome;
    try {
      outcome = isHolderSale(input, units, org.organizationId, state.custodianId)
        ? sellHeldUnits(state)
        : applyCustody(state, input, { organizationId: org.organizationId, kind: org.organizationKind });
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
    // After the lot's own rules (custody, a recall or hold refuses a sale before any unit is looked at).
    if (input.serials?.length) {
      checkNamedUnits({ ...input, serials: input.serials }, units, sold, where);
      checkSellerHoldsUnits({ ...input, serials: input.serials }, units, org.organizationId, where);
    }
    if (outcome.next !== state) changed.set(input.batchId, outcome.next);
    if (Object.keys(outcome.recorded).length === 0) return draft;
    return newEntry(
      'EVENT_RECORDED',
      input.batchId,
      { ...payload, ...outcome.recorded },
      { idempotencyKey: input.idempotencyKey, requestHash, salt: draft.salt },
    );
  });
  return { drafts, changed, sold };
}

/**
 * Checks each event's key data elements and details, and fixes its payload, request fingerprint and
 * draft entry: nothing here reads state, so it runs before the chain-head lock, not while others wait.
 */
function prepare(inputs: RecordEventInput[]): PreparedEvent[] {
  const now = new Date();
  const salts = randomSalts(inputs.length);
  return inputs.map((given, i): PreparedEvent => {
    const where = inputs.length > 1 ? `events[${i}].` : '';
    const input = withUnits(given, where);
    const details = checkDetails(input.details, `${where}details`);
    const problem = keyDataElementProblem({ ...input, details }, now);
    if (problem) throw new DomainError('MISSING_KEY_DATA', `${where}${problem}`);
    const payload: EventRecordedPayload = {
      bizStep: input.bizStep,
      eventTime: input.eventTime.toISOString(),
      facilityId: input.facilityId!,
      ...(input.destinationOrganizationId ? { destinationOrganizationId: input.destinationOrganizationId } : {}),
      ...(input.quantity != null ? { quantity: input.quantity } : {}),
      ...(details ? { details } : {}),
      ...(input.serials?.length ? { serials: input.serials } : {}),
    };
    const requestHash = requestFingerprint('recordEvent', { batchId: input.batchId, ...payload });
    const draft = newEntry('EVENT_RECORDED', input.batchId, payload, { idempotencyKey: input.idempotencyKey, requestHash, salt: salts[i] });
    return { input, where, payload, requestHash, draft };
  });
}

/**
 * An event that names serialized units: its serials checked (AI 21, no repeats, at most
 * MAX_SERIALS_PER_EVENT), and its quantity, when not given, the number of units it names (a quantity
 * given is kept: a lot counted in kg may sell units of 0.5 kg). An empty list is refused (it names nothing).
 */
function withUnits(input: RecordEventInput, where: string): RecordEventInput {
  const serials = input.serials;
  if (!serials) return input;
  if (serials.length === 0) throw new DomainError('INVALID_INPUT', `${where}serials: name at least one unit, or leave serials out`);
  if (serials.length > MAX_SERIALS_PER_EVENT)
    throw new DomainError('INVALID_INPUT', `${where}serials: at most ${MAX_SERIALS_PER_EVENT.toLocaleString('en')} units per event, got ${serials.length}`);
  const problem = givenSerialsProblem(serials, `${where}serials`);
  if (problem) throw new DomainError('INVALID_SERIAL', problem);
  return input.quantity == null ? Object.assign(new RecordEventInput(), input, { quantity: serials.length }) : input;
}
