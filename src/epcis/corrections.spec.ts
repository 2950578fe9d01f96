import { describe, expect, it } from '@jest/globals';
import { linkedTransactions, notLinked } from './business-transactions.js';
import { planCapture } from './capture-plan.js';
import { declarationPayloads, declaredEvent, readErrorDeclaration, sameDeclaration } from './error-declaration.js';
import { eventHash } from './event-hash.js';

const BASE = 'https://trace.example.cn';
const LOT = { epcClass: 'https://id.gs1.org/01/06920000000029/10/L1', quantity: 10, uom: 'KGM' };
const documentOf = (...eventList: unknown[]) => ({ type: 'EPCISDocument', schemaVersion: '2.0', epcisBody: { eventList } });

/** A storing event as a producer captured it, in GS1's style. */
const storing = {
  type: 'ObjectEvent',
  eventID: 'urn:uuid:1e9a2d5c-0f3b-4c8e-9a51-5b7c0e3d2f10',
  eventTime: '2026-11-20T10:00:00+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'OBSERVE',
  bizStep: 'storing',
  bizLocation: { id: 'urn:epc:id:sgln:0614141.00888.0' },
  quantityList: [LOT],
};
const declaration = {
  declarationTime: '2026-11-21T08:00:00+08:00',
  reason: 'incorrect_data',
  correctiveEventIDs: ['urn:uuid:5c1d0a6f-8e2b-4d3a-b7c9-1f0e2d3c4b5a'],
};

describe('error declarations (EPCIS 2.0 §7.4.1.3)', () => {
  it('reads declarationTime (to UTC), reason and correctiveEventIDs, and refuses a declaration without a time or with a malformed member', () => {
    expect(readErrorDeclaration({ ...storing, errorDeclaration: declaration })).toEqual({
      declarationTime: '2026-11-21T00:00:00.000Z',
      reason: 'incorrect_data',
      correctiveEventIDs: ['urn:uuid:5c1d0a6f-8e2b-4d3a-b7c9-1f0e2d3c4b5a'],
    });
    expect(readErrorDeclaration({ errorDeclaration: { declarationTime: '2026-11-21T00:00:00Z' } })).toEqual({
      declarationTime: '2026-11-21T00:00:00.000Z',
      reason: null,
      correctiveEventIDs: [],
    });
    expect(readErrorDeclaration({ errorDeclaration: { reason: 'did_not_occur' } })).toEqual({
      problem: expect.stringMatching(/^errorDeclaration\.declarationTime must be/),
    });
    expect(readErrorDeclaration({ errorDeclaration: { ...declaration, 'example:approvedBy': 'QA' } })).toEqual({
      problem: expect.stringMatching(/^errorDeclaration\.example:approvedBy: extension members of an error declaration are not modelled/),
    });
    expect(readErrorDeclaration({ errorDeclaration: 'yes' })).toEqual({ problem: 'errorDeclaration must be an object with declarationTime' });
    expect(readErrorDeclaration({ errorDeclaration: { ...declaration, reason: 7 } })).toEqual({ problem: expect.stringMatching(/^errorDeclaration\.reason/) });
    // A reason is shown on the public page: no direction overrides that would make it read otherwise.
    expect(readErrorDeclaration({ errorDeclaration: { ...declaration, reason: 'incorrect\u202edata' } })).toEqual({
      problem: expect.stringMatching(/^errorDeclaration\.reason must be a CBV error reason \(1 to 2048 printable characters\)/),
    });
    expect(readErrorDeclaration({ errorDeclaration: { ...declaration, correctiveEventIDs: 'urn:uuid:x' } })).toEqual({
      problem: expect.stringMatching(/^errorDeclaration\.correctiveEventIDs/),
    });
  });

  it('gives a declaration the CBV 2.0 hash ID of the event it repeats (errorDeclaration is left out), and another one when the content differs', () => {
    const declared = { ...storing, errorDeclaration: declaration };
    expect(eventHash(declared).hashId).toBe(eventHash(storing).hashId);
    expect(declaredEvent(declared)).toEqual(storing);
    expect(eventHash({ ...declared, quantityList: [{ ...LOT, quantity: 11 }] }).hashId).not.toBe(eventHash(storing).hashId);
  });

  it('plans a declaration as a step of its own, not as the event it repeats', () => {
    const { steps, problems } = planCapture(documentOf({ ...storing, errorDeclaration: declaration }), BASE);
    expect(problems).toEqual([]);
    expect(steps).toEqual([
      {
        index: 0,
        eventID: storing.eventID,
        kind: 'declare-erroneous',
        declaration: { declarationTime: '2026-11-21T00:00:00.000Z', reason: 'incorrect_data', correctiveEventIDs: declaration.correctiveEventIDs },
      },
    ]);
  });

  it('marks each batch chain the event touched once, naming that chain’s entries in ledger order', () => {
    const read = { declarationTime: '2026-11-21T00:00:00.000Z', reason: null, correctiveEventIDs: [] };
    const entries = [
      { seq: 12, hash: 'c'.repeat(64), batchId: 'b-out' },
      { seq: 10, hash: 'a'.repeat(64), batchId: 'b-in' },
      { seq: 11, hash: 'b'.repeat(64), batchId: 'b-in' },
    ];
    expect(declarationPayloads('urn:uuid:t', read, entries)).toEqual([
      {
        batchId: 'b-in',
        payload: { eventID: 'urn:uuid:t', erroneousSeqs: [10, 11], erroneousHashes: ['a'.repeat(64), 'b'.repeat(64)], declarationTime: read.declarationTime },
      },
      { batchId: 'b-out', payload: { eventID: 'urn:uuid:t', erroneousSeqs: [12], erroneousHashes: ['c'.repeat(64)], declarationTime: read.declarationTime } },
    ]);
  });

  it('takes the same declaration in another time zone for a repeat, and one with another reason or corrective events for another', () => {
    const recorded = { declarationTime: '2026-11-21T00:00:00.000Z', reason: 'incorrect_data', correctiveEventIDs: ['urn:uuid:c'] };
    expect(sameDeclaration(recorded, { declarationTime: '2026-11-21T08:00:00.000+08:00', reason: 'incorrect_data', correctiveEventIDs: ['urn:uuid:c'] })).toBe(
      true,
    );
    expect(sameDeclaration(recorded, { ...recorded, reason: 'did_not_occur' })).toBe(false);
    expect(sameDeclaration(recorded, { ...recorded, reason: null })).toBe(false);
    expect(sameDeclaration(recorded, { ...recorded, correctiveEventIDs: [] })).toBe(false);
    expect(
      sameDeclaration({ declarationTime: recorded.declarationTime }, { declarationTime: recorded.declarationTime, reason: null, correctiveEventIDs: [] }),
    ).toBe(true);
  });
});

