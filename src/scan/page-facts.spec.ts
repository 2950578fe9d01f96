import { describe, expect, it } from '@jest/globals';
import { ledgerFacts } from './browser/page-facts.js';
import type { CheckedEntry } from './browser/page-proof-check.js';

const ORG = '11111111-1111-4111-8111-111111111111';
const OTHER_ORG = '22222222-2222-4222-8222-222222222222';
let seq = 0;
const entry = (type: string, batchId: string | null, values: Record<string, unknown> | null, actor = ORG): CheckedEntry => ({
  v: values ? 2 : 1,
  seq: ++seq,
  type,
  batchId,
  actor,
  recordedAt: '2026-10-06T08:00:00.000Z',
  values,
});

/** A lot `lot` made from `input`, which was harvested: the entries a page proof of the lot holds. */
function story() {
  seq = 0;
  const entries = [
    entry('ORGANIZATION_REGISTERED', null, { organizationId: ORG, name: '小站稻合作社' }),
    entry('ORGANIZATION_REGISTERED', null, { organizationId: OTHER_ORG, name: '津门米业' }),
    entry('FACILITY_REGISTERED', null, { facilityId: 'field', name: '三号田', region: '天津市津南区' }),
    entry('FACILITY_REGISTERED', null, { facilityId: 'mill', name: '米厂', region: '天津市西青区' }),
    entry('PRODUCT_REGISTERED', null, { productId: 'paddy', name: '稻谷' }),
    entry('PRODUCT_REGISTERED', null, { productId: 'rice', name: '小站稻米' }),
    entry('BATCH_REGISTERED', 'input', {
      batchId: 'input',
      productId: 'paddy',
      facilityId: 'field',
      lotCode: 'P1',
      traceCode: 'INPUTCODE',
      producedAt: '2026-10-01T00:00:00.000Z',
    }),
    entry('EVENT_RECORDED', 'input', { bizStep: 'HARVESTING', eventTime: '2026-10-02T00:00:00.000Z', facilityId: 'field' }),
    entry(
      'BATCH_REGISTERED',
      'lot',
      {
        batchId: 'lot',
        productId: 'rice',
        facilityId: 'mill',
        lotCode: 'R1',
        traceCode: 'LOTCODE',
        producedAt: '2026-10-05T00:00:00.000Z',
        inputs: [{ batchId: 'input', quantity: 10, unit: 'kg' }],
      },
      OTHER_ORG,
    ),
    entry('EVENT_RECORDED', 'lot', { bizStep: 'SHIPPING', eventTime: '2026-10-06T00:00:00.000Z', facilityId: 'mill' }, OTHER_ORG),
  ];
  return entries;
}

describe('the facts a phone reads from the entries it proved', () => {
  it("finds the lot by the label's trace code, and its product, producer and origin by their own registrations", () => {
    const facts = ledgerFacts(story(), 'LOTCODE');
    expect(facts.lot).toEqual({ batchId: 'lot', lotCode: 'R1', traceCode: 'LOTCODE' });
    expect(facts).toMatchObject({ product: '小站稻米', producer: '津门米业', origin: '天津市西青区', undisclosed: 0, recall: null });
  });

  it("reads the steps of the lot and of the batches its registration's inputs name, with who recorded them and where", () => {
    const facts = ledgerFacts(story(), 'LOTCODE');
    expect([...facts.steps.values()]).toEqual([
      { bizStep: 'COMMISSIONING', time: '2026-10-01T00:00:00.000Z', place: '天津市津南区', organization: '小站稻合作社' },
      { bizStep: 'HARVESTING', time: '2026-10-02T00:00:00.000Z', place: '天津市津南区', organization: '小站稻合作社' },
      { bizStep: 'COMMISSIONING', time: '2026-10-05T00:00:00.000Z', place: '天津市西青区', organization: '津门米业' },
      { bizStep: 'SHIPPING', time: '2026-10-06T00:00:00.000Z', place: '天津市西青区', organization: '津门米业' },
    ]);
  });

  it("takes no step of a batch the lot's registrations do not name, and no registration chained in another batch's entries", () => {
    const entries = story();
    entries.push(entry('EVENT_RECORDED', 'stranger', { bizStep: 'STORING', eventTime: '2026-10-07T00:00:00.000Z', facilityId: 'mill' }));
    // A registration that names the lot but is chained in another batch: not the lot's.
    entries.push(entry('BATCH_REGISTERED', 'stranger', { batchId: 'lot', productId: 'paddy', facilityId: 'field', lotCode: 'FAKE', traceCode: 'LOTCODE' }));
    const facts = ledgerFacts(entries, 'LOTCODE');
    expect(facts.lot!.lotCode).toBe('R1');
    expect([...facts.steps.values()].map((s) => s.bizStep)).not.toContain('STORING');
  });

  it('knows nothing of a lot whose registration is missing, or carries another trace code', () => {
    expect(ledgerFacts(story(), 'ANOTHERCODE')).toMatchObject({ lot: null, product: null, producer: null, origin: null });
    expect(ledgerFacts(story(), 'ANOTHERCODE').steps.size).toBe(0);
  });

  it('leaves out what v1 entries say, and counts them', () => {
    const entries = story();
    entries[1] = { ...entries[1], v: 1, values: null }; // the lot's producer, registered in format v1
    const facts = ledgerFacts(entries, 'LOTCODE');
    expect(facts).toMatchObject({ producer: null, undisclosed: 1 });
    expect(facts.steps.get(10)!.organization).toBeNull();
  });

  it("marks a step declared erroneous only by a declaration of the step's own recorder, chained in the step's own batch", () => {
    const entries = story();
    const shipping = entries.length; // the lot's SHIPPING, recorded by OTHER_ORG
    const declared = (batchId: string, actor: string) =>
      entry('EVENT_DECLARED_ERRONEOUS', batchId, { erroneousSeqs: [shipping], reason: 'incorrect_data' }, actor);
    // Another organization's declaration, and one chained in another batch, mark nothing.
    entries.push(declared('lot', ORG), declared('input', OTHER_ORG));
    expect(ledgerFacts(entries, 'LOTCODE').steps.get(shipping)!.declaredErroneous).toBeUndefined();
    entries.push(declared('lot', OTHER_ORG));
    const facts = ledgerFacts(entries, 'LOTCODE');
    expect(facts.steps.get(shipping)!.declaredErroneous).toBe('incorrect_data');
    expect([...facts.steps.values()].filter((s) => s.declaredErroneous !== undefined)).toHaveLength(1);
  });

  it("reads a recall from the RECALLING entry chained in the lot's own entries only", () => {
    const entries = story();
    entries.push(entry('RECALLING', 'input', { bizStep: 'RECALLING', level: 'LEVEL_2', reason: 'upstream only', recalledBatchIds: ['input'] }));
    expect(ledgerFacts(entries, 'LOTCODE').recall).toBeNull();
    entries.push(entry('RECALLING', 'lot', { bizStep: 'RECALLING', level: 'LEVEL_1', reason: 'Listeria', recalledBatchIds: ['input'] }));
    expect(ledgerFacts(entries, 'LOTCODE').recall).toEqual({ level: 'LEVEL_1', reason: 'Listeria' });
  });
});
