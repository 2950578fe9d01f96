import { describe, expect, it } from '@jest/globals';
import { TransactionSource, withTransactionEvents } from './transaction-events.js';

const BASE = 'https://trace.example.cn';
const documentOf = (...eventList: Record<string, unknown>[]) => ({ type: 'EPCISDocument', epcisBody: { eventList } });
const rice = { lotCode: 'R 1', traceCode: 'RICECODE', gtin: '06920000000029', unit: 'kg' };
const paddy = { lotCode: 'P1', traceCode: 'PADDYCODE', gtin: null, unit: 'piece' };

describe('TransactionEvents on export', () => {
  it('writes one TransactionEvent per captured event, its lots in one quantityList, CBV types as bare words, after the other events', () => {
    const payload = {
      action: 'ADD' as const,
      eventTime: '2026-11-20T01:00:00.000Z',
      bizTransactions: [
        { type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000012:PO-1' },
        { type: 'https://ref.gs1.org/cbv/BTT-inv', bizTransaction: 'INV 7' },
      ],
      quantity: 10,
      facilityId: 'f-1',
      details: { epcisEventID: 'urn:uuid:t1', bizStep: 'shipping', 'example:contract': 'C-9' },
    };
    const sources: TransactionSource[] = [
      { seq: 8, hash: 'b'.repeat(64), payload: { ...payload, quantity: undefined }, lot: paddy },
      { seq: 7, hash: 'a'.repeat(64), payload, lot: rice },
      {
        seq: 9,
        hash: 'c'.repeat(64),
        payload: { action: 'DELETE', eventTime: '2026-11-21T01:00:00.000Z', bizTransactions: [{ bizTransaction: 'urn:x:1' }] },
        lot: rice,
      },
    ];
    const out = withTransactionEvents(documentOf({ type: 'ObjectEvent' }), sources, BASE);
    expect(out.epcisBody.eventList).toEqual([
      { type: 'ObjectEvent' },
      {
        type: 'TransactionEvent',
        eventID: 'urn:uuid:t1',
        eventTime: '2026-11-20T01:00:00.000Z',
        eventTimeZoneOffset: '+08:00',
        action: 'ADD',
        bizStep: 'shipping',
        bizTransactionList: [
          { type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000012:PO-1' },
          { type: 'inv', bizTransaction: `${BASE}/epcis/doc/inv/INV%207` },
        ],
        quantityList: [{ epcClass: 'https://id.gs1.org/01/06920000000029/10/R%201', quantity: 10, uom: 'KGM' }, { epcClass: `${BASE}/q/PADDYCODE` }],
        bizLocation: { id: 'urn:uuid:f-1' },
        'example:contract': 'C-9',
      },
      {
        type: 'TransactionEvent',
        eventID: `ni:///sha-256;${Buffer.from('c'.repeat(64), 'hex').toString('base64url')}`,
        eventTime: '2026-11-21T01:00:00.000Z',
        eventTimeZoneOffset: '+08:00',
        action: 'DELETE',
        bizTransactionList: [{ bizTransaction: 'urn:x:1' }],
        quantityList: [{ epcClass: 'https://id.gs1.org/01/06920000000029/10/R%201' }],
      },
    ]);
  });
});
