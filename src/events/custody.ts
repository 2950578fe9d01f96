import type { BatchStatus } from '../batches/batch-status.js';
import type { EventRecordedPayload } from '../ledger/entry-types.js';
import { DomainError } from '../common/domain-error.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import type { BizStep } from './biz-step.js';

/** The part of a batch the custody rules read and change. */
export interface CustodyState {
  id: string;
  custodianId: string;
  status: BatchStatus;
  quantity: number;
  unit: string;
  inTransitToId: string | null;
  inTransitQuantity: number | null;
  shippedById: string | null;
  /** Held after a failed inspection until a regulator releases it (ON_HOLD, or on arrival if in transit). */
  held: boolean;
  /** Reached by a recall (RECALLED, or on arrival if in transit). */
  recalled: boolean;
}

export interface Recorder {
  organizationId: string;
  kind: OrganizationKind;
}

/**
 * Applies one event to a batch under the custody rules: only the custodian records ordinary events;
 * SHIPPING puts the batch in transit to a named organization and only that organization records
 * RECEIVING, which moves custody to it; quantities never go below zero; a held, recalled or closed
 * batch cannot be shipped or sold. Returns the batch after the event and what the ledger entry adds
 * (the unit, and for RECEIVING the immediate previous source); throws a DomainError naming the rule.
 */
export function applyCustody(state: CustodyState, event: CustodyEvent, by: Recorder): CustodyChange {
  refuseForeignSteps(event.bizStep);
  refuseStranger(state, by);
  refuseClosed(state);
  // Labs and regulators inspect batches they do not hold; an inspection moves nothing.
  if (event.bizStep === 'INSPECTING' && (by.kind === 'LAB' || by.kind === 'REGULATOR')) return { next: state, recorded: {} };
  if (event.bizStep === 'RECEIVING') return receive(state, event, by);
  checkCustodianMayRecord(state, event, by);
  return applyCustodianStep(state, event, by);
}

export type CustodyEvent = { bizStep: BizStep; quantity?: number | null; destinationOrganizationId?: string | null };
export type CustodyChange = {
  next: CustodyState;
  recorded: Pick<EventRecordedPayload, 'unit' | 'quantityLeft' | 'immediatePreviousSource' | 'byUnitHolder'>;
};

/**
 * RETAIL_SELLING of serialized units by the organization that holds them because it received a package
 * they were in (src/packages), not the lot's custodian: the lot's custody and quantity are not its to
 * change, so nothing of the lot changes; a closed, recalled or held lot still sells nothing.
 */
export function sellHeldUnits(state: CustodyState): CustodyChange {
  refuseClosed(state);
  if (state.recalled || state.held)
    throw new DomainError(
      'BATCH_NOT_RELEASED',
      `batch ${state.id} is ${state.recalled ? 'recalled' : 'on hold'}: its units cannot be sold until it is released`,
    );
  return { next: state, recorded: { byUnitHolder: true } };
}

/** Steps recorded elsewhere (transformBatches, a recall). */
function refuseForeignSteps(step: BizStep): void {
  if (step === 'TRANSFORMING')
    throw new DomainError('INVALID_INPUT', 'TRANSFORMING is recorded with transformBatches, which consumes inputs and creates outputs in one step');
  if (step === 'RECALLING') throw new DomainError('INVALID_INPUT', 'RECALLING is recorded by a recall (initiateRecall), not as an event');
}

/** Organizations that may be told a batch's state when refused: they read every batch (src/batches/batch-access.ts). */
const SEES_EVERY_BATCH: readonly OrganizationKind[] = ['REGULATOR', 'LAB'];

/**
 * An organization that neither holds the batch nor is receiving it, nor reads every batch, learns only
 * that: not the batch's status, where it is going or how much is left, which the read rules withhold
 * from it (a stranger's RECEIVING used to be told "not in transit (it is ACTIVE)" or whom it was shipped to).
 */
function refuseStranger(state: CustodyState, by: Recorder): void {
  if (by.organizationId === state.custodianId || by.organizationId === state.inTransitToId || SEES_EVERY_BATCH.includes(by.kind)) return;
  throw new DomainError(
    'BATCH_NOT_IN_CUSTODY',
    `batch ${state.id} is not in your custody and was not shipped to you; ` +
      'only its custodian records its events, and only the organization it is shipped to its RECEIVING',
  );
}

/** Nothing happens to a closed batch. */
function refuseClosed(state: CustodyState): void {
  if (state.status === 'CONSUMED' || state.status === 'DESTROYED') {
    throw new DomainError('BATCH_CLOSED', `batch ${state.id} is ${state.status}: nothing more can happen to it`);
  }
}

