import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gql, gqlOk, rawBody, useTestApp } from '../support/test-app.js';
import { INITIATE_RECALL, RECORD_EVENT as RECORD, TRANSFORM_BATCHES as TRANSFORM } from '../support/documents.js';

const TRACE = `query($id: ID!, $direction: TraceDirection!, $depth: Int) { trace(batchId: $id, direction: $direction, maxDepth: $depth) {
  root { id } direction nodes { depth batch { id lotCode custodian { id } } } edges { fromBatchId toBatchId quantity }
  transformations { inputs { batchId quantity unit } outputs { quantity unit } yieldPercent } } }`;

describe('trace', () => {
  const service = useTestApp();

  it('walks downstream to every batch made from a lot and upstream to its origin, with quantities, bounded by depth', async () => {
    const { app } = service;
    const mill = await createOrg(app, 'PROCESSOR');
    const floor = await registerFacility(app, mill);
    const product = await registerProduct(app, mill);
    const paddy = await registerBatch(app, mill, product, floor, { quantity: 1000 });
    const [r1, r2] = (
      await gqlOk(
        app,
        TRANSFORM,
        {
          input: {
            facilityId: floor,
            eventTime: '2026-10-12T02:00:00.000Z',
            inputs: [{ batchId: paddy.id, quantity: 900 }],
            outputs: [
              { productId: product, lotCode: 'R-1', quantity: 500, unit: 'kg' },
              { productId: product, lotCode: 'R-2', quantity: 300, unit: 'kg' },
            ],
          },
        },
        mill.key,
      )
    ).transformBatches.outputs.map((o: { id: string }) => o.id);
    const [r1a] = (
      await gqlOk(
        app,
        TRANSFORM,
        {
          input: {
            facilityId: floor,
            eventTime: '2026-10-13T02:00:00.000Z',
            inputs: [{ batchId: r1, quantity: 500 }],
            outputs: [{ productId: product, lotCode: 'R-1a', quantity: 480, unit: 'kg' }],
          },
        },
        mill.key,
      )
    ).transformBatches.outputs.map((o: { id: string }) => o.id);
    const regulator = await createOrg(app, 'REGULATOR');

    const down = (await gqlOk(app, TRACE, { id: paddy.id, direction: 'DOWNSTREAM' }, regulator.key)).trace;
    expect(down.nodes.map((n: { depth: number; batch: { id: string } }) => [n.batch.id, n.depth]).sort()).toEqual(
      [
        [paddy.id, 0],
        [r1, 1],
        [r2, 1],
        [r1a, 2],
      ].sort(),
    );
    expect(down.nodes[0].batch.custodian.id).toBe(mill.id);
    expect(down.edges).toEqual(
      expect.arrayContaining([
        { fromBatchId: paddy.id, toBatchId: r1, quantity: 500 },
        { fromBatchId: paddy.id, toBatchId: r2, quantity: 300 },
        { fromBatchId: r1, toBatchId: r1a, quantity: 500 },
      ]),
    );
    expect(down.edges).toHaveLength(3);
    // Mass balance: 900 kg of paddy made 800 kg; 500 kg of R-1 made 480 kg.
    expect(down.transformations.map((t: { yieldPercent: number }) => t.yieldPercent).sort()).toEqual([88.9, 96]);
    expect(down.transformations.find((t: { yieldPercent: number }) => t.yieldPercent === 88.9).inputs).toEqual([
      { batchId: paddy.id, quantity: 900, unit: 'kg' },
    ]);

    const up = (await gqlOk(app, TRACE, { id: r1a, direction: 'UPSTREAM' }, mill.key)).trace;
    expect(up.nodes.map((n: { depth: number; batch: { lotCode: string } }) => `${n.batch.lotCode}@${n.depth}`)).toEqual([
      'R-1a@0',
      'R-1@1',
      `${paddy.lotCode}@2`,
    ]);

    const shallow = (await gqlOk(app, TRACE, { id: paddy.id, direction: 'DOWNSTREAM', depth: 1 }, regulator.key)).trace;
    expect(shallow.nodes).toHaveLength(3);
    expect((await gql(app, TRACE, { id: paddy.id, direction: 'DOWNSTREAM', depth: 0 }, regulator.key)).errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const stranger = await createOrg(app);
    expect((await gql(app, TRACE, { id: paddy.id, direction: 'DOWNSTREAM' }, stranger.key)).errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // The picture, for regulators: a box per batch, an arrow per edge; recalled batches in red.
    await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [r1], level: 'LEVEL_2', reason: 'test' } }, regulator.key);
    const svg = await request(app.getHttpServer())
      .get(`/trace/${paddy.id}.svg?direction=downstream`)
      .set('authorization', `Bearer ${regulator.key}`)
      .buffer(true)
      .parse(rawBody);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const body = (svg.body as Buffer).toString();
    expect(body.match(/<g class="batch/g)).toHaveLength(4);
    expect(body.match(/<line /g)).toHaveLength(3);
    expect(body.match(/class="batch recalled"/g)).toHaveLength(2); // R-1 and R-1a made from it
    expect((await request(app.getHttpServer()).get(`/trace/${paddy.id}.svg`).set('authorization', `Bearer ${mill.key}`)).status).toBe(403);
  });

  it('follows a dairy pool of three farms into many retail lots: a recall on one farm reaches exactly the lots made from its milk', async () => {
    const { app } = service;
    const plant = await createOrg(app, 'PROCESSOR', '海河乳品厂');
    const dock = await registerFacility(app, plant);
    const milk = await registerProduct(app, plant, { name: '巴氏杀菌乳 1L', category: 'DAIRY', storage: 'CHILLED' });
    // Four farms ship raw milk to the plant; farms 1-3 go into pool A, farm 3's rest and farm 4 into pool B.
    const farms: { id: string }[] = [];
    for (const n of [1, 2, 3, 4]) {
      const farm = await createOrg(app, 'PRODUCER', `牧场${n}`);
      const yard = await registerFacility(app, farm);
      const raw = await registerBatch(app, farm, await registerProduct(app, farm, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED' }), yard, {
        quantity: 1000,
        unit: 'kg',
        lotCode: `RAW-${n}`,
      });
      await gqlOk(
        app,
        RECORD,
        {
          input: {
            batchId: raw.id,
            bizStep: 'SHIPPING',
            eventTime: '2026-11-20T20:00:00.000Z',
            facilityId: yard,
            destinationOrganizationId: plant.id,
            quantity: 1000,
            details: { shipToLocation: 'dock', referenceDocumentType: 'DN', referenceDocumentNumber: `D-${n}` },
          },
        },
        farm.key,
      );
      await gqlOk(
        app,
        RECORD,
        { input: { batchId: raw.id, bizStep: 'RECEIVING', eventTime: '2026-11-20T23:00:00.000Z', facilityId: dock, quantity: 1000 } },
        plant.key,
      );
      farms.push(raw);
    }
    const pool = async (lotCode: string, inputs: { batchId: string; quantity: number }[]) =>
      (
        await gqlOk(
          app,
          TRANSFORM,
          {
            input: {
              facilityId: dock,
              eventTime: '2026-11-21T02:00:00.000Z',
              inputs,
              outputs: [{ productId: milk, lotCode, quantity: inputs.reduce((a, l) => a + l.quantity, 0), unit: 'kg' }],
            },
          },
          plant.key,
        )
      ).transformBatches.outputs[0].id as string;
    const poolA = await pool('POOL-A', [
      { batchId: farms[0].id, quantity: 1000 },
      { batchId: farms[1].id, quantity: 1000 },
      { batchId: farms[2].id, quantity: 600 },
    ]);
    const poolB = await pool('POOL-B', [
      { batchId: farms[2].id, quantity: 400 },
      { batchId: farms[3].id, quantity: 1000 },
    ]);
    const bottle = async (from: string, prefix: string, count: number) =>
      (
        await gqlOk(
          app,
          TRANSFORM,
          {
            input: {
              facilityId: dock,
              eventTime: '2026-11-21T06:00:00.000Z',
              inputs: [{ batchId: from, quantity: count * 100 }],
              outputs: Array.from({ length: count }, (_, i) => ({ productId: milk, lotCode: `${prefix}-${i + 1}`, quantity: 100, unit: 'L' })),
            },
          },
          plant.key,
        )
      ).transformBatches.outputs.map((o: { id: string }) => o.id) as string[];
    const lotsA = await bottle(poolA, 'A', 20);
    const lotsB = await bottle(poolB, 'B', 8);
    // Some retail lots go on to shops, so their holders differ.
    const shop = await createOrg(app, 'RETAILER', '津门优选超市');
    const shelf = await registerFacility(app, shop);
    for (const lot of [lotsA[0], lotsA[1], lotsB[0]]) {
      await gqlOk(
        app,
        RECORD,
        {
          input: {
            batchId: lot,
            bizStep: 'SHIPPING',
            eventTime: '2026-11-21T08:00:00.000Z',
            facilityId: dock,
            destinationOrganizationId: shop.id,
            quantity: 100,
            details: { shipToLocation: 'shop', referenceDocumentType: 'DN', referenceDocumentNumber: 'S-1' },
          },
        },
        plant.key,
      );
      await gqlOk(
        app,
        RECORD,
        { input: { batchId: lot, bizStep: 'RECEIVING', eventTime: '2026-11-21T10:00:00.000Z', facilityId: shelf, quantity: 100 } },
        shop.key,
      );
    }
    const regulator = await createOrg(app, 'REGULATOR');
    const reached = async (id: string, direction: string) =>
      new Set(((await gqlOk(app, TRACE, { id, direction }, regulator.key)).trace.nodes as { batch: { id: string } }[]).map((n) => n.batch.id));

    expect(await reached(farms[0].id, 'DOWNSTREAM')).toEqual(new Set([farms[0].id, poolA, ...lotsA]));
    expect(await reached(farms[2].id, 'DOWNSTREAM')).toEqual(new Set([farms[2].id, poolA, poolB, ...lotsA, ...lotsB]));
    expect(await reached(lotsA[7], 'UPSTREAM')).toEqual(new Set([lotsA[7], poolA, farms[0].id, farms[1].id, farms[2].id]));
    expect(await reached(lotsB[3], 'UPSTREAM')).toEqual(new Set([lotsB[3], poolB, farms[2].id, farms[3].id]));
    const down = (await gqlOk(app, TRACE, { id: farms[0].id, direction: 'DOWNSTREAM' }, regulator.key)).trace;
    const holders = Object.fromEntries(down.nodes.map((n: { batch: { id: string; custodian: { id: string } } }) => [n.batch.id, n.batch.custodian.id]));
    expect([holders[lotsA[0]], holders[lotsA[1]], holders[lotsA[2]]]).toEqual([shop.id, shop.id, plant.id]);
    // Mass balance of pool A as the trace from farm 1 shows it: 2,600 kg in, 2,600 kg out.
    const poolBalance = down.transformations.find((t: { inputs: { batchId: string }[] }) => t.inputs.some((l) => l.batchId === farms[0].id));
    expect(poolBalance.inputs.map((l: { quantity: number }) => l.quantity).sort()).toEqual([1000, 1000, 600]);
    expect(poolBalance.yieldPercent).toBe(100);

    const recall = (
      await gqlOk(
        app,
        'mutation($input: InitiateRecallInput!) { initiateRecall(input: $input) { affectedBatches { id } } }',
        { input: { batchIds: [farms[0].id], level: 'LEVEL_1', reason: '黄曲霉毒素M1超标' } },
        regulator.key,
      )
    ).initiateRecall;
    expect(new Set(recall.affectedBatches.map((b: { id: string }) => b.id))).toEqual(new Set([farms[0].id, poolA, ...lotsA]));
    const status = async (id: string) => (await gqlOk(app, 'query($id: ID!) { batch(id: $id) { status } }', { id }, regulator.key)).batch.status;
    expect(await status(lotsA[0])).toBe('RECALLED');
    expect(await status(lotsA[19])).toBe('RECALLED');
    expect(await status(lotsB[0])).toBe('ACTIVE');
    expect(await status(farms[1].id)).not.toBe('RECALLED'); // another farm in the pool is upstream, not downstream
  });

  it('gives every node the product, custodian and cold-chain status the batch query gives, and marks GraphQL answers not to be stored', async () => {
    const { app } = service;
    const farm = await createOrg(app, 'PRODUCER', '牧场5');
    const yard = await registerFacility(app, farm);
    const raw = await registerBatch(app, farm, await registerProduct(app, farm, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED' }), yard, {
      quantity: 1000,
      unit: 'kg',
    });
    const powder = await registerProduct(app, farm, { name: '奶粉', category: 'DAIRY', storage: 'AMBIENT' });
    const outputs = (
      await gqlOk(
        app,
        TRANSFORM,
        {
          input: {
            facilityId: yard,
            eventTime: '2026-11-21T02:00:00.000Z',
            inputs: [{ batchId: raw.id, quantity: 1000 }],
            outputs: [1, 2].map((i) => ({ productId: powder, lotCode: `P-${i}`, quantity: 100, unit: 'kg' })),
          },
        },
        farm.key,
      )
    ).transformBatches.outputs.map((o: { id: string }) => o.id) as string[];
    // One output moves to a shop, so the nodes have two custodians.
    const shop = await createOrg(app, 'RETAILER', '津门优选超市 5 号店');
    const shelf = await registerFacility(app, shop);
    await gqlOk(
      app,
      RECORD,
      {
        input: {
          batchId: outputs[0],
          bizStep: 'SHIPPING',
          eventTime: '2026-11-21T08:00:00.000Z',
          facilityId: yard,
          destinationOrganizationId: shop.id,
          quantity: 100,
          details: { shipToLocation: 'shop', referenceDocumentType: 'DN', referenceDocumentNumber: 'S-5' },
        },
      },
      farm.key,
    );
    await gqlOk(
      app,
      RECORD,
      { input: { batchId: outputs[0], bizStep: 'RECEIVING', eventTime: '2026-11-21T10:00:00.000Z', facilityId: shelf, quantity: 100 } },
      shop.key,
    );
    const regulator = await createOrg(app, 'REGULATOR');
    const FIELDS = 'id product { id name storage gtin } custodian { id name kind uscc } coldChainStatus';

    const res = await request(app.getHttpServer())
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${regulator.key}`)
      .send({ query: `query($id: ID!) { trace(batchId: $id, direction: DOWNSTREAM) { nodes { batch { ${FIELDS} } } } }`, variables: { id: raw.id } });
    expect(res.headers['cache-control']).toBe('no-store');
    const nodes = (res.body.data.trace.nodes as { batch: { id: string; custodian: { id: string } } }[]).map((n) => n.batch);
    expect(nodes).toHaveLength(3);
    expect(new Set(nodes.map((b) => b.custodian.id))).toEqual(new Set([farm.id, shop.id]));
    for (const node of nodes)
      expect(node).toEqual((await gqlOk(app, `query($id: ID!) { batch(id: $id) { ${FIELDS} } }`, { id: node.id }, regulator.key)).batch);
  });
});

const TRACE_CONNECTION = `query($id: ID!, $direction: TraceDirection!, $first: Int, $after: String) {
  traceConnection(batchId: $id, direction: $direction, first: $first, after: $after) {
    totalCount edges { cursor node { depth batch { id lotCode } } } pageInfo { hasNextPage endCursor } lineageEdges { fromBatchId toBatchId quantity } } }`;

type TraceNodeRow = { depth: number; batch: { id: string; lotCode: string } };

describe('trace a page at a time, and the whole trace streamed', () => {
  const service = useTestApp();

  /** paddy → S-0…S-4 → S-i-0, S-i-1, and one blend of S-0-0 with S-1-0: 17 lots, 17 edges, one lot with two parents. */
  async function lineage() {
    const { app } = service;
    const mill = await createOrg(app, 'PROCESSOR');
    const floor = await registerFacility(app, mill);
    const product = await registerProduct(app, mill);
    const paddy = await registerBatch(app, mill, product, floor, { quantity: 1000 });
    const transform = async (inputs: { batchId: string; quantity: number }[], lotCodes: string[], quantity = 5) =>
      (
        await gqlOk(
          app,
          TRANSFORM,
          {
            input: {
              facilityId: floor,
              eventTime: '2026-10-12T02:00:00.000Z',
              inputs,
              outputs: lotCodes.map((lotCode) => ({ productId: product, lotCode, quantity, unit: 'kg' })),
            },
          },
          mill.key,
        )
      ).transformBatches.outputs.map((o: { id: string }) => o.id) as string[];
    const splits = await transform(
      [{ batchId: paddy.id, quantity: 100 }],
      [0, 1, 2, 3, 4].map((i) => `S-${i}`),
      20,
    );
    const leaves: string[] = [];
    for (const [i, id] of splits.entries()) leaves.push(...(await transform([{ batchId: id, quantity: 20 }], [`S-${i}-0`, `S-${i}-1`])));
    await transform(
      [
        { batchId: leaves[0], quantity: 2 },
        { batchId: leaves[2], quantity: 2 },
      ],
      ['BLEND'],
      4,
    );
    return { mill, paddy };
  }

  it('gives every lot and every lineage edge of the trace exactly once across its pages, and the same lots as CSV and NDJSON', async () => {
    const { app } = service;
    const { mill, paddy } = await lineage();
    const regulator = await createOrg(app, 'REGULATOR');
    const whole = (await gqlOk(app, TRACE, { id: paddy.id, direction: 'DOWNSTREAM' }, regulator.key)).trace;
    expect(whole.nodes).toHaveLength(17);

    const seen: TraceNodeRow[] = [];
    const edges: unknown[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: {
        totalCount: number;
        edges: { cursor: string; node: TraceNodeRow }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
        lineageEdges: unknown[];
      } = (await gqlOk(app, TRACE_CONNECTION, { id: paddy.id, direction: 'DOWNSTREAM', first: 4, after }, mill.key)).traceConnection;
      pages += 1;
      expect(page.totalCount).toBe(17);
      expect(page.edges.length).toBeLessThanOrEqual(4);
      seen.push(...page.edges.map((e) => e.node));
      edges.push(...page.lineageEdges);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(5);
    expect(seen.map((n) => n.batch.id).sort()).toEqual(whole.nodes.map((n: TraceNodeRow) => n.batch.id).sort());
    expect(new Set(seen.map((n) => n.batch.id)).size).toBe(17);
    // In the walk's order: depth never goes back.
    expect(seen.map((n) => n.depth)).toEqual([...seen.map((n) => n.depth)].sort((a, b) => a - b));
    expect(seen.find((n) => n.batch.lotCode === 'BLEND')?.depth).toBe(3);
    expect(edges).toHaveLength(17);
    expect(edges).toEqual(expect.arrayContaining(whole.edges));

    // A cursor of another list, or none this service gave, is refused naming it.
    const bad = await gql(app, TRACE_CONNECTION, { id: paddy.id, direction: 'DOWNSTREAM', after: 'bm90LWEtY3Vyc29y' }, mill.key);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(app, TRACE_CONNECTION, { id: paddy.id, direction: 'DOWNSTREAM', first: 501 }, mill.key)).errors?.[0].message).toMatch(/first/);
    // A cursor of this trace is refused by another one (the same lot sits elsewhere, or nowhere, in it).
    const firstPage = (await gqlOk(app, TRACE_CONNECTION, { id: paddy.id, direction: 'DOWNSTREAM', first: 4 }, mill.key)).traceConnection;
    const elsewhere = await gql(app, TRACE_CONNECTION, { id: paddy.id, direction: 'UPSTREAM', first: 4, after: firstPage.pageInfo.endCursor }, mill.key);
    expect(elsewhere.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_FILTER_MISMATCH' });

    const csv = await request(app.getHttpServer()).get(`/trace/${paddy.id}/lots.csv?direction=downstream`).set('authorization', `Bearer ${regulator.key}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^depth,batch_id,lot_code,trace_code,product,/);
    const csvIds = lines.slice(1).map((line) => line.split(',')[1]);
    expect(csvIds).toEqual(seen.map((n) => n.batch.id));
    const blend = lines.find((line) => line.split(',')[2] === 'BLEND')!;
    expect(blend.split(',').at(-1)!.split(' ')).toHaveLength(2); // made from two lots of the trace

    const ndjson = await request(app.getHttpServer()).get(`/trace/${paddy.id}/lots.ndjson?direction=DOWNSTREAM`).set('authorization', `Bearer ${mill.key}`);
    expect(ndjson.status).toBe(200);
    const objects = ndjson.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; depth: number; linkedTo: string[] });
    expect(objects.map((o) => o.id)).toEqual(seen.map((n) => n.batch.id));
    expect(objects[0]).toMatchObject({ id: paddy.id, depth: 0, linkedTo: [] });

    const up = await request(app.getHttpServer())
      .get(`/trace/${seen.at(-1)!.batch.id}/lots.csv?direction=UPSTREAM`)
      .set('authorization', `Bearer ${mill.key}`);
    expect(up.text.trim().split('\r\n')).toHaveLength(1 + 6); // the header, then BLEND, S-0-0, S-1-0, S-0, S-1, paddy
  });

  it('refuses pages and streams to whoever may not run the trace, before anything of it is sent', async () => {
    const { app } = service;
    const { paddy } = await lineage();
    const stranger = await createOrg(app);
    expect((await gql(app, TRACE_CONNECTION, { id: paddy.id, direction: 'DOWNSTREAM' }, stranger.key)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql(app, TRACE_CONNECTION, { id: paddy.id, direction: 'DOWNSTREAM' })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const get = (path: string, key?: string) => {
      const req = request(app.getHttpServer()).get(path);
      return key ? req.set('authorization', `Bearer ${key}`) : req;
    };
    const refused = await get(`/trace/${paddy.id}/lots.csv`, stranger.key);
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain(paddy.lotCode);
    expect((await get(`/trace/${paddy.id}/lots.ndjson`)).status).toBe(401);
    expect((await get(`/trace/${paddy.id}/lots.xml`, stranger.key)).status).toBe(400);
    expect((await get(`/trace/${paddy.id}/lots.csv?maxDepth=0`, stranger.key)).status).toBe(400);
    expect((await get(`/trace/00000000-0000-4000-8000-000000000000/lots.csv`, stranger.key)).status).toBe(404);
  });
});

