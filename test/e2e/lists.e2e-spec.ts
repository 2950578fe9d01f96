import { describe, expect, it, jest } from '@jest/globals';
import { MAKERS } from '../../src/auth/caller.js';
import { Database } from '../../src/database/database.js';
import { ORGANIZATION_KINDS } from '../../src/organizations/organization-kind.js';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { CLOSE_RECALL, INITIATE_RECALL, RECORD_TEMPERATURES } from '../support/documents.js';
import { gql, gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';

const PAGE_OF_BATCHES = `query($first: Int, $after: String, $filter: BatchFilter) {
  batches(first: $first, after: $after, filter: $filter) { edges { cursor node { id lotCode } } pageInfo { hasNextPage endCursor } } }`;
const MY_BATCHES = `query($first: Int, $after: String, $filter: BatchFilter) {
  viewer { batches(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id lotCode withheldFields } } pageInfo { hasNextPage endCursor } } } }`;

const batchIdsBy = async (app: Parameters<typeof gqlOk>[0], key: string, producerId: string) =>
  ((await gqlOk(app, PAGE_OF_BATCHES, { first: 100, filter: { producerId } }, key)).batches as Page).edges.map((e) => e.node.id);

type Page = { edges: { cursor: string; node: { id: string; lotCode: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

/** Lists with cursor pagination: what each caller sees, page by page, as a client walks them. */
describe('lists', () => {
  const service = useTestApp();

  it("gives a producer its own facilities, products and batches (made or held), page by page, and nobody else's", async () => {
    const { app } = service;
    const farm = await createOrg(app, 'PRODUCER');
    const mill = await createOrg(app, 'PROCESSOR');
    const farmFacility = await registerFacility(app, farm, { region: '黑龙江省五常市' });
    const farmProduct = await registerProduct(app, farm);
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await registerBatch(app, farm, farmProduct, farmFacility, { lotCode: `FARM-${i}` }));
    const millFacility = await registerFacility(app, mill);
    const millProduct = await registerProduct(app, mill);
    const millBatch = await registerBatch(app, mill, millProduct, millFacility, { lotCode: 'MILL-0' });

    const viewer = await gqlOk(
      app,
      '{ viewer { organization { id kind } facilities { edges { node { id region } } } products { edges { node { id } } } apiKeys { id revokedAt } } }',
      undefined,
      farm.key,
    );
    expect(viewer.viewer.organization).toEqual({ id: farm.id, kind: 'PRODUCER' });
    expect(viewer.viewer.facilities.edges.map((e: { node: unknown }) => e.node)).toEqual([{ id: farmFacility, region: '黑龙江省五常市' }]);
    expect(viewer.viewer.products.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([farmProduct]);
    expect(viewer.viewer.apiKeys).toHaveLength(1);

    // Three pages of 3, 3 and 1, newest first, each batch once.
    const seen: string[] = [];
    let after: string | null = null;
    const pages: number[] = [];
    do {
      const page: Page = (await gqlOk(app, MY_BATCHES, { first: 3, after }, farm.key)).viewer.batches;
      pages.push(page.edges.length);
      seen.push(...page.edges.map((e) => e.node.lotCode));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      if (page.edges.length) expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
    } while (after);
    expect(pages).toEqual([3, 3, 1]);
    expect(seen).toEqual(['FARM-6', 'FARM-5', 'FARM-4', 'FARM-3', 'FARM-2', 'FARM-1', 'FARM-0']);

    // A batch registered while the client pages does not shift what comes after its cursor.
    const first = (await gqlOk(app, MY_BATCHES, { first: 2 }, farm.key)).viewer.batches as Page;
    await registerBatch(app, farm, farmProduct, farmFacility, { lotCode: 'FARM-7' });
    const next = (await gqlOk(app, MY_BATCHES, { first: 2, after: first.pageInfo.endCursor }, farm.key)).viewer.batches as Page;
    expect(next.edges.map((e) => e.node.lotCode)).toEqual(['FARM-4', 'FARM-3']);

    // Filters narrow the viewer's own list; another's product is simply not among its batches.
    const byLot = (await gqlOk(app, MY_BATCHES, { filter: { lotCode: 'FARM-2' } }, farm.key)).viewer.batches as Page;
    expect(byLot.edges.map((e) => e.node.id)).toEqual([made[2].id]);
    const others = (await gqlOk(app, MY_BATCHES, { filter: { productId: millProduct } }, farm.key)).viewer.batches as Page;
    expect(others.edges).toEqual([]);

    // The mill sees only its own; the farm's batches appear once it holds one (shipped to it and received).
    const mill0 = (await gqlOk(app, MY_BATCHES, {}, mill.key)).viewer.batches as Page;
    expect(mill0.edges.map((e) => e.node.id)).toEqual([millBatch.id]);
    const mine = (await gqlOk(app, '{ viewer { facilities { edges { node { id } } } products { edges { node { id } } } } }', undefined, mill.key)).viewer;
    expect(mine.facilities.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([millFacility]);
    expect(mine.products.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([millProduct]);

    // The admin key belongs to no organization: its viewer owns nothing.
    const admin = await gqlOk(
      app,
      '{ viewer { organization { id } batches { edges { cursor } pageInfo { hasNextPage endCursor } } apiKeys { id } } }',
      undefined,
      TEST_ADMIN_KEY,
    );
    expect(admin.viewer).toEqual({ organization: null, batches: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } }, apiKeys: [] });
  });

  it("gives every kind of key a viewer of its own organization's facilities, products and keys only, and no key none", async () => {
    const { app } = service;
    const owned = new Map<string, { key: string; facilities: string[]; products: string[] }>();
    for (const kind of ORGANIZATION_KINDS) {
      const org = await createOrg(app, kind);
      const facilities = [await registerFacility(app, org), await registerFacility(app, org)];
      const products = (MAKERS as readonly string[]).includes(kind) ? [await registerProduct(app, org)] : [];
      owned.set(org.id, { key: org.key, facilities, products });
    }
    const VIEWER = `{ viewer { organization { id }
      facilities(first: 100) { edges { node { id organization { id } } } } products(first: 100) { edges { node { id } } } apiKeys { id } } }`;
    for (const [id, mine] of owned) {
      const { viewer } = await gqlOk(app, VIEWER, undefined, mine.key);
      expect(viewer.organization).toEqual({ id });
      const facilities = viewer.facilities.edges.map((e: { node: { id: string; organization: { id: string } } }) => e.node);
      expect(facilities).toEqual([...mine.facilities].reverse().map((facility) => ({ id: facility, organization: { id } })));
      expect(viewer.products.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(mine.products);
      const keys = (await gqlOk(app, '{ apiKeys { id } }', undefined, mine.key)).apiKeys;
      expect(viewer.apiKeys).toEqual(keys);
      expect(keys).toHaveLength(1);
    }
    // Without a key there is no viewer, and nothing of any organization in the answer.
    const anonymous = await gql(app, VIEWER);
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'AUTHENTICATION_REQUIRED' });
    expect(anonymous.data ?? null).toBeNull();
    for (const id of owned.keys()) expect(JSON.stringify(anonymous)).not.toContain(id);
  });

  it('lets a regulator search batches across organizations by status, product, GTIN, lot, trace code, producer, region and production time', async () => {
    const { app } = service;
    const regulator = await createOrg(app, 'REGULATOR');
    const farm = await createOrg(app, 'PRODUCER');
    const other = await createOrg(app, 'PRODUCER');
    const gtin = '06901234567892';
    const rice = await registerProduct(app, farm, { gtin });
    const north = await registerFacility(app, farm, { region: '吉林省舒兰市' });
    const south = await registerFacility(app, farm, { region: '广东省增城区' });
    const early = await registerBatch(app, farm, rice, north, { lotCode: 'R-EARLY', producedAt: '2026-09-01T00:00:00.000Z' });
    const late = await registerBatch(app, farm, rice, south, { lotCode: 'R-LATE', producedAt: '2026-10-15T00:00:00.000Z' });
    const elsewhere = await registerBatch(app, other, await registerProduct(app, other), await registerFacility(app, other), { lotCode: 'R-EARLY' });

    const ids = async (filter: Record<string, unknown>) =>
      ((await gqlOk(app, PAGE_OF_BATCHES, { first: 100, filter }, regulator.key)).batches as Page).edges.map((e) => e.node.id);
    expect(await ids({ gtin })).toEqual([late.id, early.id]);
    expect(await ids({ productId: rice })).toEqual([late.id, early.id]);
    expect(await ids({ lotCode: 'R-EARLY' })).toEqual([elsewhere.id, early.id]);
    expect(await ids({ lotCode: 'R-EARLY', producerId: farm.id })).toEqual([early.id]);
    // The code under a label names one lot (the console's "find a lot"); one that is not a trace code is refused, naming the field.
    expect(await ids({ traceCode: elsewhere.traceCode })).toEqual([elsewhere.id]);
    const badCode = await gql(app, PAGE_OF_BATCHES, { first: 1, filter: { traceCode: 'not-a-code' } }, regulator.key);
    expect(badCode.errors?.[0].message).toContain('traceCode must be the 12 characters printed under the label');
    expect(await ids({ producerId: farm.id, region: '广东省增城区' })).toEqual([late.id]);
    expect(await ids({ producerId: farm.id, producedFrom: '2026-10-01T00:00:00.000Z', producedTo: '2026-11-01T00:00:00.000Z' })).toEqual([late.id]);
    expect(await ids({ producerId: farm.id, status: 'ACTIVE' })).toEqual([late.id, early.id]);
    expect(await ids({ producerId: farm.id, status: 'RECALLED' })).toEqual([]);

    // A region of several facilities (of two organizations) is walked in one order across them, page by page.
    const region = `测试区 ${Date.now()}`;
    const westMill = await registerFacility(app, farm, { region });
    const otherMill = await registerFacility(app, other, { region });
    const otherProduct = await registerProduct(app, other);
    const inRegion: string[] = [];
    for (let i = 0; i < 5; i++) {
      inRegion.unshift((await registerBatch(app, farm, rice, westMill)).id);
      inRegion.unshift((await registerBatch(app, other, otherProduct, otherMill)).id);
    }
    const walked: string[] = [];
    let after: string | null = null;
    do {
      const page: Page = (await gqlOk(app, PAGE_OF_BATCHES, { first: 3, after, filter: { region } }, regulator.key)).batches;
      walked.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(walked).toEqual(inRegion);
    expect(await ids({ region, status: 'ACTIVE', producerId: other.id })).toEqual(inRegion.filter((_, i) => i % 2 === 0));
    const farmsInRegion = (await gqlOk(app, MY_BATCHES, { first: 100, filter: { region } }, farm.key)).viewer.batches as Page;
    expect(farmsInRegion.edges.map((e) => e.node.id)).toEqual(inRegion.filter((_, i) => i % 2 === 1));

    // Nodes of the list read as batch(id) reads them: a regulator reads every batch whole.
    const whole = await gqlOk(app, '{ batches(first: 1) { edges { node { withheldFields events { type } } } } }', undefined, regulator.key);
    expect(whole.batches.edges[0].node.withheldFields).toEqual([]);

    // The same list is not the farm's to read across organizations.
    const refused = await gql(app, PAGE_OF_BATCHES, {}, farm.key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a page size out of bounds, a cursor it did not hand out and a cursor of another filter, naming the argument', async () => {
    const { app } = service;
    const regulator = await createOrg(app, 'REGULATOR');
    for (const first of [0, -1, 101]) {
      const res = await gql(app, PAGE_OF_BATCHES, { first }, regulator.key);
      expect(res.errors?.[0]).toMatchObject({ message: `first must be between 1 and 100, got ${first}`, extensions: { code: 'BAD_USER_INPUT' } });
    }
    const organizations = await gqlOk(app, '{ organizations(first: 1) { edges { cursor } } }', undefined, regulator.key);
    const foreign = organizations.organizations.edges[0].cursor as string;
    for (const after of ['not-a-cursor', foreign, Buffer.from('[1,"batch","1","x"]').toString('base64url'), 'x'.repeat(500)]) {
      const res = await gql(app, PAGE_OF_BATCHES, { after }, regulator.key);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(/^after: ".*" is not a cursor of this list/);
    }

    // A cursor belongs to the filter it was read with: under another filter its position would skip or repeat rows.
    const farm = await createOrg(app, 'PRODUCER');
    const product = await registerProduct(app, farm);
    const facility = await registerFacility(app, farm);
    for (let i = 0; i < 3; i++) await registerBatch(app, farm, product, facility, { lotCode: `SCOPE-${i}` });
    const byProducer = { producerId: farm.id };
    const firstPage = (await gqlOk(app, PAGE_OF_BATCHES, { first: 1, filter: byProducer }, regulator.key)).batches as Page;
    const cursor = firstPage.pageInfo.endCursor;
    const same = (await gqlOk(app, PAGE_OF_BATCHES, { first: 5, after: cursor, filter: { ...byProducer } }, regulator.key)).batches as Page;
    expect(same.edges.map((e) => e.node.lotCode)).toEqual(['SCOPE-1', 'SCOPE-0']);
    for (const filter of [undefined, { ...byProducer, status: 'ACTIVE' }, { productId: product }]) {
      const res = await gql(app, PAGE_OF_BATCHES, { after: cursor, filter }, regulator.key);
      expect(res.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/^after: this cursor is from the same list read with another filter/),
        extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_FILTER_MISMATCH' },
      });
    }
    // The farm's own list, read by the farm, is another list than the regulator's across organizations.
    const farmsCursor = ((await gqlOk(app, MY_BATCHES, { first: 1 }, farm.key)).viewer.batches as Page).pageInfo.endCursor;
    const crossed = await gql(app, PAGE_OF_BATCHES, { after: farmsCursor }, regulator.key);
    expect(crossed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_FILTER_MISMATCH' });
    const kinds = await gqlOk(app, '{ organizations(first: 1, kind: PRODUCER) { pageInfo { endCursor } } }', undefined, regulator.key);
    const otherKind = await gql(
      app,
      'query($after: String) { organizations(first: 1, kind: LAB, after: $after) { edges { cursor } } }',
      {
        after: kinds.organizations.pageInfo.endCursor,
      },
      regulator.key,
    );
    expect(otherKind.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_FILTER_MISMATCH' });

    const range = await gql(
      app,
      PAGE_OF_BATCHES,
      { filter: { producedFrom: '2026-11-01T00:00:00.000Z', producedTo: '2026-10-01T00:00:00.000Z' } },
      regulator.key,
    );
    expect(range.errors?.[0]).toMatchObject({ message: 'filter.producedFrom must be before filter.producedTo', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('lists organizations by kind and recalls by status, with their batches, for regulators', async () => {
    const { app } = service;
    const regulator = await createOrg(app, 'REGULATOR');
    const lab = await createOrg(app, 'LAB');
    const farm = await createOrg(app, 'PRODUCER');
    const facility = await registerFacility(app, farm);
    const product = await registerProduct(app, farm);
    const a = await registerBatch(app, farm, product, facility);
    const b = await registerBatch(app, farm, product, facility);
    const open = (await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [a.id], level: 'LEVEL_2', reason: '霉变' } }, regulator.key)).initiateRecall.id;
    const closed = (await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [b.id], level: 'LEVEL_3', reason: '标签' } }, regulator.key)).initiateRecall.id;
    await gqlOk(app, CLOSE_RECALL, { input: { recallId: closed, note: '已完成' } }, regulator.key);

    const labs = await gqlOk(app, '{ organizations(first: 100, kind: LAB) { edges { node { id kind } } } }', undefined, regulator.key);
    expect(labs.organizations.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(lab.id);
    expect(labs.organizations.edges.every((e: { node: { kind: string } }) => e.node.kind === 'LAB')).toBe(true);

    const recalls = (status: string) =>
      gqlOk(app, `{ recalls(first: 100, status: ${status}) { edges { node { id status affectedBatches { id } } } } }`, undefined, TEST_ADMIN_KEY);
    const opened = (await recalls('OPEN')).recalls.edges.map((e: { node: unknown }) => e.node);
    expect(opened).toContainEqual({ id: open, status: 'OPEN', affectedBatches: [{ id: a.id }] });
    expect(opened.map((r: { id: string }) => r.id)).not.toContain(closed);
    const shut = (await recalls('CLOSED')).recalls.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(shut).toEqual([closed]);
  });

  it('lists every kind of organization to a regulator (labs and certifiers too), by kind and unfiltered, and finds batches by any maker', async () => {
    const { app } = service;
    const regulator = await createOrg(app, 'REGULATOR');
    const made = new Map<string, string>();
    for (const kind of ORGANIZATION_KINDS) made.set(kind, (await createOrg(app, kind)).id);
    const listed = async (kind?: string) => {
      const nodes: { id: string; kind: string }[] = [];
      let after: string | null = null;
      do {
        const page: { edges: { node: { id: string; kind: string } }[]; pageInfo: Page['pageInfo'] } = (
          await gqlOk(
            app,
            `query($kind: OrganizationKind, $after: String) {
              organizations(first: 100, kind: $kind, after: $after) { edges { node { id kind } } pageInfo { hasNextPage endCursor } } }`,
            { kind, after },
            regulator.key,
          )
        ).organizations;
        nodes.push(...page.edges.map((e) => e.node));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      return nodes;
    };
    const everyone = await listed();
    for (const kind of ORGANIZATION_KINDS) {
      const ofKind = await listed(kind);
      expect(ofKind).toContainEqual({ id: made.get(kind), kind });
      expect(ofKind.every((o) => o.kind === kind)).toBe(true);
      expect(everyone).toContainEqual({ id: made.get(kind), kind });
    }
    // Each maker kind's batches are found by producer; a lab or certification body makes none, which is no error.
    for (const kind of MAKERS) {
      const org = await createOrg(app, kind);
      const batch = await registerBatch(app, org, await registerProduct(app, org), await registerFacility(app, org));
      expect(await batchIdsBy(app, regulator.key, org.id)).toEqual([batch.id]);
      expect(await batchIdsBy(app, regulator.key, made.get(kind)!)).toEqual([]);
    }
    for (const kind of ['LAB', 'CERTIFIER', 'LOGISTICS', 'REGULATOR']) expect(await batchIdsBy(app, regulator.key, made.get(kind)!)).toEqual([]);
  });

  it('reads a page of recalls in as many statements whatever its length, each recall as recall(id) answers it', async () => {
    const { app } = service;
    const regulator = await createOrg(app, 'REGULATOR');
    const farm = await createOrg(app, 'PRODUCER');
    const facility = await registerFacility(app, farm);
    const product = await registerProduct(app, farm);
    for (let i = 0; i < 8; i++) {
      const batch = await registerBatch(app, farm, product, facility);
      await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [batch.id], level: 'LEVEL_3', reason: `标签 ${i}` } }, regulator.key);
    }
    const page = `query($first: Int) { recalls(first: $first) {
      edges { node { id reason affectedBatches { id lotCode } effectiveness { organizationId unit affected recovered percent } } } } }`;
    // Every repository statement goes through Database.query (the primary) or Database.read (the replica router):
    // count those of the recalls and their batches (they still run).
    const db = app.get(Database);
    const spies = [jest.spyOn(db, 'query'), jest.spyOn(db, 'read')];
    const countFor = async (first: number) => {
      for (const spy of spies) spy.mockClear();
      const edges = (await gqlOk(app, page, { first }, regulator.key)).recalls.edges as { node: { id: string } }[];
      const calls = spies.flatMap((spy) => spy.mock.calls);
      const ours = calls.filter(([sql]) => /\b(recall|recall_batch|batch)\b/.test(typeof sql === 'string' ? sql : sql.text));
      return { recalls: edges.length, statements: ours.length };
    };
    try {
      const two = await countFor(2);
      const eight = await countFor(8);
      expect([two.recalls, eight.recalls]).toEqual([2, 8]);
      expect(eight.statements).toBe(two.statements);
      // The page's ids, its recalls, their batches, their effectiveness (none counted would mean the reads left Database).
      expect(eight.statements).toBe(4);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    // What the list says of a recall is what recall(id) says of it.
    const listed = (await gqlOk(app, page, { first: 1 }, regulator.key)).recalls.edges[0].node as { id: string };
    const single = await gqlOk(
      app,
      'query($id: ID!) { recall(id: $id) { id reason affectedBatches { id lotCode } effectiveness { organizationId unit affected recovered percent } } }',
      { id: listed.id },
      regulator.key,
    );
    expect(listed).toEqual(single.recall);
  });

  it('counts a list by its first against the budget: a page of 100 batches with their whole story costs past a keyed request', async () => {
    const { app } = service;
    const regulator = await createOrg(app, 'REGULATOR');
    const story = 'events { seq type actor hash prevHash recordedAt } inspections { agency standard items { name } } certificates { number }';
    const heavy = `{ batches(first: 100) { edges { node { ${story} } } } }`;
    const res = await gql(app, heavy, undefined, regulator.key);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX' });
    expect(res.errors?.[0]?.message).toMatch(/most in batches/);
    await gqlOk(app, heavy.replace('first: 100', 'first: 10'), undefined, regulator.key);
  });

  it('pages the ledger and the batches with excursions as connections, where the old lists stopped at 1,000', async () => {
    const { app } = service;
    const regulator = await createOrg(app, 'REGULATOR');
    const all = (await gqlOk(app, '{ ledgerEntries(first: 1000) { seq } }', undefined, regulator.key)).ledgerEntries as { seq: number }[];
    const seqs: number[] = [];
    let after: string | null = null;
    do {
      const page: { edges: { node: { seq: number } }[]; pageInfo: Page['pageInfo'] } = (
        await gqlOk(
          app,
          'query($after: String) { ledgerEntriesConnection(first: 7, after: $after) { edges { node { seq } } pageInfo { hasNextPage endCursor } } }',
          { after },
          regulator.key,
        )
      ).ledgerEntriesConnection;
      seqs.push(...page.edges.map((e) => e.node.seq));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seqs).toEqual(all.map((e) => e.seq));
    const tooMany = await gql(app, '{ ledgerEntriesConnection(first: 1001) { edges { cursor } } }', undefined, regulator.key);
    expect(tooMany.errors?.[0]?.message).toBe('first must be between 1 and 1000, got 1001');

    const farm = await createOrg(app, 'PRODUCER');
    const facility = await registerFacility(app, farm);
    const fish = await registerProduct(app, farm, { category: 'AQUATIC', storage: 'CHILLED', minTempC: 0, maxTempC: 4 });
    const warm = await registerBatch(app, farm, fish, facility);
    await registerBatch(app, farm, fish, facility);
    const readings = Array.from({ length: 13 }, (_, i) => ({ at: new Date(Date.parse('2026-10-08T00:00:00Z') + i * 600_000).toISOString(), celsius: 20 }));
    await gqlOk(app, RECORD_TEMPERATURES, { input: { batchId: warm.id, sensorId: 'probe-1', readings } }, farm.key);
    const old = (await gqlOk(app, '{ batchesWithExcursions { id } }', undefined, regulator.key)).batchesWithExcursions;
    const paged = (await gqlOk(app, '{ batchesWithExcursionsConnection { edges { node { id } } } }', undefined, regulator.key)).batchesWithExcursionsConnection;
    expect(paged.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(old.map((b: { id: string }) => b.id));
    expect(old.map((b: { id: string }) => b.id)).toContain(warm.id);
  });
});
