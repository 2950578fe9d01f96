import { describe, expect, it } from '@jest/globals';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { RECORD_INSPECTION } from '../support/documents.js';
import { gql, gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';

const FIND = 'query($filter: BatchFilter) { batches(first: 20, filter: $filter) { edges { node { id lotCode events { type } } } } }';
const LIST = `query($filter: InspectionFilter, $first: Int, $after: String) {
  inspections(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id verdict agency recordedAt items { name value limit passed } inspectedBy { name kind } batch { id lotCode status } } }
    pageInfo { hasNextPage endCursor } } }`;

interface ListedInspection {
  id: string;
  verdict: string;
  agency: string | null;
  recordedAt: string;
  items: { name: string; value: number | null; limit: number | null; passed: boolean }[];
  inspectedBy: { name: string; kind: string };
  batch: { id: string; lotCode: string; status: string };
}
interface InspectionPage {
  edges: { cursor: string; node: ListedInspection }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe('labs find a lot; the inspections list', () => {
  const service = useTestApp();

  it('lets a lab find one lot by trace code or by GTIN + lot code, and refuses it any other filter', async () => {
    const { app } = service;
    const farm = await createOrg(app, 'PRODUCER');
    const field = await registerFacility(app, farm);
    const gtin = '06920000000111';
    const rice = await registerProduct(app, farm, { gtin });
    const lot = await registerBatch(app, farm, rice, field, { lotCode: 'XZD-LAB-1' });
    await registerBatch(app, farm, rice, field, { lotCode: 'XZD-LAB-2' });
    const lab = await createOrg(app, 'LAB', '天津市食品检验所');

    const byCode = await gqlOk(app, FIND, { filter: { traceCode: lot.traceCode } }, lab.key);
    // The lot, read whole (its events too), as batch(id) answers a lab.
    expect(byCode.batches.edges.map((e: { node: { lotCode: string } }) => e.node.lotCode)).toEqual(['XZD-LAB-1']);
    expect(byCode.batches.edges[0].node.events.map((e: { type: string }) => e.type)).toEqual(['BATCH_REGISTERED']);
    const byGtin = await gqlOk(app, FIND, { filter: { gtin, lotCode: 'XZD-LAB-1' } }, lab.key);
    expect(byGtin.batches.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([lot.id]);
    expect((await gqlOk(app, FIND, { filter: { traceCode: 'ZZZZZZZZZZZZ' } }, lab.key)).batches.edges).toEqual([]);

    // Browsing is refused, with the code naming why: no filter, a lot code alone, a GTIN alone, one lot narrowed by more.
    for (const filter of [null, {}, { lotCode: 'XZD-LAB-1' }, { gtin }, { status: 'ACTIVE' }, { traceCode: lot.traceCode, status: 'ACTIVE' }]) {
      const refused = await gql(app, FIND, { filter }, lab.key);
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'LOT_LOOKUP_ONLY' } });
      expect(refused.errors?.[0].message).toContain('traceCode');
    }
    // Other organizations are refused as before, even with a filter naming one lot; regulators browse.
    const shop = await createOrg(app, 'RETAILER');
    expect((await gql(app, FIND, { filter: { traceCode: lot.traceCode } }, shop.key)).errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' },
    });
    const regulator = await createOrg(app, 'REGULATOR');
    expect((await gqlOk(app, FIND, { filter: { lotCode: 'XZD-LAB-2' } }, regulator.key)).batches.edges).toHaveLength(1);
  });

  it('lists inspections newest first: regulators and the admin all, a lab its own, others refused; pages by cursor', async () => {
    const { app } = service;
    const farm = await createOrg(app, 'PRODUCER');
    const field = await registerFacility(app, farm);
    const rice = await registerProduct(app, farm);
    const lots = [];
    for (let i = 0; i < 3; i++) lots.push(await registerBatch(app, farm, rice, field));
    const labA = await createOrg(app, 'LAB', '检验所 A');
    const labB = await createOrg(app, 'LAB', '检验所 B');
    const regulator = await createOrg(app, 'REGULATOR', '市场监管局');
    const inspect = (key: string, batchId: string, cadmium: number, agency: string) =>
      gqlOk(
        app,
        RECORD_INSPECTION,
        {
          input: {
            batchId,
            agency,
            verdict: cadmium > 0.2 ? 'FAIL' : 'PASS',
            items: [{ name: '镉 (Cd)', value: cadmium, limit: 0.2, unit: 'mg/kg', passed: cadmium <= 0.2 }],
          },
        },
        key,
      );
    await inspect(labA.key, lots[0].id, 0.35, 'A-1 fail');
    await inspect(labA.key, lots[1].id, 0.05, 'A-2 pass');
    await inspect(labB.key, lots[1].id, 0.4, 'B-1 fail');
    await inspect(labA.key, lots[2].id, 0.3, 'A-3 fail');
    await inspect(regulator.key, lots[2].id, 0.5, 'R-1 fail');
    const list = async (key: string, variables: Record<string, unknown>) =>
      (await gqlOk<{ inspections: InspectionPage }>(app, LIST, variables, key)).inspections;
    const agencies = (page: InspectionPage) => page.edges.map((e) => e.node.agency);

    const failed = await list(regulator.key, { filter: { verdict: 'FAIL' } });
    expect(agencies(failed)).toEqual(['R-1 fail', 'A-3 fail', 'B-1 fail', 'A-1 fail']);
    const first = failed.edges[3].node;
    expect(first.items).toEqual([{ name: '镉 (Cd)', value: 0.35, limit: 0.2, passed: false }]);
    expect(first.inspectedBy).toEqual({ name: '检验所 A', kind: 'LAB' });
    // The lot and whether it is still held: a failure holds it.
    expect(first.batch).toEqual({ id: lots[0].id, lotCode: lots[0].lotCode, status: 'ON_HOLD' });
    expect(Date.parse(first.recordedAt)).toBeLessThanOrEqual(Date.parse(failed.edges[0].node.recordedAt));
    expect(agencies(await list(TEST_ADMIN_KEY, {}))).toEqual(['R-1 fail', 'A-3 fail', 'B-1 fail', 'A-2 pass', 'A-1 fail']);
    expect(agencies(await list(regulator.key, { filter: { batchId: lots[1].id } }))).toEqual(['B-1 fail', 'A-2 pass']);
    expect(agencies(await list(regulator.key, { filter: { verdict: 'PASS', batchId: lots[1].id } }))).toEqual(['A-2 pass']);

    // A lab sees what it recorded, not another lab's findings nor the regulator's.
    expect(agencies(await list(labA.key, {}))).toEqual(['A-3 fail', 'A-2 pass', 'A-1 fail']);
    expect(agencies(await list(labA.key, { filter: { verdict: 'FAIL' } }))).toEqual(['A-3 fail', 'A-1 fail']);
    expect(agencies(await list(labB.key, { filter: { batchId: lots[1].id } }))).toEqual(['B-1 fail']);

    // Pages: two at a time, each cursor reading on from the last edge; the last page says so.
    const pageOne = await list(labA.key, { first: 2 });
    expect(agencies(pageOne)).toEqual(['A-3 fail', 'A-2 pass']);
    expect(pageOne.pageInfo.hasNextPage).toBe(true);
    const pageTwo = await list(labA.key, { first: 2, after: pageOne.pageInfo.endCursor });
    expect(agencies(pageTwo)).toEqual(['A-1 fail']);
    expect(pageTwo.pageInfo.hasNextPage).toBe(false);
    // A lab's cursor means nothing in another lab's list, nor under another filter.
    const otherLab = await gql(app, LIST, { first: 2, after: pageOne.pageInfo.endCursor }, labB.key);
    expect(otherLab.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_FILTER_MISMATCH' } });
    const otherFilter = await gql(app, LIST, { first: 2, after: pageOne.pageInfo.endCursor, filter: { verdict: 'FAIL' } }, labA.key);
    expect(otherFilter.errors?.[0]).toMatchObject({ extensions: { reason: 'CURSOR_FILTER_MISMATCH' } });
    expect((await gql(app, LIST, { first: 0 }, labA.key)).errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });

    // An unknown batch is a mistake named, not an empty list; everyone else is refused.
    const unknown = await gql(app, LIST, { filter: { batchId: '00000000-0000-4000-8000-000000000000' } }, regulator.key);
    expect(unknown.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND', reason: 'BATCH_NOT_FOUND' } });
    expect((await gql(app, LIST, {}, farm.key)).errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' } });
    expect((await gql(app, LIST, {})).errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
