import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { BIZ_STEPS } from './biz-step.js';
import { applyCustody } from './custody.js';
import { keyDataElementProblem, keyDataElementRules, type StepRule } from './key-data-elements.js';

const NOW = new Date('2026-11-01T12:00:00Z');

/** An event that carries exactly what `rule` says its step needs. */
function eventFollowing(rule: StepRule) {
  const details = Object.fromEntries(rule.details.map((d) => [d.name, d.kind === 'DATE' ? '2026-11-01' : 'x']));
  return {
    bizStep: rule.bizStep,
    eventTime: NOW,
    facilityId: rule.requiresFacility ? 'f1' : null,
    quantity: rule.requiresQuantity ? 5 : null,
    destinationOrganizationId: rule.requiresDestination ? 'o2' : null,
    details,
  };
}

describe('keyDataElementRules (what the console builds its event form from)', () => {
  const rules = keyDataElementRules(BIZ_STEPS);

  it('names harvesting’s field and date, and shipping’s quantity, destination and documents', () => {
    expect(rules.find((r) => r.bizStep === 'HARVESTING')).toEqual({
      bizStep: 'HARVESTING',
      recordedWith: null,
      requiresFacility: true,
      requiresQuantity: false,
      requiresDestination: false,
      details: [
        { name: 'fieldName', kind: 'TEXT', maxLength: 200 },
        { name: 'harvestDate', kind: 'DATE', maxLength: 200 },
      ],
    });
    const shipping = rules.find((r) => r.bizStep === 'SHIPPING')!;
    expect([shipping.requiresQuantity, shipping.requiresDestination, shipping.details.map((d) => d.name)]).toEqual([
      true,
      true,
      ['shipToLocation', 'referenceDocumentType', 'referenceDocumentNumber'],
    ]);
  });

  it('agrees with the check itself: an event carrying what its rule names passes, and leaving out any one part fails naming it', () => {
    for (const rule of rules) {
      const event = eventFollowing(rule);
      expect([rule.bizStep, keyDataElementProblem(event, NOW)]).toEqual([rule.bizStep, null]);
      if (rule.requiresQuantity) expect(keyDataElementProblem({ ...event, quantity: null }, NOW)).toMatch(/^quantity is required/);
      if (rule.requiresDestination) expect(keyDataElementProblem({ ...event, destinationOrganizationId: null }, NOW)).toMatch(/^destinationOrganizationId/);
      expect(keyDataElementProblem({ ...event, facilityId: null }, NOW)).toMatch(/^facilityId is required/);
      for (const detail of rule.details) {
        const missing = { ...event, details: { ...event.details, [detail.name]: '' } };
        expect(keyDataElementProblem(missing, NOW)).toMatch(new RegExp(`^details\\.${detail.name} `));
        const tooLong = { ...event, details: { ...event.details, [detail.name]: 'x'.repeat(detail.maxLength + 1) } };
        expect(keyDataElementProblem(tooLong, NOW)).toMatch(new RegExp(`^details\\.${detail.name} `));
      }
      // A step whose rule has no quantity or details is not refused for leaving them out.
      if (!rule.requiresQuantity && rule.details.length === 0) expect(keyDataElementProblem({ ...event, quantity: null, details: {} }, NOW)).toBeNull();
    }
  });

  it('names the operation for exactly the steps recordEvent refuses', () => {
    const state = {
      id: 'b1',
      custodianId: 'farm',
      status: 'ACTIVE' as const,
      quantity: 10,
      unit: 'kg',
      inTransitToId: null,
      inTransitQuantity: null,
      shippedById: null,
      held: false,
      recalled: false,
    };
    for (const rule of rules) {
      let refusal: string | null = null;
      try {
        applyCustody(state, { bizStep: rule.bizStep, quantity: 1, destinationOrganizationId: 'plant' }, { organizationId: 'farm', kind: 'PRODUCER' });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        refusal = err.message;
      }
      const refusedAsForeign = refusal !== null && / is recorded (with|by) /.test(refusal);
      expect([rule.bizStep, refusedAsForeign]).toEqual([rule.bizStep, rule.recordedWith !== null]);
      if (rule.recordedWith) expect(refusal).toContain(rule.recordedWith);
    }
  });
});
