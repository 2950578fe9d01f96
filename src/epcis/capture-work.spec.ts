import { describe, expect, it } from '@jest/globals';
import { CaptureTooCostly, captureWork, MAX_CAPTURE_STORED_BYTES, MAX_CAPTURE_WORK, overrunMessage, workOverruns, workUnits } from './capture-work.js';
import { DocumentProblem, planCapture } from './capture-plan.js';

const BASE = 'https://trace.example.cn';
const lot = (i: number) => ({ epcClass: `https://id.gs1.org/01/06901234000108/10/L-${i}`, quantity: 1, uom: 'KGM' });
const lots = (n: number) => Array.from({ length: n }, (_, i) => lot(i));
const reports = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ type: 'Temperature', time: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), value: 4 }));
const sensorEvent = (lotCount: number, reportCount: number) => ({
  type: 'ObjectEvent',
  action: 'OBSERVE',
  bizStep: 'sensor_reporting',
  eventTime: '2026-01-02T00:00:00Z',
  quantityList: lots(lotCount),
  sensorElementList: [{ sensorMetadata: { deviceID: 'urn:epc:id:giai:6901234.1' }, sensorReport: reports(reportCount) }],
});
const document = (...eventList: unknown[]) => ({ type: 'EPCISDocument', epcisBody: { eventList } });
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('captureWork', () => {
  it('counts a sensor event’s lots as lots written alone and its reports once per lot: the 200 lots × 1,000 reports that stored 200,000 readings', () => {
    const event = sensorEvent(200, 1000);
    const work = captureWork([event]);
    expect(work).toMatchObject({ steps: 0, lots: 200, readings: 200_000 });
    const { quantityList, sensorElementList, ...shared } = event;
    expect(work.storedBytes).toBe(200 * bytes(shared) + bytes(quantityList) + 200 * bytes(sensorElementList));
  });

  it('counts lot lines of observing events as steps, of commissioning and transformations as lots, each keeping the event’s other members again', () => {
    const extension = { 'example:note': 'x'.repeat(1000) };
    const shipping = {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'shipping',
      quantityList: lots(30),
      sourceList: [{ type: 'owning_party', source: 'urn:x' }],
      ...extension,
    };
    const commissioning = { type: 'ObjectEvent', action: 'ADD', quantityList: lots(4) };
    const transformation = { type: 'TransformationEvent', inputQuantityList: lots(3), outputQuantityList: lots(2) };
    const work = captureWork([shipping, commissioning, transformation, 'not an event', null]);
    expect(work).toMatchObject({ steps: 30, lots: 4 + 5, readings: 0 });
    const { quantityList, ...shared } = shipping;
    const { quantityList: commissioned, ...sharedC } = commissioning;
    const { inputQuantityList, outputQuantityList, ...sharedT } = transformation;
    expect(work.storedBytes).toBe(
      30 * bytes(shared) +
        bytes(quantityList) +
        4 * bytes(sharedC) +
        bytes(commissioned) +
        5 * bytes(sharedT) +
        bytes(inputQuantityList) +
        bytes(outputQuantityList),
    );
  });

  it('counts a TransactionEvent’s lots as lots written alone, whatever its action: each is linked with its custody read first', () => {
    const linking = (action: string) => ({
      type: 'TransactionEvent',
      action,
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:x:po:1' }],
      quantityList: lots(3),
    });
    expect(captureWork([linking('ADD'), linking('OBSERVE'), linking('DELETE')])).toMatchObject({ steps: 0, lots: 9 });
  });

  it('weighs a step as 10 readings and a lot as 50, and names each bound passed and by how much; none at the limits', () => {
    expect(workUnits({ steps: 1000, lots: 0, readings: 0, storedBytes: 0 })).toBe(MAX_CAPTURE_WORK);
    expect(workUnits({ steps: 0, lots: 200, readings: 0, storedBytes: 0 })).toBe(MAX_CAPTURE_WORK);
    expect(workUnits({ steps: 0, lots: 20, readings: 9000, storedBytes: 0 })).toBe(MAX_CAPTURE_WORK);
    expect(workOverruns({ steps: 1000, lots: 0, readings: 0, storedBytes: MAX_CAPTURE_STORED_BYTES })).toEqual([]);
    const work = { steps: 0, lots: 200, readings: 200_000, storedBytes: 50_700_000 };
    const over = workOverruns(work);
    expect(over).toEqual([
      { bound: 'work', limit: 10_000, actual: 210_000 },
      { bound: 'storedBytes', limit: 2 * 1024 * 1024, actual: 50_700_000 },
    ]);
    expect(overrunMessage(work, over)).toBe(
      'the EPCIS document would cost 210,000 units of work (0 steps recorded (lot lines of observing events) × 10 + ' +
        '200 lots registered, read by a sensor or transformed × 50 + 200,000 temperature readings (each sensor report once per lot of its event)), ' +
        '200,000 more than the 10,000 one capture may; ' +
        'and 50,700,000 bytes of ledger payload (each entry keeps its event’s members again), 48,602,848 more than the 2,097,152 one capture may: ' +
        'nothing was recorded; send it as several smaller documents',
    );
    const steps = { steps: 1001, lots: 0, readings: 0, storedBytes: 0 };
    expect(overrunMessage(steps, workOverruns(steps))).toMatch(
      /^the EPCIS document would cost 10,010 units of work \(1,001 steps recorded .* 10 more than the 10,000 one capture may:/,
    );
  });
});

describe('planCapture bounds the work before reading any event', () => {
  it('refuses 200,000 readings, and plans a document at the limit (20 lots × 450 readings)', () => {
    expect(() => planCapture(document(sensorEvent(200, 1000)), BASE)).toThrow(CaptureTooCostly);
    expect(() => planCapture(document(sensorEvent(200, 1000)), BASE)).toThrow(
      /210,000 units of work .*200,000 temperature readings.*200,000 more than the 10,000/,
    );
    expect(() => planCapture(document(sensorEvent(20, 451)), BASE)).toThrow(/10,020 units of work/);
    const { steps, problems } = planCapture(document(sensorEvent(20, 450)), BASE);
    expect(problems).toEqual([]);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ kind: 'temperatures', lots: expect.arrayContaining([{ gtin: '06901234000108', lot: 'L-19' }]) });
  });

  it('refuses one event naming more lots than a capture takes, before copying its details per lot', () => {
    const event = { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'storing', eventTime: '2026-01-02T00:00:00Z', quantityList: lots(1001) };
    expect(() => planCapture(document(event), BASE)).toThrow(/1,001 steps recorded/);
    const bulky = { ...event, quantityList: lots(100), 'example:note': 'x'.repeat(21_000) };
    expect(() => planCapture(document(bulky), BASE)).toThrow(/bytes of ledger payload/);
  });

  it('refuses a document nested deeper than 64 before counting anything', () => {
    let nested: unknown = 1;
    for (let i = 0; i < 10_000; i++) nested = [nested];
    expect(() => planCapture(document({ ...sensorEvent(1, 1), sourceList: nested }), BASE)).toThrow(DocumentProblem);
    expect(() => planCapture(document({ ...sensorEvent(1, 1), sourceList: nested }), BASE)).toThrow(
      'the EPCIS document: JSON is nested more than 64 levels deep',
    );
  });
});
