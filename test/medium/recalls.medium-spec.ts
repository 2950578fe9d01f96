import { describe, expect, it } from '@jest/globals';
import type { OrganizationCaller } from '../../src/auth/caller.js';
import { EventsService } from '../../src/events/events.service.js';
import { RecallsService } from '../../src/recalls/recalls.service.js';
import { TransformationsService } from '../../src/transformations/transformations.service.js';
import { ADMIN, useTestServices } from '../support/test-services.js';

const NOBODY = '00000000-0000-4000-8000-000000000000';

/** Recall rules at the service: who recalls what, how far it reaches, recovery and closing. */
describe('recalls (RecallsService)', () => {
  const world = useTestServices();
  const recalls = () => world.get(RecallsService);

  /** A mill's paddy milled into two rice lots; the second is shipped to a shop and received. */
  async function millChain() {
    const mill = await world.organization('PROCESSOR');
    const floor = await world.facility(mill);
    const paddy = await world.batch(mill, await world.product(mill, { name: '稻谷' }), floor, { quantity: 1000 });
    const rice = await world.product(mill, { name: '大米' });
    const { outputs } = await world.get(TransformationsService).transform(mill, {
      facilityId: floor,
      eventTime: new Date('2026-10-12T02:00:00.000Z'),
      inputs: [{ batchId: paddy.id, quantity: 1000 }],
      outputs: [
        { productId: rice, lotCode: `R-1-${paddy.id}`, quantity: 300, unit: 'kg' },
        { productId: rice, lotCode: `R-2-${paddy.id}`, quantity: 300, unit: 'kg' },
      ],
    });
    return { mill, floor, paddy, kept: outputs[0], sent: outputs[1] };
  }

  it('reaches everything made from the named batches, one RECALLING entry each, except what was destroyed', async () => {
    const { mill, floor, paddy, kept, sent } = await millChain();
    const shop = await world.organization('RETAILER');
    await world.ship(mill, floor, sent.id, shop, 300);
    // A third lot is destroyed before the recall: nothing of it is left to recall.
    const rice = kept.productId;
    const gone = (
      await world.get(TransformationsService).transform(mill, {
        facilityId: floor,
        eventTime: new Date('2026-10-12T03:00:00.000Z'),
        inputs: [{ batchId: kept.id, quantity: 100 }],
        outputs: [{ productId: rice, lotCode: `G-${paddy.id}`, quantity: 100, unit: 'kg' }],
      })
    ).outputs[0];
    await world
      .get(EventsService)
      .record(mill, [{ batchId: gone.id, bizStep: 'DESTROYING', eventTime: new Date('2026-10-12T04:00:00.000Z'), facilityId: floor, quantity: 100 }]);
    const regulator = await world.organization('REGULATOR');
    const before = await world.ledgerSize();

    const recall = await recalls().initiate(regulator, { batchIds: [paddy.id], level: 'LEVEL_2', reason: '黄曲霉毒素超标' });

    expect(recall).toMatchObject({ level: 'LEVEL_2', status: 'OPEN', reason: '黄曲霉毒素超标', initiatedById: regulator.organizationId });
    const statuses = Object.fromEntries(recall.affectedBatches.map((b) => [b.id, b.status]));
    // The paddy is CONSUMED by milling, yet recalled: the recall is a notice on everything it reached.
    expect(statuses).toEqual({ [paddy.id]: 'RECALLED', [kept.id]: 'RECALLED', [sent.id]: 'IN_TRANSIT' });
    expect((await world.batchNow(gone.id)).status).toBe('DESTROYED');
    const entries = await world.entriesSince(before);
    expect(entries.map((e) => [e.type, e.batchId]).sort()).toEqual(
      [
        ['RECALLING', paddy.id],
        ['RECALLING', kept.id],
        ['RECALLING', sent.id],
      ].sort(),
    );
    for (const e of entries)
      expect(e.body).toEqual({ recallId: recall.id, bizStep: 'RECALLING', level: 'LEVEL_2', reason: '黄曲霉毒素超标', recalledBatchIds: [paddy.id] });
    // Affected is what each holder held when recalled: the lot on the road counts for the sender until received.
    expect(recall.effectiveness).toEqual([
      { organizationId: mill.organizationId, organization: expect.any(String), unit: 'kg', affected: 500, recovered: 0, percent: 0 },
    ]);

    // Recalled while in transit: recalled on arrival, and then it can be neither sold nor used in a transformation.
    const shelf = await world.facility(shop);
    await world.receive(shop, sent.id, 300, shelf);
    expect(await world.batchNow(sent.id)).toMatchObject({ status: 'RECALLED', custodianId: shop.organizationId });
    await world.refused(
      () =>
        world.get(TransformationsService).transform(mill, {
          facilityId: floor,
          eventTime: new Date('2026-10-14T00:00:00.000Z'),
          inputs: [{ batchId: kept.id, quantity: 1 }],
          outputs: [{ productId: rice, lotCode: `X-${paddy.id}`, quantity: 1, unit: 'kg' }],
        }),
      'BATCH_NOT_RELEASED',
      `inputs[0].batchId: batch ${kept.id} is RECALLED and cannot be used`,
    );
  });

  it('refuses an unknown batch, a batch of another producer, and a caller that is not an organization, writing nothing', async () => {
    const { mill, paddy } = await millChain();
    const other = await millChain();
    await world.refused(
      () => recalls().initiate(mill, { batchIds: [paddy.id, NOBODY], level: 'LEVEL_3', reason: '标签错误' }),
      'BATCH_NOT_FOUND',
      `batchIds: no batch has id ${NOBODY}`,
    );
    await world.refused(
      () => recalls().initiate(mill, { batchIds: [paddy.id, other.paddy.id], level: 'LEVEL_3', reason: '标签错误' }),
      'NOT_OWNER',
      `batchIds: batch ${other.paddy.id} was not produced by your organization; only its producer or a regulator recalls it`,
    );
    await world.refused(
      () => recalls().initiate(ADMIN, { batchIds: [paddy.id], level: 'LEVEL_3', reason: '标签错误' }),
      'ORGANIZATION_ONLY',
      /not with the admin key/,
    );
    expect((await world.batchNow(paddy.id)).status).toBe('CONSUMED');
    expect((await world.batchNow(other.kept.id)).status).toBe('ACTIVE');
  });

  it('refuses a recall of a batch that was destroyed with everything made from it, writing nothing', async () => {
    const mill = await world.organization('PRODUCER');
    const floor = await world.facility(mill);
    const paddy = await world.batch(mill, await world.product(mill, { name: '稻谷' }), floor, { quantity: 1000 });
    await world
      .get(EventsService)
      .record(mill, [{ batchId: paddy.id, bizStep: 'DESTROYING', eventTime: new Date('2026-10-12T04:00:00.000Z'), facilityId: floor, quantity: 1000 }]);
    expect((await world.batchNow(paddy.id)).status).toBe('DESTROYED');
    await world.refused(
      () => recalls().initiate(mill, { batchIds: [paddy.id], level: 'LEVEL_3', reason: '标签错误' }),
      'BATCH_CLOSED',
      'batchIds: nothing to recall; every batch named, and everything made from them, was destroyed',
    );
  });

  it('holders report what they recovered, within what is left to recover; a regulator closes it and the batches stay recalled', async () => {
    const { mill, floor, paddy, kept, sent } = await millChain();
    const shop = await world.organization('RETAILER');
    await world.ship(mill, floor, sent.id, shop, 300);
    await world.receive(shop, sent.id, 280);
    const recall = await recalls().initiate(mill, { batchIds: [paddy.id], level: 'LEVEL_3', reason: '包装破损' });
    const report = (by: OrganizationCaller, batchId: string, quantity: number) =>
      recalls().reportRecovery(by, { recallId: recall.id, batchId, quantity, disposition: 'RETURNED' });

    await world.refused(
      () => report(mill, sent.id, 10),
      'BATCH_NOT_IN_CUSTODY',
      `batch ${sent.id} is in another organization's custody; its custodian reports what it recovered`,
    );
    const unrelated = (await world.producerWithBatch()).batch;
    await world.refused(() => report(shop, unrelated.id, 1), 'BATCH_NOT_FOUND', `batch ${unrelated.id} is not in recall ${recall.id}`);
    await report(shop, sent.id, 200);
    await world.refused(
      () => report(shop, sent.id, 81),
      'INSUFFICIENT_QUANTITY',
      `reporting 81 kg is more than the 80 kg still to recover of batch ${sent.id}`,
    );
    const after = await report(shop, sent.id, 80);
    expect(after.effectiveness).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ organizationId: shop.organizationId, unit: 'kg', affected: 280, recovered: 280, percent: 100 }),
        expect.objectContaining({ organizationId: mill.organizationId, unit: 'kg', affected: 300, recovered: 0, percent: 0 }),
      ]),
    );

    const regulator = await world.organization('REGULATOR');
    await world.refused(() => recalls().close(mill, { recallId: recall.id, note: 'done' }), 'ROLE_NOT_ALLOWED', 'only a REGULATOR closes a recall');
    await world.refused(() => recalls().close(regulator, { recallId: NOBODY, note: 'done' }), 'RECALL_NOT_FOUND', `no recall has id ${NOBODY}`);
    const before = await world.ledgerSize();
    expect(await recalls().close(regulator, { recallId: recall.id, note: '召回完成' })).toMatchObject({ status: 'CLOSED' });
    const [closed] = await world.entriesSince(before);
    expect(closed).toMatchObject({ type: 'RECALL_CLOSED', batchId: null, body: { recallId: recall.id, note: '召回完成' } });
    expect((await world.batchNow(kept.id)).status).toBe('RECALLED');
    await world.refused(() => recalls().close(regulator, { recallId: recall.id, note: 'again' }), 'RECALL_CLOSED', `recall ${recall.id} is already closed`);
    await world.refused(() => report(mill, kept.id, 1), 'RECALL_CLOSED', `recall ${recall.id} is closed`);
  });

  it('shows a recall to regulators, its initiator, and those who made or hold a batch it reaches; no one else', async () => {
    const { mill, floor, paddy, sent } = await millChain();
    const shop = await world.organization('RETAILER');
    await world.ship(mill, floor, sent.id, shop, 300);
    await world.receive(shop, sent.id, 300);
    const regulator = await world.organization('REGULATOR');
    const { id } = await recalls().initiate(regulator, { batchIds: [sent.id], level: 'LEVEL_3', reason: '标签错误' });

    // Recalling the rice lot does not reach back to the paddy it was made from.
    expect((await recalls().get(ADMIN, id))!.affectedBatches.map((b) => b.id)).toEqual([sent.id]);
    expect((await world.batchNow(paddy.id)).status).toBe('CONSUMED');
    for (const reader of [ADMIN, regulator, await world.organization('REGULATOR'), shop, mill]) expect((await recalls().get(reader, id))?.id).toBe(id);
    const stranger = await world.organization();
    await expect(recalls().get(stranger, id)).rejects.toMatchObject({
      code: 'NOT_OWNER',
      message: `recall ${id} does not reach a batch your organization made or holds`,
    });
    await expect(recalls().get({ kind: 'anonymous' }, id)).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
    expect(await recalls().get(ADMIN, NOBODY)).toBeNull();
  });
});
