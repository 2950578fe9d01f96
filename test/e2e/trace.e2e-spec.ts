import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gql, gqlOk, rawBody, useTestApp } from '../support/test-app.js';

const TRACE = `query($id: ID!, $direction: TraceDirection!, $depth: Int) { trace(batchId: $id, direction: $direction, maxDepth: $depth) {
  root { id } direction nodes { depth batch { id lotCode custodian { id } } } edges { fromBatchId toBatchId quantity }
  transformations { inputs { batchId quantity unit } outputs { quantity unit } yieldPercent } } }`;
const TRANSFORM = 'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id } } }';

describe('trace', () => {
  const service = useTestApp();

  it('walks downstream to every batch made from a lot and upstream to its origin, with quantities, bounded by depth', async () => {
    const { app } = service;
    const mill = await createOrg(app, 'PROCESSOR');
    const floor = await registerFacility(app, mill);
    const product = await registerProduct(app, mill);
    const paddy = await registerBatch(app, mill, product, floor, { quantity: 1000 });
    const [r1, r2] = (
      await gqlOk(app, TRANSFORM, {
        input: { facilityId: floor, eventTime: '2026-10-12T02:00:00.000Z', inputs: [{ batchId: paddy.id, quantity: 900 }], outputs: [{ productId: product, lotCode: 'R-1', quantity: 500, unit: 'kg' }, { productId: product, lotCode: 'R-2', quantity: 300, unit: 'kg' }] },
      }, mill.key)
    ).transformBatches.outputs.map((o: { id: string }) => o.id);
    const [r1a] = (
      await gqlOk(app, TRANSFORM, {
        input: { facilityId: floor, eventTime: '2026-10-13T02:00:00.000Z', inputs: [{ batchId: r1, quantity: 500 }], outputs: [{ productId: product, lotCode: 'R-1a', quantity: 480, unit: 'kg' }] },
      }, mill.key)
    ).transformBatches.outputs.map((o: { id: string }) => o.id);
    const regulator = await createOrg(app, 'REGULATOR');

    const down = (await gqlOk(app, TRACE, { id: paddy.id, direction: 'DOWNSTREAM' }, regulator.key)).trace;
    expect(down.nodes.map((n: { depth: number; batch: { id: string } }) => [n.batch.id, n.depth]).sort()).toEqual([[paddy.id, 0], [r1, 1], [r2, 1], [r1a, 2]].sort());
    expect(down.nodes[0].batch.custodian.id).toBe(mill.id);
    expect(down.edges).toEqual(expect.arrayContaining([{ fromBatchId: paddy.id, toBatchId: r1, quantity: 500 }, { fromBatchId: paddy.id, toBatchId: r2, quantity: 300 }, { fromBatchId: r1, toBatchId: r1a, quantity: 500 }]));
    expect(down.edges).toHaveLength(3);
    // Mass balance: 900 kg of paddy made 800 kg; 500 kg of R-1 made 480 kg.
    expect(down.transformations.map((t: { yieldPercent: number }) => t.yieldPercent).sort()).toEqual([88.9, 96]);
    expect(down.transformations.find((t: { yieldPercent: number }) => t.yieldPercent === 88.9).inputs).toEqual([{ batchId: paddy.id, quantity: 900, unit: 'kg' }]);

    const up = (await gqlOk(app, TRACE, { id: r1a, direction: 'UPSTREAM' }, mill.key)).trace;
    expect(up.nodes.map((n: { depth: number; batch: { lotCode: string } }) => `${n.batch.lotCode}@${n.depth}`)).toEqual(['R-1a@0', 'R-1@1', `${paddy.lotCode}@2`]);

    const shallow = (await gqlOk(app, TRACE, { id: paddy.id, direction: 'DOWNSTREAM', depth: 1 }, regulator.key)).trace;
    expect(shallow.nodes).toHaveLength(3);
    expect((await gql(app, TRACE, { id: paddy.id, direction: 'DOWNSTREAM', depth: 0 }, regulator.key)).errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const stranger = await createOrg(app);
    expect((await gql(app, TRACE, { id: paddy.id, direction: 'DOWNSTREAM' }, stranger.key)).errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // The picture, for regulators: a box per batch, an arrow per edge; recalled batches in red.
    await gqlOk(app, 'mutation($input: InitiateRecallInput!) { initiateRecall(input: $input) { id } }', { input: { batchIds: [r1], level: 'LEVEL_2', reason: 'test' } }, regulator.key);
    const svg = await request(app.getHttpServer()).get(`/trace/${paddy.id}.svg?direction=downstream`).set('authorization', `Bearer ${regulator.key}`).buffer(true).parse(rawBody);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const body = (svg.body as Buffer).toString();
    expect(body.match(/<g class="batch/g)).toHaveLength(4);
    expect(body.match(/<line /g)).toHaveLength(3);
    expect(body.match(/class="batch recalled"/g)).toHaveLength(2); // R-1 and R-1a made from it
    expect((await request(app.getHttpServer()).get(`/trace/${paddy.id}.svg`).set('authorization', `Bearer ${mill.key}`)).status).toBe(403);
  });
});
