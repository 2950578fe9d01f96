import type { BizStep } from './biz-step.js';

/** What an event says, before any state is looked at. */
export interface EventFacts {
  bizStep: BizStep;
  eventTime: Date;
  facilityId?: string | null;
  destinationOrganizationId?: string | null;
  quantity?: number | null;
  details?: Record<string, unknown> | null;
}

/** How far in the future an event time may be, for clocks that run a little ahead. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The key data elements each business step must carry (FSMA 204 KDEs for its Critical Tracking
 * Events; 食品安全法 Art. 50/53 inbound and outbound records), named in `details` in camelCase.
 */
export const REQUIRED_DETAILS: Partial<Record<BizStep, readonly string[]>> = {
  HARVESTING: ['fieldName', 'harvestDate'],
  COOLING: ['coolingDate'],
  PACKING: ['lotCode'],
  SHIPPING: ['shipToLocation', 'referenceDocumentType', 'referenceDocumentNumber'],
};

/** Steps that move goods: they need a quantity (in the batch's unit). */
export const MOVES_GOODS: readonly BizStep[] = ['SHIPPING', 'RECEIVING', 'RETAIL_SELLING', 'DESTROYING'];

const DATE_DETAILS = new Set(['harvestDate', 'coolingDate']);

/** The longest text a key data element may be. */
export const MAX_DETAIL_LENGTH = 200;

/** Steps recordEvent refuses, and the operation that records them instead. */
export const RECORDED_ELSEWHERE: Partial<Record<BizStep, string>> = {
  TRANSFORMING: 'transformBatches',
  RECALLING: 'initiateRecall',
};

/** What one step's event must carry: the rules keyDataElementProblem applies, as data a form can be built from. */
export interface StepRule {
  bizStep: BizStep;
  /** Set when recordEvent refuses the step: the operation that records it. */
  recordedWith: string | null;
  requiresFacility: boolean;
  requiresQuantity: boolean;
  requiresDestination: boolean;
  details: { name: string; kind: 'TEXT' | 'DATE'; maxLength: number }[];
}

/** Every step's rule, read from the same tables keyDataElementProblem checks with (the console builds its event form from these). */
export function keyDataElementRules(steps: readonly BizStep[]): StepRule[] {
  return steps.map((bizStep) => ({
    bizStep,
    recordedWith: RECORDED_ELSEWHERE[bizStep] ?? null,
    requiresFacility: true,
    requiresQuantity: MOVES_GOODS.includes(bizStep),
    requiresDestination: bizStep === 'SHIPPING',
    details: (REQUIRED_DETAILS[bizStep] ?? []).map((name) => ({ name, kind: DATE_DETAILS.has(name) ? 'DATE' : 'TEXT', maxLength: MAX_DETAIL_LENGTH })),
  }));
}

/**
 * The first key data element that is missing or malformed, as a message naming the field and what
 * is expected; null when the event carries what its step needs.
 */
export function keyDataElementProblem(event: EventFacts, now: Date): string | null {
  if (event.eventTime.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    return `eventTime ${event.eventTime.toISOString()} is in the future (more than ${CLOCK_SKEW_MS / 60000} minutes ahead of the server's clock)`;
  }
  if (!event.facilityId) return `facilityId is required: where the ${event.bizStep} happened (one of your facilities)`;
  if (MOVES_GOODS.includes(event.bizStep) && (event.quantity == null || event.quantity <= 0)) {
    return `quantity is required for ${event.bizStep} and must be more than 0 (in the batch's unit)`;
  }
  if (event.bizStep === 'SHIPPING' && !event.destinationOrganizationId) {
    return 'destinationOrganizationId is required for SHIPPING: the organization that will receive the batch';
  }
  const details = event.details ?? {};
  for (const name of REQUIRED_DETAILS[event.bizStep] ?? []) {
    const value = details[name];
    if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_DETAIL_LENGTH) {
      return `details.${name} is required for ${event.bizStep}: a text of 1 to ${MAX_DETAIL_LENGTH} characters`;
    }
    if (DATE_DETAILS.has(name)) {
      const problem = dateProblem(value, event.eventTime);
      if (problem) return `details.${name} ${problem}`;
    }
  }
  return null;
}

function dateProblem(value: string, eventTime: Date): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(`${value}T00:00:00.000Z`) : null;
  if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return `must be a date as YYYY-MM-DD, got "${value}"`;
  // A date in China can be a day ahead of the UTC date of the event time.
  if (date.getTime() > eventTime.getTime() + 24 * 3600 * 1000) return `${value} is after the event time`;
  return null;
}
