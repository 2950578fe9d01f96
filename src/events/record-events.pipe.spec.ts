import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { ParseArrayPipe } from '@nestjs/common';
import fc from 'fast-check';
import { BIZ_STEPS } from './biz-step.js';
import { RecordEventInput } from './dto/record-event.input.js';
import { plainlyValidEvent, RecordEventsPipe } from './record-events.pipe.js';

const metadata = { type: 'custom' as const, metatype: Array, data: 'input' };
const full = new ParseArrayPipe({ items: RecordEventInput, forbidUnknownValues: false });
const fast = new RecordEventsPipe();

async function outcome(pipe: { transform(value: unknown, meta: typeof metadata): unknown }, value: unknown) {
  try {
    return { value: await pipe.transform(structuredClone(value), metadata) };
  } catch (err) {
    return { error: (err as { getResponse?: () => unknown }).getResponse?.() ?? String(err) };
  }
}

const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
// Each field mostly valid, so both ways are taken often: valid values first, doubtful ones after.
const field = <T>(valid: T[], doubtful: unknown[]) =>
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.constantFrom(...doubtful) });
const event = fc.record(
  {
    batchId: field(
      [uuid, uuid.toUpperCase(), '01890a5d-ac96-774b-bcce-b302099a8057'],
      ['00000000-0000-0000-0000-000000000000', '0f8fad5b-d9cb-069f-a165-70867728950e', 'batch-1', 7],
    ),
    bizStep: field([...BIZ_STEPS], ['FLYING', 'storing']),
    eventTime: field([new Date('2026-10-08T10:00:00.000Z')], [new Date(Number.NaN), '2026-10-08T10:00:00.000Z']),
    facilityId: field([uuid, null], ['yard']),
    destinationOrganizationId: field([uuid, null], ['']),
    quantity: field([null, 0, 5.5, 1e12], [-1, 1e12 + 1, Number.NaN, Number.POSITIVE_INFINITY, '5']),
    details: field(
      [null, {}, { operator: 'op-1', temperatureC: 3.5 }, { nested: { list: [1, 'a', true, null] } }, { deep: { a: { b: { c: {} } } } }],
      [[1], 'text'],
    ),
    idempotencyKey: field([null, 'key-1', 'k'.repeat(128)], ['', 'has space', 'k'.repeat(129), 5]),
  },
  { requiredKeys: ['batchId'] },
);

describe('RecordEventsPipe', () => {
  it('answers exactly what ParseArrayPipe answers: the same events, or the same refusal', async () => {
    let shortWays = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 0, maxLength: 3 }), async (events) => {
        const [a, b] = [await outcome(fast, events), await outcome(full, events)];
        if (events.length > 0 && events.every(plainlyValidEvent)) shortWays++;
        expect(a).toEqual(b);
        if ('value' in a) for (const e of a.value as unknown[]) expect(e).toBeInstanceOf(RecordEventInput);
      }),
      { numRuns: 1000, seed: 20261206 },
    );
    expect(shortWays).toBeGreaterThan(40);
  });

  it('takes the short way for ordinary events and leaves doubtful ones to ParseArrayPipe', () => {
    const ordinary = { batchId: uuid, bizStep: 'STORING', eventTime: new Date(), facilityId: uuid, details: { operator: 'op-1' } };
    expect(plainlyValidEvent(ordinary)).toBe(true);
    expect(plainlyValidEvent({ ...ordinary, batchId: '00000000-0000-0000-0000-000000000000' })).toBe(false);
    expect(plainlyValidEvent({ ...ordinary, details: JSON.parse('{"__proto__": {"x": 1}}') })).toBe(false);
    expect(plainlyValidEvent({ ...ordinary, extra: 1 })).toBe(false);
    expect(plainlyValidEvent(Object.assign(Object.create({ inherited: true }), ordinary))).toBe(false);
  });
});