describe('trace node limit', () => {
  const service = useTestApp({ TRACE_NODE_LIMIT: '12' });

  it('stops a walk past the node limit with a clear error, and answers within it', async () => {
    const { app } = service;
    const mill = await createOrg(app, 'PROCESSOR');
    const floor = await registerFacility(app, mill);
    const product = await registerProduct(app, mill);
    const paddy = await registerBatch(app, mill, product, floor, { quantity: 1000 });
    const outputs = (
      await gqlOk(
        app,
        TRANSFORM,
        {
          input: {
            facilityId: floor,
            eventTime: '2026-10-12T02:00:00.000Z',
            inputs: [{ batchId: paddy.id, quantity: 100 }],
            outputs: Array.from({ length: 5 }, (_, i) => ({ productId: product, lotCode: `S-${i}`, quantity: 20, unit: 'kg' })),
          },
        },
        mill.key,
      )
    ).transformBatches.outputs.map((o: { id: string }) => o.id) as string[];
    for (const [i, id] of outputs.entries()) {
      await gqlOk(
        app,
        TRANSFORM,
        {
          input: {
            facilityId: floor,
            eventTime: '2026-10-13T02:00:00.000Z',
            inputs: [{ batchId: id, quantity: 20 }],
            outputs: [0, 1].map((j) => ({ productId: product, lotCode: `S-${i}-${j}`, quantity: 10, unit: 'kg' })),
          },
        },
        mill.key,
      );
    }
    // 1 + 5 + 10 batches downstream: past a limit of 12 at full depth, within it at depth 1.
    const full = await gql(app, TRACE, { id: paddy.id, direction: 'DOWNSTREAM' }, mill.key);
    expect(full.data).toBeNull();
    expect(full.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_RANGE' });
    expect(full.errors?.[0].message).toBe('the trace reaches more than 12 batches within depth 50; ask for a smaller maxDepth');
    const shallow = (await gqlOk(app, TRACE, { id: paddy.id, direction: 'DOWNSTREAM', depth: 1 }, mill.key)).trace;
    expect(shallow.nodes).toHaveLength(6);
  });
});
