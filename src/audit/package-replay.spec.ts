import { describe, expect, it } from '@jest/globals';
import { auditPackages, PackageReplay, type PackageTable } from './package-replay.js';
import { AuditTally, gs1PrefixAmend, type ExpectedRow, type ProjectionRow, type ReplayEntry } from './projection-replay.js';

const FARM = '00000000-0000-4000-8000-00000000000a';
const SHOP = '00000000-0000-4000-8000-00000000000b';
const CASE = '069012340000000018';
const PALLET = '069012340000000025';
const GTIN = '06901234000019';

let seq = 0;
const entry = (type: string, actor: string, payload: object | null): ReplayEntry => ({
  seq: ++seq,
  type,
  actor,
  batchId: null,
  payload: payload === null ? null : JSON.stringify(payload),
});
const packed = (sscc: string, serials: string[], childSsccs: string[] = []) =>
  entry('UNITS_PACKED', FARM, { sscc, facilityId: 'f-1', units: serials.length ? [{ gtin: GTIN, serials }] : [], childSsccs, lots: [] });
const shipped = (sscc: string) => entry('PACKAGE_SHIPPED', FARM, { sscc, facilityId: 'f-1', destinationOrganizationId: SHOP, eventTime: 't', lots: [] });
const received = (sscc: string) => entry('PACKAGE_RECEIVED', SHOP, { sscc, facilityId: 'f-2', eventTime: 't', immediatePreviousSource: FARM, lots: [] });
const unpacked = (sscc: string, actor: string, serials: string[], childSsccs: string[] = []) =>
  entry('UNPACKED', actor, { sscc, facilityId: 'f-2', units: serials.length ? [{ gtin: GTIN, serials }] : [], childSsccs });

async function* stream<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

function fold(entries: ReplayEntry[]): PackageReplay {
  const replay = new PackageReplay();
  for (const e of entries) replay.apply(e);
  return replay;
}

/** The tables as a writer that did what the entries say would leave them. */
function tablesOf(replay: PackageReplay): Record<PackageTable, ProjectionRow[]> {
  const rows = (table: PackageTable) => [...replay.expected(table).values()].map(({ id, columns }: ExpectedRow) => ({ id, columns: { ...columns } }));
  return {
    package: rows('package'),
    package_unit: rows('package_unit'),
    package_child: rows('package_child'),
    package_event: rows('package_event'),
    unit_holder: rows('unit_holder'),
  };
}

describe('the package tables replayed from the ledger', () => {
  const history = () => [
    packed(CASE, ['A1', 'A2']),
    packed(PALLET, [], [CASE]),
    shipped(PALLET),
    received(PALLET),
    unpacked(PALLET, SHOP, [], [CASE]),
    unpacked(CASE, SHOP, ['A1', 'A2']),
  ];

  it('folds packing, shipping, receiving and unpacking into the rows the writer makes', () => {
    const replay = fold(history());
    const pallet = replay.expected('package').get(PALLET)!;
    expect(pallet.columns).toMatchObject({
      organization_id: FARM,
      custodian_id: SHOP,
      status: 'UNPACKED',
      child_count: 1,
      in_transit_to_id: null,
      shipped_by_id: null,
    });
    // The case was inside the pallet when it was received: the shop holds it and its units.
    expect(replay.expected('package').get(CASE)!.columns).toMatchObject({ custodian_id: SHOP, status: 'UNPACKED', child_count: 2 });
    const received = seq - 2;
    expect(replay.expected('unit_holder').get(`${GTIN}/A1`)!.columns).toEqual({ custodian_id: SHOP, since_seq: received });
    expect(replay.expected('package_unit').get(`${CASE}/${GTIN}/A2`)!.columns).toEqual({ packed_seq: seq - 5, unpacked_seq: seq });
    expect(replay.expected('package_child').get(`${PALLET}>${CASE}`)!.columns).toEqual({ packed_seq: seq - 4, unpacked_seq: seq - 1 });
    expect(replay.expected('package_event').size).toBe(6);
    expect(replay.problems).toEqual([]);
  });

  it('keeps a shipped package in transit to its destination, and a unit received in no package is not held', () => {
    const replay = fold([packed(CASE, ['B1']), shipped(CASE)]);
    expect(replay.expected('package').get(CASE)!.columns).toMatchObject({
      status: 'IN_TRANSIT',
      in_transit_to_id: SHOP,
      shipped_by_id: FARM,
      custodian_id: FARM,
    });
    expect(replay.expected('unit_holder').size).toBe(0);
  });

  it('is clean against the rows it makes, and names a changed column, a missing row and a row no entry makes', async () => {
    const entries = history();
    const tables = tablesOf(fold(entries));
    const audit = async () => {
      const tally = new AuditTally();
      await auditPackages(stream(entries), (table) => stream(tables[table]), tally);
      return tally.summary();
    };
    expect(await audit()).toMatchObject({ clean: true, disagreements: 0, rowsChecked: 2 + 2 + 1 + 6 + 2 });

    tables.package[0].columns.custodian_id = FARM;
    tables.unit_holder.pop();
    tables.package_event.push({ id: `${CASE}@999`, columns: { type: 'UNPACKED' } });
    const found = await audit();
    expect(found).toMatchObject({ clean: false, disagreements: 3 });
    expect(found.firstDisagreement).toMatchObject({ table: 'package', column: 'custodian_id', ledgerValue: SHOP, tableValue: FARM });
  });

  it('names an entry the writer would refuse, and leaves everything unchecked when a payload was erased', async () => {
    const orphan = fold([shipped(CASE)]);
    expect(orphan.problems[0]).toMatchObject({ table: 'package', id: CASE, reason: expect.stringContaining('no UNITS_PACKED entry packed it') });
    const tally = new AuditTally();
    await auditPackages(stream([packed(CASE, ['C1']), entry('UNPACKED', FARM, null)]), () => stream([]), tally);
    expect(tally.summary()).toMatchObject({ clean: true, rowsChecked: 0, uncheckedRows: 1 });
  });
});

describe('an organization’s GS1 company prefix', () => {
  const org = (prefix: string | null): ExpectedRow => ({ id: FARM, seq: 1, columns: { name: 'farm', gs1_company_prefix: prefix } });

  it('is the newest GS1_COMPANY_PREFIX_SET entry’s, else the registration’s', async () => {
    const amend = await gs1PrefixAmend(
      stream([
        entry('GS1_COMPANY_PREFIX_SET', 'system', { organizationId: FARM, gs1CompanyPrefix: '6901234' }),
        entry('GS1_COMPANY_PREFIX_SET', 'system', { organizationId: FARM, gs1CompanyPrefix: '6901235' }),
      ]),
    );
    expect(amend(org(null))).toMatchObject({ seq, columns: { gs1_company_prefix: '6901235' } });
    expect(amend({ ...org('6909999'), id: SHOP })?.columns.gs1_company_prefix).toBe('6909999');
    expect((await gs1PrefixAmend(stream([entry('GS1_COMPANY_PREFIX_SET', 'system', null)])))(org(null))).toBeNull();
  });
});
