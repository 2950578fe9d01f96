import { describe, expect, it } from '@jest/globals';
import { DEFAULT_EVENTS_PER_PAGE, eventQueryOf, nextPageTokenOf } from './event-query.js';
import type { EventUnit } from './event-query.repository.js';
import { eventsOfUnits } from './event-selection.js';

const BASE = 'https://suyuan.example';

describe('eventQueryOf (SimpleEventQuery parameters)', () => {
  it('reads no parameters as every event, first page, default size', () => {
    expect(eventQueryOf({}, BASE)).toEqual({
      bizSteps: null,
      from: null,
      to: null,
      lots: null,
      locations: null,
      perPage: DEFAULT_EVENTS_PER_PAGE,
      after: null,
    });
  });

  it('reads business steps in any CBV form and this service’s own step URIs, "|"-separated or repeated', () => {
    const query = eventQueryOf(
      { EQ_bizStep: ['urn:epcglobal:cbv:bizstep:shipping|https://ref.gs1.org/cbv/BizStep-receiving', `${BASE}/epcis/bizstep/transforming`] },
      BASE,
    );
    expect(query.bizSteps).toEqual(['shipping', 'receiving', 'transforming']);
  });

  it('reads the same lot from an LGTIN URN and a Digital Link, and a lot by its page URL', () => {
    const query = eventQueryOf(
      { MATCH_epcClass: 'urn:epc:class:lgtin:6901234.000010.Q-1', MATCH_anyEPC: `https://id.gs1.org/01/06901234000108/10/Q-1|${BASE}/q/AB23CD45EF67` },
      BASE,
    );
    expect(query.lots).toEqual([{ gtin: '06901234000108', lot: 'Q-1' }, { traceCode: 'AB23CD45EF67' }, { gtin: '06901234000108', lot: 'Q-1' }]);
  });

  it('reads places as urn:uuid, SGLN or Digital Link /414/', () => {
    const id = '6f2a6f0e-5f36-4e0c-9d4b-8f1f0f5f2a10';
    expect(eventQueryOf({ EQ_bizLocation: `urn:uuid:${id}|urn:epc:id:sgln:6901234.00001.0|https://id.gs1.org/414/6901234000016` }, BASE).locations).toEqual([
      { id },
      { gln: '6901234000016' },
      { gln: '6901234000016' },
    ]);
  });

  it('reads times with their zone, and the cursor from its own token', () => {
    const query = eventQueryOf(
      { GE_eventTime: '2026-11-20T08:00:00+08:00', LT_eventTime: '2026-11-21T00:00:00Z', nextPageToken: nextPageTokenOf(42), perPage: '1000' },
      BASE,
    );
    expect([query.from?.toISOString(), query.to?.toISOString(), query.after, query.perPage]).toEqual([
      '2026-11-20T00:00:00.000Z',
      '2026-11-21T00:00:00.000Z',
      42,
      1000,
    ]);
  });

  it.each([
    [{ eq_bizStep: 'shipping' }, /unknown query parameter "eq_bizStep"/],
    [{ perPage: '1001' }, /perPage must be a whole number from 1 to 1000/],
    [{ perPage: '1.5' }, /perPage must be a whole number/],
    [{ perPage: ['1', '2'] }, /perPage must be given once/],
    [{ GE_eventTime: '2026-11-20T08:00:00' }, /GE_eventTime must be a date and time with its time zone/],
    [{ LT_eventTime: '2026-02-30T08:00:00Z' }, /LT_eventTime must be a date and time/],
    [{ LT_eventTime: '2026-02-01T24:00:00Z' }, /LT_eventTime must be a date and time/],
    [{ nextPageToken: Buffer.from('e1:0').toString('base64url') }, /nextPageToken is not one this service gave/],
    [{ nextPageToken: 'e1:5' }, /nextPageToken is not one this service gave/],
    [{ MATCH_epcClass: 'urn:epc:id:sgtin:6901234.000010.1' }, /names no lot/],
    [{ MATCH_anyEPC: 'https://id.gs1.org/01/06901234000108/10/%00' }, /names no lot/],
    [{ EQ_bizLocation: 'the yard' }, /EQ_bizLocation "the yard" names no place/],
    [{ EQ_bizStep: 'shipping||receiving' }, /EQ_bizStep has an empty value/],
    [{ EQ_bizStep: 'ship\u0000ping' }, /NUL/],
    [{ EQ_bizStep: Array(101).fill('po').join('|') }, /at most 100 values/],
  ])('refuses %j naming what is wrong', (params, message) => {
    expect(() => eventQueryOf(params as Record<string, unknown>, BASE)).toThrow(message);
  });
});

describe('eventsOfUnits', () => {
  const hashOf = (eventID: string) => /^hash:(.+)$/.exec(eventID)?.[1] ?? null;
  const unit = (key: number, hashes: string[], capturedIds: string[] = []): EventUnit => ({
    key,
    entries: hashes.map((hash, i) => ({ seq: key + i, hash, batchId: 'b' })),
    capturedIds,
  });

  it('keeps the events of the page’s units, in page order, by captured id or by entry hash, and nothing else', () => {
    const document = [{ eventID: 'hash:x' }, { eventID: 'urn:uuid:c' }, { eventID: 'hash:other' }, { eventID: 'hash:t2' }, {}];
    const units = [unit(5, ['t1', 't2']), unit(7, ['c1'], ['urn:uuid:c', 'ni:///sha-256;c?ver=CBV2.0']), unit(9, ['x'])];
    expect(eventsOfUnits(document, units, hashOf)).toEqual([{ eventID: 'hash:t2' }, { eventID: 'urn:uuid:c' }, { eventID: 'hash:x' }]);
  });
});
