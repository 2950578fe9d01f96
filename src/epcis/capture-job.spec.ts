import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { captureErrorBehaviourOf, CaptureJob, cursorOf, pageTokenOf, perPageOf, refusalErrors, storableJob } from './capture-job.js';

describe('capture jobs', () => {
  it('reads GS1-Capture-Error-Behaviour: rollback when absent, and refuses anything but the two words, naming the header', () => {
    expect(captureErrorBehaviourOf(undefined)).toBe('rollback');
    expect(captureErrorBehaviourOf('rollback')).toBe('rollback');
    expect(captureErrorBehaviourOf('proceed')).toBe('proceed');
    for (const value of ['PROCEED', ' proceed', 'rollback, proceed', ''])
      expect(() => captureErrorBehaviourOf(value)).toThrow(/^GS1-Capture-Error-Behaviour must be rollback or proceed, got /);
  });

  it('makes one error per event the plan refused, with every reason, and one for any other refusal', () => {
    const planned = new DomainError('EPCIS_INVALID', '2 event(s) cannot be captured', {
      events: [
        {
          index: 1,
          eventID: 'e1',
          reason: 'a; b',
          code: 'EPCIS_INVALID',
          reasons: [
            { code: 'EPCIS_INVALID', reason: 'a' },
            { code: 'EPCIS_NOT_MODELLED', reason: 'b' },
          ],
        },
        { index: 3, eventID: null, reason: 'c', code: 'EPCIS_NOT_MODELLED', reasons: [{ code: 'EPCIS_NOT_MODELLED', reason: 'c' }] },
      ],
    });
    expect(refusalErrors(planned).map((e) => [e.eventIndex, e.code, e.status, e.reasons.length, e.detail])).toEqual([
      [1, 'EPCIS_INVALID', 400, 2, 'eventList[1]: a; b'],
      [3, 'EPCIS_NOT_MODELLED', 400, 1, 'eventList[3]: c'],
    ]);
    const written = new DomainError('BATCH_NOT_IN_CUSTODY', 'eventList[2]: lot L of GTIN G is not in your custody', { eventIndex: 2, eventID: 'x' });
    expect(refusalErrors(written)).toEqual([
      {
        type: 'epcisException:SecurityException',
        title: 'the event is not yours to record',
        status: 403,
        detail: 'eventList[2]: lot L of GTIN G is not in your custody',
        eventIndex: 2,
        eventID: 'x',
        code: 'BATCH_NOT_IN_CUSTODY',
        reasons: [{ code: 'BATCH_NOT_IN_CUSTODY', reason: 'lot L of GTIN G is not in your custody' }],
      },
    ]);
  });

  it('gives page tokens it reads back, and refuses any other token rather than starting over', () => {
    const cursor = { createdAt: '2026-12-06T12:00:00.123Z', id: '8f14e45f-ceea-467f-a0e6-0e9c1b0e1a11' };
    expect(cursorOf(pageTokenOf(cursor))).toEqual(cursor);
    for (const token of [
      '',
      'x'.repeat(300),
      'not a token',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('["yesterday","x"]').toString('base64url'),
    ])
      expect(() => cursorOf(token)).toThrow('nextPageToken is not one this service gave');
    expect(perPageOf(undefined)).toBe(30);
    expect(perPageOf('100')).toBe(100);
    for (const text of ['0', '101', '1.5', '-1', 'ten', '']) expect(() => perPageOf(text)).toThrow(/^perPage must be a whole number from 1 to 100$/);
  });

  it('stores NUL and lone surrogates as U+FFFD, so a hostile document’s job is still recorded, and leaves other text as it is', () => {
    const job = { errors: [{ detail: 'a\u0000b \ud800 \udc00 \ud83c\udf3e 稻' }], events: [{ eventID: '\ud800' }] } as unknown as CaptureJob;
    expect(storableJob(job)).toEqual({ errors: [{ detail: 'a\ufffdb \ufffd \ufffd \ud83c\udf3e 稻' }], events: [{ eventID: '\ufffd' }] });
  });
});
