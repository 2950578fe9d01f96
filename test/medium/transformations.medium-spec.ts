import { describe, expect, it } from '@jest/globals';
import type { OrganizationCaller } from '../../src/auth/caller.js';
import { TraceService } from '../../src/trace/trace.service.js';
import type { TransformBatchesInput } from '../../src/transformations/dto/transform-batches.input.js';
import { TransformationsService } from '../../src/transformations/transformations.service.js';
import { ADMIN, useTestServices } from '../support/test-services.js';

const NOBODY = '00000000-0000-4000-8000-000000000000';
const eventTime = new Date('2026-11-21T02:00:00.000Z');

/** Transformation rules at the service: pooling, splitting, mass balance, and what a refused one leaves. */
describe('transformations (TransformationsService)', () => {
  const world = useTestServices();
  const transform = (org: OrganizationCaller, input: TransformBatchesInput) => world.get(TransformationsService).transform(org, input);

  /** A plant with two batches of its own (3000 and 5000 kg) and an output product. */
  async function plant() {
    const org = await world.organization('PROCESSOR');
    const dock = await world.facility(org);
    const raw = await world.product(org, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED' });
    const a = await world.batch(org, raw, dock, { quantity: 3000 });
    const b = await world.batch(org, raw, dock, { quantity: 5000 });
    const uht = await world.product(org, { name: 'UHT 纯牛奶 1L', category: 'DAIRY', storage: 'AMBIENT' });
    return { org, dock, a, b, uht };
  }

  it('pools two inputs into one lot: inputs consumed, the output held by the caller, entries on both sides and lineage', async () => {
    const { org, dock, a, b, uht } = await plant();
    const before = await world.ledgerSize();
    const { outputs, entries } = await transform(org, {
      facilityId: dock,
      eventTime,
      inputs: [
        { batchId: a.id, quantity: 3000 },
        { batchId: b.id, quantity: 4000 },
      ],
      outputs: [{ productId: uht, lotCode: 'UHT-A', quantity: 6950, unit: 'kg' }],
    });
    const [out] = outputs;
    expect(out).toMatchObject({
      productId: uht,
      lotCode: 'UHT-A',
      quantity: 6950,
      unit: 'kg',
      status: 'ACTIVE',
      producerId: org.organizationId,
      custodianId: org.organizationId,
      originFacilityId: dock,
    });
    expect(out.producedAt).toEqual(eventTime);
    expect(await world.batchNow(a.id)).toMatchObject({ status: 'CONSUMED', quantity: 0 });
    expect(await world.batchNow(b.id)).toMatchObject({ status: 'ACTIVE', quantity: 1000 });

    const written = await world.entriesSince(before);
    expect(written.map((e) => e.seq)).toEqual(entries.map((e) => e.seq));
    expect(written.map((e) => [e.type, e.batchId])).toEqual([
      ['EVENT_RECORDED', a.id],
      ['EVENT_RECORDED', b.id],
      ['BATCH_REGISTERED', out.id],
    ]);
    const transformationId = written[0].body.transformationId;
    expect(written[1].body).toMatchObject({ bizStep: 'TRANSFORMING', transformationId, quantity: 4000, unit: 'kg', quantityLeft: 1000 });
    expect(written[1].body.outputs).toEqual([{ batchId: out.id, lotCode: 'UHT-A' }]);
    expect(written[2].body).toMatchObject({
      transformationId,
      traceCode: out.traceCode,
      inputs: [
        { batchId: a.id, quantity: 3000, unit: 'kg' },
        { batchId: b.id, quantity: 4000, unit: 'kg' },
      ],
    });

    // Trace from an input finds the output, with how much of the input went into it and the balance.
    const trace = await world.get(TraceService).trace(ADMIN, b.id, 'DOWNSTREAM');
    expect(trace.nodes.map((n) => n.batch.id)).toEqual(expect.arrayContaining([b.id, out.id]));
    expect(trace.edges).toEqual([{ fromBatchId: b.id, toBatchId: out.id, quantity: 4000 }]);
    expect(trace.transformations).toEqual([expect.objectContaining({ yieldPercent: 99.3 })]);
  });

  it('splits one input into lots, each with its own trace code; what is left of the input stays usable', async () => {
    const { org, dock, a, uht } = await plant();
    const { outputs } = await transform(org, {
      facilityId: dock,
      eventTime,
      inputs: [{ batchId: a.id, quantity: 2000 }],
      outputs: [
        { productId: uht, lotCode: 'S-1', quantity: 1000, unit: 'kg' },
        { productId: uht, lotCode: 'S-2', quantity: 990, unit: 'kg' },
      ],
    });
    expect(outputs.map((o) => o.lotCode)).toEqual(['S-1', 'S-2']);
    expect(new Set(outputs.map((o) => o.traceCode)).size).toBe(2);
    expect(await world.batchNow(a.id)).toMatchObject({ status: 'ACTIVE', quantity: 1000 });
    const trace = await world.get(TraceService).trace(ADMIN, a.id, 'DOWNSTREAM');
    expect(trace.edges).toEqual(
      expect.arrayContaining([
        { fromBatchId: a.id, toBatchId: outputs[0].id, quantity: 1000 },
        { fromBatchId: a.id, toBatchId: outputs[1].id, quantity: 990 },
      ]),
    );
    // The remainder is taken by a second transformation; then the input is consumed and closed.
    await transform(org, {
      facilityId: dock,
      eventTime,
      inputs: [{ batchId: a.id, quantity: 1000 }],
      outputs: [{ productId: uht, lotCode: 'S-3', quantity: 1, unit: 'kg' }],
    });
    expect(await world.batchNow(a.id)).toMatchObject({ status: 'CONSUMED', quantity: 0 });
    await world.refused(
      () =>
        transform(org, {
          facilityId: dock,
          eventTime,
          inputs: [{ batchId: a.id, quantity: 1 }],
          outputs: [{ productId: uht, lotCode: 'S-4', quantity: 1, unit: 'kg' }],
        }),
      'BATCH_CLOSED',
      `inputs[0].batchId: batch ${a.id} is CONSUMED: nothing more can happen to it`,
    );
  });

  it('never takes more than an input has left, and a refused transformation changes nothing', async () => {
    const { org, dock, a, b, uht } = await plant();
    await world.refused(
      () =>
        transform(org, {
          facilityId: dock,
          eventTime,
          inputs: [
            { batchId: a.id, quantity: 3000 },
            { batchId: b.id, quantity: 5000.5 },
          ],
          outputs: [{ productId: uht, lotCode: 'M-1', quantity: 8000, unit: 'kg' }],
        }),
      'INSUFFICIENT_QUANTITY',
      `inputs[1].batchId: taking 5000.5 kg is more than the 5000 kg left in batch ${b.id}`,
    );
    expect(await world.batchNow(a.id)).toMatchObject({ status: 'ACTIVE', quantity: 3000 });
    expect(await world.batchNow(b.id)).toMatchObject({ status: 'ACTIVE', quantity: 5000 });
    // The refused lot code was not taken.
    await transform(org, {
      facilityId: dock,
      eventTime,
      inputs: [{ batchId: a.id, quantity: 1 }],
      outputs: [{ productId: uht, lotCode: 'M-1', quantity: 1, unit: 'kg' }],
    });
  });

  it('refuses malformed lines, lot codes in use, and facilities, products and batches that are not the caller’s', async () => {
    const { org, dock, a, uht } = await plant();
    const line = { productId: uht, lotCode: 'L-1', quantity: 1, unit: 'kg' };
    const base: TransformBatchesInput = { facilityId: dock, eventTime, inputs: [{ batchId: a.id, quantity: 1 }], outputs: [line] };
    const refused = (input: Partial<TransformBatchesInput>, code: string, message: string | RegExp) =>
      world.refused(() => transform(org, { ...base, ...input }), code, message);

    await refused(
      {
        inputs: [
          { batchId: a.id, quantity: 1 },
          { batchId: a.id, quantity: 1 },
        ],
      },
      'INVALID_INPUT',
      `inputs[1].batchId: batch ${a.id} is listed twice`,
    );
    await refused({ outputs: [line, line] }, 'INVALID_INPUT', 'outputs[1].lotCode: lot L-1 of this product is listed twice');
    await transform(org, base);
    await refused({}, 'DUPLICATE_LOT_CODE', 'outputs[0].lotCode: lot code L-1 is already used for this product');
    await refused({ outputs: [{ ...line, productId: NOBODY }] }, 'PRODUCT_NOT_FOUND', `outputs[0].productId: no product has id ${NOBODY}`);
    await refused({ inputs: [{ batchId: NOBODY, quantity: 1 }] }, 'BATCH_NOT_FOUND', `inputs[0].batchId: no batch has id ${NOBODY}`);
    await refused({ facilityId: NOBODY }, 'FACILITY_NOT_FOUND', `facilityId: no facility has id ${NOBODY}`);
    await refused({ eventTime: new Date(Date.now() + 3600_000) }, 'MISSING_KEY_DATA', /is in the future/);

    const other = await plant();
    await refused({ facilityId: other.dock }, 'NOT_OWNER', `facilityId: facility ${other.dock} is not one of your facilities`);
    await refused(
      { outputs: [{ ...line, lotCode: 'L-2', productId: other.uht }] },
      'NOT_OWNER',
      `outputs[0].productId: product ${other.uht} belongs to another organization`,
    );
    await refused(
      { inputs: [{ batchId: other.a.id, quantity: 1 }] },
      'BATCH_NOT_IN_CUSTODY',
      `inputs[0].batchId: batch ${other.a.id} is in another organization's custody; only its custodian transforms it`,
    );

    // An input on its way to the caller is received before it is used.
    await world.ship(other.org, other.dock, other.b.id, org, 5000);
    await world.refused(
      () =>
        transform(other.org, {
          facilityId: other.dock,
          eventTime,
          inputs: [{ batchId: other.b.id, quantity: 1 }],
          outputs: [{ productId: other.uht, lotCode: 'T-1', quantity: 1, unit: 'kg' }],
        }),
      'BATCH_IN_TRANSIT',
      `inputs[0].batchId: batch ${other.b.id} is in transit; it must be received first`,
    );
    await refused(
      { inputs: [{ batchId: other.b.id, quantity: 1 }], outputs: [{ ...line, lotCode: 'L-3' }] },
      'BATCH_NOT_IN_CUSTODY',
      /only its custodian transforms it/,
    );
    await world.receive(org, other.b.id, 5000, dock);
    await transform(org, { ...base, inputs: [{ batchId: other.b.id, quantity: 5000 }], outputs: [{ ...line, lotCode: 'L-3' }] });
    expect(await world.batchNow(other.b.id)).toMatchObject({ status: 'CONSUMED', quantity: 0, custodianId: org.organizationId });
  });

  it('refuses outputs that outweigh their inputs (1e-9 kg of GI rice does not become 1e12 kg), naming both and the ratio; nothing is written', async () => {
    const mill = await world.organization('PROCESSOR');
    const floor = await world.facility(mill);
    const paddy = await world.product(mill, { name: '小站稻 稻谷', geographicIndication: '小站稻' });
    const rice = await world.product(mill, { name: '小站稻 大米', geographicIndication: '小站稻', gtin: '06901234000122' });
    const lot = await world.batch(mill, paddy, floor, { quantity: 1000 });
    const before = await world.ledgerSize();
    const run = (outputs: TransformBatchesInput['outputs'], quantity = 1e-9) =>
      transform(mill, { facilityId: floor, eventTime, inputs: [{ batchId: lot.id, quantity }], outputs });

    await world.refused(
      () => run([{ productId: rice, lotCode: 'XZD-1', quantity: 1e12, unit: 'kg' }]),
      'YIELD_EXCEEDED',
      `outputs weigh 1000000000000 kg (outputs[0] (lot XZD-1): 1000000000000 kg) from inputs weighing 1e-9 kg (inputs[0] (batch ${lot.id}): 1e-9 kg): ` +
        'a yield of 1e+21, more than the 1 allowed (MAX_TRANSFORMATION_YIELD); a litre counts as a kilogram',
    );
    // Other units of mass or volume are weighed too; splitting it over many lots adds up.
    await world.refused(
      () => run([{ productId: rice, lotCode: 'XZD-2', quantity: 2, unit: 't' }], 1000),
      'YIELD_EXCEEDED',
      /a yield of 2, more than the 1 allowed/,
    );
    await world.refused(
      () => run([{ productId: rice, lotCode: 'XZD-3', quantity: 1e6, unit: 'L' }]),
      'YIELD_EXCEEDED',
      /a yield of 1000000000000000, more than/,
    );
    await world.refused(
      () =>
        run(
          Array.from({ length: 3 }, (_, o) => ({ productId: rice, lotCode: `XZD-S${o}`, quantity: 400, unit: 'kg' })),
          1000,
        ),
      'YIELD_EXCEEDED',
      /outputs weigh 1200 kg \(1200 kg in all, the most outputs\[0\] \(lot XZD-S0\): 400 kg\) from inputs weighing 1000 kg .* a yield of 1.2/,
    );
    expect(await world.ledgerSize()).toBe(before);
    expect(await world.batchNow(lot.id)).toMatchObject({ status: 'ACTIVE', quantity: 1000 });

    // Milling at 70 % is what happens; bags are counted, not weighed.
    await run([{ productId: rice, lotCode: 'XZD-4', quantity: 680, unit: 'kg' }], 1000 * 0.97);
    await run([{ productId: rice, lotCode: 'XZD-5', quantity: 140, unit: 'bag' }], 30);
  });

  it('refuses output lot codes with invisible or look-alike characters, and beyond GS1 AI (10) when the product has a GTIN', async () => {
    const { org, dock, a, uht } = await plant();
    const gtinProduct = await world.product(org, { name: 'UHT 纯牛奶 250mL', category: 'DAIRY', storage: 'AMBIENT', gtin: '06901234000139' });
    const run = (productId: string, lotCode: string) =>
      transform(org, { facilityId: dock, eventTime, inputs: [{ batchId: a.id, quantity: 1 }], outputs: [{ productId, lotCode, quantity: 1, unit: 'kg' }] });
    await world.refused(
      () => run(uht, 'UHT\u200b-1'),
      'INVALID_LOT_CODE',
      /^outputs\[0\]\.lotCode: U\+200B at position 4 is an invisible formatting character/,
    );
    await world.refused(() => run(uht, 'UHT-\u0410'), 'INVALID_LOT_CODE', /^outputs\[0\]\.lotCode: U\+0410 at position 5 is a letter or digit outside ASCII/);
    await world.refused(
      () => run(gtinProduct, 'UHT 1'),
      'INVALID_LOT_CODE',
      /^outputs\[0\]\.lotCode: the product has a GTIN, so its lot code is GS1's AI \(10\)/,
    );
    await world.refused(() => run(gtinProduct, 'U'.repeat(21)), 'INVALID_LOT_CODE', /at most 20 characters, got 21/);
    // Without a GTIN a producer's own code may be longer, have inner spaces and Chinese characters.
    await run(uht, '批次 UHT 2026年11月 第一班');
    await run(gtinProduct, 'UHT-2026/11_A');
  });
});

describe('transformations with MAX_TRANSFORMATION_YIELD=3', () => {
  const world = useTestServices({ MAX_TRANSFORMATION_YIELD: '3' });

  it('takes a process that adds untracked water (tofu) up to the configured yield, and no further', async () => {
    const org = await world.organization('PROCESSOR');
    const floor = await world.facility(org);
    const beans = await world.batch(org, await world.product(org, { name: '大豆' }), floor, { quantity: 100 });
    const tofu = await world.product(org, { name: '豆腐', category: 'OTHER', storage: 'AMBIENT' });
    const run = (lotCode: string, quantity: number) =>
      world.get(TransformationsService).transform(org, {
        facilityId: floor,
        eventTime,
        inputs: [{ batchId: beans.id, quantity: 10 }],
        outputs: [{ productId: tofu, lotCode, quantity, unit: 'kg' }],
      });
    await run('TF-1', 28);
    await world.refused(() => run('TF-2', 31), 'YIELD_EXCEEDED', /a yield of 3.1, more than the 3 allowed/);
  });
});
