import { describe, expect, it } from '@jest/globals';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import {
  auditBatches,
  AuditTally,
  auditRegistrations,
  BatchReplay,
  compareRow,
  ExpectedRow,
  ProjectionRow,
  registeredRow,
  ReplayEntry,
} from './projection-replay.js';

const FARM = '00000000-0000-4000-8000-00000000000a';
const TRUCK = '00000000-0000-4000-8000-00000000000b';
const LAB = '00000000-0000-4000-8000-00000000000c';
const BATCH = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const KINDS: Record<string, OrganizationKind> = { [FARM]: 'PRODUCER', [TRUCK]: 'LOGISTICS', [LAB]: 'LAB' };
const kindOf = (id: string) => KINDS[id];

let seq = 0;
function entry(type: string, actor: string, payload: object | null, batchId: string | null = BATCH, extra: Partial<ReplayEntry> = {}): ReplayEntry {
  return { seq: ++seq, type, actor, batchId, payload: payload === null ? null : JSON.stringify(payload), ...extra };
}

function registered(batchId = BATCH, quantity = 100): ReplayEntry {
  return entry(
    'BATCH_REGISTERED',
    FARM,
    { batchId, productId: 'p-1', facilityId: 'f-1', lotCode: 'L1', traceCode: 'T1', quantity, unit: 'kg', producedAt: '2026-01-01T00:00:00.000Z' },
    batchId,
  );
}

const event = (actor: string, payload: object, batchId = BATCH) =>
  entry('EVENT_RECORDED', actor, { eventTime: '2026-01-02T00:00:00.000Z', facilityId: 'f-1', ...payload }, batchId);

function replay(entries: ReplayEntry[], id = BATCH): ReturnType<BatchReplay['result']> {
  const r = new BatchReplay(id, kindOf);
  for (const e of entries) r.apply(e);
  return r.result();
}

async function* stream<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