describe('TransactionEvents', () => {
  const purchase = {
    type: 'TransactionEvent',
    eventID: 'urn:uuid:7a3e9c1b-2d4f-4e6a-8b0c-9d1e2f3a4b5c',
    eventTime: '2026-11-20T09:00:00+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'ADD',
    bizStep: 'shipping',
    disposition: 'in_transit',
    bizTransactionList: [
      { type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000012:PO-1101' },
      { type: 'inv', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000012:INV-77' },
    ],
    quantityList: [LOT],
    'example:contract': 'C-9',
  };

  it('plans each lot’s link to the business transactions as sent, with bizStep, disposition and extensions kept; the place is optional', () => {
    const { steps, problems } = planCapture(documentOf(purchase), BASE);
    expect(problems).toEqual([]);
    expect(steps).toEqual([
      {
        index: 0,
        eventID: purchase.eventID,
        kind: 'transactions',
        action: 'ADD',
        bizTransactions: purchase.bizTransactionList,
        lines: [{ lot: { gtin: '06920000000029', lot: 'L1' }, quantity: 10, uom: 'KGM' }],
        eventTime: new Date('2026-11-20T01:00:00Z'),
        place: null,
        details: { epcisEventID: purchase.eventID, bizStep: 'shipping', disposition: 'in_transit', 'example:contract': 'C-9' },
      },
    ]);
  });

  it('refuses serial numbers, a parent, no transactions, unknown actions and details that cannot be stored, each with its reason', () => {
    const { problems } = planCapture(
      documentOf(
        { ...purchase, epcList: ['urn:epc:id:sgtin:0614141.107346.2017'] },
        { ...purchase, parentID: 'urn:epc:id:sscc:0614141.1234567890' },
        { ...purchase, bizTransactionList: [] },
        { ...purchase, bizTransactionList: [{ type: 'po' }] },
        { ...purchase, action: 'LINK' },
        { ...purchase, quantityList: [] },
        { ...purchase, sourceList: [{ type: 'owning_party', source: 'urn:x\u0000' }] },
      ),
      BASE,
    );
    expect(problems.map((p) => [p.index, p.reason.split(':')[0]])).toEqual([
      [0, 'epcList'],
      [1, 'parentID'],
      [2, 'bizTransactionList'],
      [3, 'bizTransactionList[0].bizTransaction is required'],
      [4, 'action must be ADD, OBSERVE or DELETE, got "LINK"'],
      [5, 'quantityList'],
      [
        6,
        'bizStep, disposition, sourceList, destinationList, certificationInfo and extension members contains a NUL character (U+0000), which cannot be stored',
      ],
    ]);
  });

  it('folds a lot’s links: ADD and OBSERVE link, DELETE unlinks, one type written three ways is one type', () => {
    const po = { type: 'po', bizTransaction: 'PO-1' };
    const inv = { type: 'urn:epcglobal:cbv:btt:inv', bizTransaction: 'INV-1' };
    const linked = linkedTransactions([
      { action: 'ADD', bizTransactions: [po, inv] },
      { action: 'OBSERVE', bizTransactions: [{ type: 'https://ref.gs1.org/cbv/BTT-po', bizTransaction: 'PO-1' }] },
      { action: 'DELETE', bizTransactions: [{ type: 'inv', bizTransaction: 'INV-1' }] },
    ]);
    expect(linked).toEqual([po]);
    expect(notLinked(linked, [{ type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'PO-1' }])).toEqual([]);
    expect(notLinked(linked, [inv, { bizTransaction: 'PO-1' }])).toEqual([inv, { bizTransaction: 'PO-1' }]);
  });
});