/** RECEIVING by the organization it was shipped to moves custody there, held or recalled as it left. */
function receive(state: CustodyState, event: CustodyEvent, by: Recorder): CustodyChange {
  const id = state.id;
  if (state.status !== 'IN_TRANSIT')
    throw new DomainError('NOT_IN_TRANSIT', `batch ${id} is not in transit (it is ${state.status}); RECEIVING follows a SHIPPING`);
  if (by.organizationId !== state.inTransitToId) {
    throw new DomainError('NOT_SHIPPED_TO_YOU', `batch ${id} was shipped to organization ${state.inTransitToId}; only that organization records its RECEIVING`);
  }
  const received = event.quantity!;
  if (received > state.inTransitQuantity!) {
    throw new DomainError('INSUFFICIENT_QUANTITY', `RECEIVING ${received} ${state.unit} is more than the ${state.inTransitQuantity} ${state.unit} shipped`);
  }
  return {
    next: {
      ...state,
      custodianId: by.organizationId,
      status: state.recalled ? 'RECALLED' : state.held ? 'ON_HOLD' : 'ACTIVE',
      quantity: received,
      inTransitToId: null,
      inTransitQuantity: null,
      shippedById: null,
    },
    recorded: { unit: state.unit, immediatePreviousSource: state.shippedById },
  };
}

/** Any other step: only the custodian, not while in transit; nothing held or recalled leaves; no more leaves than is left. */
function checkCustodianMayRecord(state: CustodyState, event: CustodyEvent, by: Recorder): void {
  const { id } = state;
  const step = event.bizStep;
  if (by.organizationId !== state.custodianId) {
    throw new DomainError('BATCH_NOT_IN_CUSTODY', `batch ${id} is in another organization's custody; only its custodian records its events`);
  }
  if (state.status === 'IN_TRANSIT') {
    throw new DomainError(
      'BATCH_IN_TRANSIT',
      `batch ${id} is in transit to organization ${state.inTransitToId}; it must be received before anything else is recorded`,
    );
  }
  const movesOut = step === 'SHIPPING' || step === 'RETAIL_SELLING';
  if (movesOut && (state.status === 'ON_HOLD' || state.status === 'RECALLED')) {
    throw new DomainError('BATCH_NOT_RELEASED', `batch ${id} is ${state.status}: it cannot be shipped or sold until it is released`);
  }
  const quantity = event.quantity ?? 0;
  if ((movesOut || step === 'DESTROYING') && quantity > state.quantity) {
    throw new DomainError('INSUFFICIENT_QUANTITY', `${step} ${quantity} ${state.unit} is more than the ${state.quantity} ${state.unit} left in batch ${id}`);
  }
}

/** What the custodian's step does: SHIPPING puts the batch in transit, selling and destroying take from it, the rest only record. */
function applyCustodianStep(state: CustodyState, event: CustodyEvent, by: Recorder): CustodyChange {
  const step = event.bizStep;
  const quantity = event.quantity ?? 0;
  switch (step) {
    case 'SHIPPING':
      if (event.destinationOrganizationId === by.organizationId)
        throw new DomainError('INVALID_INPUT', 'destinationOrganizationId is your own organization: a batch is shipped to another one');
      return {
        next: { ...state, status: 'IN_TRANSIT', inTransitToId: event.destinationOrganizationId!, inTransitQuantity: quantity, shippedById: by.organizationId },
        recorded: { unit: state.unit },
      };
    case 'RETAIL_SELLING':
    case 'DESTROYING': {
      const left = state.quantity - quantity;
      const closed: BatchStatus = step === 'RETAIL_SELLING' ? 'CONSUMED' : 'DESTROYED';
      return { next: { ...state, quantity: left, status: left === 0 ? closed : state.status }, recorded: { unit: state.unit, quantityLeft: left } };
    }
    default:
      return { next: state, recorded: event.quantity != null ? { unit: state.unit } : {} };
  }
}

/*
 * The state changes other writers make to a batch besides events: the writer and the projection audit
 * (src/audit) both apply these, so the audit replays exactly what was written.
 */

/** A held batch's status: ON_HOLD when it was ACTIVE; in transit or recalled it keeps its status (held on arrival). */
export function hold(state: CustodyState): CustodyState {
  return { ...state, held: true, status: state.status === 'ACTIVE' ? 'ON_HOLD' : state.status };
}

/** A regulator lifts a hold: an ON_HOLD batch is ACTIVE again; in transit or recalled it keeps its status. */
export function release(state: CustodyState): CustodyState {
  return { ...state, held: false, status: state.status === 'ON_HOLD' ? 'ACTIVE' : state.status };
}

/** Reached by a recall: RECALLED, or recalled on arrival while in transit. */
export function recall(state: CustodyState): CustodyState {
  return { ...state, recalled: true, status: state.status === 'IN_TRANSIT' ? 'IN_TRANSIT' : 'RECALLED' };
}

/** A transformation takes `quantity` from an input: CONSUMED once nothing is left. */
export function consume(state: CustodyState, quantity: number): CustodyState {
  const left = state.quantity - quantity;
  return { ...state, quantity: left, status: left === 0 ? 'CONSUMED' : state.status };
}