describe('BatchReplay: a batch as its entries leave it, under the custody rules', () => {
  it('a registered batch is ACTIVE, in its producer’s custody, with what it was registered with', () => {
    const { expected } = replay([registered()]);
    expect(expected!.columns).toMatchObject({
      status: 'ACTIVE',
      custodian_id: FARM,
      producer_id: FARM,
      quantity: 100,
      unit: 'kg',
      held: false,
      recalled: false,
      lot_code: 'L1',
      trace_code: 'T1',
      produced_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it('shipping and receiving move custody; a sale takes from the quantity', () => {
    const entries = [
      registered(),
      event(FARM, { bizStep: 'SHIPPING', quantity: 100, destinationOrganizationId: TRUCK }),
      event(TRUCK, { bizStep: 'RECEIVING', quantity: 90 }),
      event(TRUCK, { bizStep: 'RETAIL_SELLING', quantity: 30 }),
    ];
    const shipped = replay(entries.slice(0, 2)).expected!.columns;
    expect(shipped).toMatchObject({ status: 'IN_TRANSIT', custodian_id: FARM, in_transit_to_id: TRUCK, in_transit_quantity: 100, shipped_by_id: FARM });
    const { expected } = replay(entries);
    expect(expected!.columns).toMatchObject({ status: 'ACTIVE', custodian_id: TRUCK, quantity: 60, in_transit_to_id: null, shipped_by_id: null });
    expect(expected!.seq).toBe(entries[3].seq);
  });

  it('a failed inspection holds the batch, a release lifts it, a recall marks it; a transformation consumes it', () => {
    const held = replay([registered(), entry('INSPECTION_RECORDED', LAB, { inspectionId: 'i', verdict: 'FAIL', items: [] })]).expected!.columns;
    expect(held).toMatchObject({ status: 'ON_HOLD', held: true });
    const released = replay([
      registered(),
      entry('BATCH_HELD', LAB, { inspectionId: 'i', inspectedBatchId: OTHER, reason: 'r' }),
      entry('BATCH_RELEASED', LAB, { reason: 'ok' }),
    ]);
    expect(released.expected!.columns).toMatchObject({ status: 'ACTIVE', held: false });
    const recalled = replay([
      registered(),
      entry('RECALLING', FARM, { recallId: 'r', bizStep: 'RECALLING', level: 'I', reason: 'x', recalledBatchIds: [BATCH] }),
    ]);
    expect(recalled.expected!.columns).toMatchObject({ status: 'RECALLED', recalled: true });
    const consumed = replay([registered(), event(FARM, { bizStep: 'TRANSFORMING', quantity: 100, transformationId: 't', outputs: [] })]);
    expect(consumed.expected!.columns).toMatchObject({ status: 'CONSUMED', quantity: 0 });
  });

  it('counts a logger’s readings', () => {
    const readings = (count: number) => entry('TEMPERATURES_RECORDED', FARM, null, BATCH, { readingCount: count });
    expect(replay([registered(), readings(3), readings(4)]).expected!.columns.reading_count).toBe(7);
  });

  it('an entry the custody rules refuse stops the fold and names the entry', () => {
    const refused = event(TRUCK, { bizStep: 'RETAIL_SELLING', quantity: 1 });
    const { expected, problem } = replay([registered(), refused]);
    expect(expected).toBeNull();
    expect(problem!.seq).toBe(refused.seq);
    expect(problem!.reason).toMatch(/custody rules refuse it: .*custodian/);
  });

  it('an erased payload leaves the row unchecked rather than guessed', () => {
    const result = replay([registered(), entry('EVENT_RECORDED', FARM, null)]);
    expect(result).toEqual({ expected: null, unchecked: true, problem: null });
    const readings = replay([registered(), entry('TEMPERATURES_RECORDED', FARM, null, BATCH, { readingCount: null })]);
    expect(readings.unchecked).toBe(true);
  });
});

describe('compareRow', () => {
  const expected: ExpectedRow = { id: 'f-1', seq: 4, columns: { name: '东山农场', region: '苏州市吴中区' } };

  it('names the first column whose value is not the ledger’s, with both values and the entry', () => {
    const found = compareRow('facility', expected, { id: 'f-1', columns: { name: '东山农场', region: '杭州市' } });
    expect(found).toMatchObject({ table: 'facility', id: 'f-1', column: 'region', ledgerValue: '苏州市吴中区', tableValue: '杭州市', seq: 4 });
  });

  it('agrees when every column does, and names a row missing on either side', () => {
    expect(compareRow('facility', expected, { id: 'f-1', columns: { ...expected.columns } })).toBeNull();
    expect(compareRow('facility', expected, null)).toMatchObject({ id: 'f-1', column: null, reason: expect.stringMatching(/not in its table/) });
    expect(compareRow('facility', null, { id: 'f-9', columns: {} })).toMatchObject({
      id: 'f-9',
      column: null,
      reason: expect.stringMatching(/no ledger entry/),
    });
  });
});

describe('auditing streams of entries and rows', () => {
  it('registrations: the name in the table against the one registered', async () => {
    const e = entry('FACILITY_REGISTERED', FARM, { facilityId: 'f-1', name: '东山农场', region: '苏州市' }, null);
    const row = (name: string): ProjectionRow => ({
      id: 'f-1',
      columns: { organization_id: FARM, name, region: '苏州市', gln: null, created_seq: e.seq },
    });
    expect(registeredRow('facility', e).columns.organization_id).toBe(FARM);
    const clean = new AuditTally();
    await auditRegistrations('facility', stream([{ entry: e, row: row('东山农场') }]), clean);
    expect(clean.summary()).toMatchObject({ clean: true, rowsChecked: 1, disagreements: 0 });
    const tampered = new AuditTally();
    await auditRegistrations('facility', stream([{ entry: e, row: row('西山农场') }]), tampered);
    expect(tampered.summary()).toMatchObject({
      clean: false,
      disagreements: 1,
      firstDisagreement: { table: 'facility', column: 'name', tableValue: '西山农场' },
    });
  });

  it('batches: entries and rows merged by id; the first disagreeing row in id order, every one counted', async () => {
    const first = [registered(BATCH, 100)];
    const second = [registered(OTHER, 50), event(FARM, { bizStep: 'SHIPPING', quantity: 50, destinationOrganizationId: TRUCK }, OTHER)];
    const rowOf = (entries: ReplayEntry[], id: string, change: Record<string, unknown> = {}): ProjectionRow => {
      const { expected } = replay(entries, id);
      return { id, columns: { ...expected!.columns, ...change } as ProjectionRow['columns'] };
    };
    const clean = new AuditTally();
    await auditBatches(stream([rowOf(first, BATCH), rowOf(second, OTHER)]), stream([...first, ...second]), kindOf, clean);
    expect(clean.summary()).toMatchObject({ clean: true, rowsChecked: 2 });

    const tampered = new AuditTally();
    const rows = [rowOf(first, BATCH, { quantity: 1000 }), rowOf(second, OTHER, { custodian_id: TRUCK })];
    await auditBatches(stream(rows), stream([...first, ...second]), kindOf, tampered);
    expect(tampered.summary()).toMatchObject({
      clean: false,
      disagreements: 2,
      firstDisagreement: { table: 'batch', id: BATCH, column: 'quantity', ledgerValue: 100, tableValue: 1000 },
    });

    const extra = new AuditTally();
    await auditBatches(stream([rowOf(first, BATCH)]), stream([...first, ...second]), kindOf, extra);
    expect(extra.summary().firstDisagreement).toMatchObject({ id: OTHER, column: null });
  });
});
