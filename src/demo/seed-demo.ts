import { INestApplicationContext } from '@nestjs/common';
import { OrganizationCaller } from '../auth/caller.js';
import { BatchesService } from '../batches/batches.service.js';
import { EventsService } from '../events/events.service.js';
import { FacilitiesService } from '../facilities/facilities.service.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { ProductsService } from '../products/products.service.js';
import { RecordEventInput } from '../events/dto/record-event.input.js';
import { ColdChainService } from '../cold-chain/cold-chain.service.js';
import { CertificatesService } from '../certificates/certificates.service.js';
import { RecallsService } from '../recalls/recalls.service.js';
import { createHash } from 'node:crypto';
import { RecordTemperaturesInput, TemperatureReadingInput } from '../cold-chain/dto/record-temperatures.input.js';

export interface DemoSummary {
  organizations: { name: string; kind: OrganizationKind; apiKey: string }[];
  batches: { product: string; lotCode: string; traceCode: string; id: string }[];
  facilities: { name: string; id: string }[];
}

/**
 * A small demo for an empty ledger, recorded through the same services (and so the same writer)
 * as any client: a 小站稻 rice chain from paddy to shop with its GI certificate, and a chilled
 * dairy chain whose tanker had one cold-chain excursion, recalled by the regulator.
 */
export async function seedDemo(app: INestApplicationContext): Promise<DemoSummary> {
  const organizations = app.get(OrganizationsService);
  const facilityService = app.get(FacilitiesService);
  // Registers a facility and lists it in the start's output, so a user can record events there.
  const facilities = {
    register: async (...args: Parameters<FacilitiesService['register']>) => {
      const facility = await facilityService.register(...args);
      summary.facilities.push({ name: facility.name, id: facility.id });
      return facility;
    },
  };
  const products = app.get(ProductsService);
  const batches = app.get(BatchesService);
  const events = app.get(EventsService);
  const coldChain = app.get(ColdChainService);
  const admin = { kind: 'admin' } as const;
  const summary: DemoSummary = { organizations: [], batches: [], facilities: [] };

  const org = async (name: string, kind: OrganizationKind, uscc?: string): Promise<OrganizationCaller> => {
    const { organization, apiKey } = await organizations.create(admin, { name, kind, uscc });
    summary.organizations.push({ name, kind, apiKey });
    return { kind: 'organization', organizationId: organization.id, organizationKind: kind, apiKeyId: '' };
  };
  const event = (batchId: string, bizStep: RecordEventInput['bizStep'], eventTime: string, rest: Partial<RecordEventInput> = {}): RecordEventInput =>
    Object.assign(new RecordEventInput(), { batchId, bizStep, eventTime: new Date(eventTime), ...rest });

  // 小站稻: a cooperative in 宁河区 harvests, dries, mills and packs, and ships to a shop.
  const coop = await org('天津市小站稻种植专业合作社', 'PRODUCER', '91350100M000100Y43');
  const shop = await org('津门优选超市（河西店）', 'RETAILER');
  const regulator = await org('天津市市场监督管理局', 'REGULATOR');
  const paddy = await facilities.register(coop, { name: '小站镇 7 号稻田', region: '天津市津南区小站镇' });
  const mill = await facilities.register(coop, { name: '合作社碾米车间', region: '天津市津南区' });
  const rice = await products.register(coop, {
    name: '小站稻 大米 5kg',
    category: 'GRAIN',
    storage: 'AMBIENT',
    gtin: '06901234567892',
    geographicIndication: '小站稻',
  });
  await app.get(CertificatesService).attach(coop, {
    productId: rice.id,
    kind: 'GEOGRAPHIC_INDICATION',
    number: 'AGI01234',
    issuer: '农业农村部',
    protectedName: '小站稻',
    validFrom: new Date('2020-01-01T00:00:00.000Z'),
    validUntil: new Date('2030-12-31T00:00:00.000Z'),
    documentSha256: createHash('sha256').update('demo GI certificate AGI01234').digest('hex'),
  });
  const riceBatch = await batches.register(coop, {
    productId: rice.id,
    facilityId: paddy.id,
    lotCode: 'XZD-2026-0042',
    quantity: 1200.5,
    unit: 'kg',
    producedAt: new Date('2026-10-06T02:00:00.000Z'),
    details: { fieldName: '7 号稻田', variety: '津原 U99', harvestDate: '2026-10-06' },
  });
  await events.record(coop, [
    event(riceBatch.id, 'HARVESTING', '2026-10-06T03:00:00.000Z', {
      facilityId: paddy.id,
      quantity: 1200.5,
      details: { fieldName: '7 号稻田', harvestDate: '2026-10-06' },
    }),
    event(riceBatch.id, 'STORING', '2026-10-07T08:00:00.000Z', { facilityId: mill.id, details: { moisturePercent: 14.2 } }),
    event(riceBatch.id, 'PACKING', '2026-10-12T06:30:00.000Z', {
      facilityId: mill.id,
      quantity: 1200,
      details: { lotCode: 'XZD-2026-0042', packSize: '5kg', packs: 240 },
    }),
    event(riceBatch.id, 'SHIPPING', '2026-10-13T01:00:00.000Z', {
      facilityId: mill.id,
      destinationOrganizationId: shop.organizationId,
      quantity: 1200,
      details: { shipToLocation: '津门优选超市（河西店）', referenceDocumentType: 'DESADV', referenceDocumentNumber: 'XZD-DN-20261013-01' },
    }),
  ]);
  const shopFloor = await facilities.register(shop, { name: '河西店卖场', region: '天津市河西区' });
  await events.record(shop, [
    event(riceBatch.id, 'RECEIVING', '2026-10-13T05:30:00.000Z', {
      facilityId: shopFloor.id,
      quantity: 1200,
      details: { referenceDocumentType: 'DESADV', referenceDocumentNumber: 'XZD-DN-20261013-01' },
    }),
    event(riceBatch.id, 'RETAIL_SELLING', '2026-10-20T12:00:00.000Z', { facilityId: shopFloor.id, quantity: 85 }),
  ]);
  summary.batches.push({ product: rice.name, lotCode: riceBatch.lotCode, traceCode: riceBatch.traceCode, id: riceBatch.id });

  // Dairy: raw milk cooled at the pasture and shipped chilled to a plant.
  const dairy = await org('天津海河乳业牧场', 'PRODUCER');
  const plant = await org('海河乳品加工厂', 'PROCESSOR');
  const pasture = await facilities.register(dairy, { name: '宁河 3 号牧场', region: '天津市宁河区' });
  const milk = await products.register(dairy, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED' });
  const milkBatch = await batches.register(dairy, {
    productId: milk.id,
    facilityId: pasture.id,
    lotCode: 'NH3-20261120-AM',
    quantity: 8000,
    unit: 'kg',
    producedAt: new Date('2026-11-20T21:00:00.000Z'),
  });
  await events.record(dairy, [
    event(milkBatch.id, 'COOLING', '2026-11-20T21:40:00.000Z', { facilityId: pasture.id, details: { coolingDate: '2026-11-21', targetCelsius: 4 } }),
    event(milkBatch.id, 'SHIPPING', '2026-11-20T23:00:00.000Z', {
      facilityId: pasture.id,
      destinationOrganizationId: plant.organizationId,
      quantity: 8000,
      details: { shipToLocation: '海河乳品加工厂 收奶间', referenceDocumentType: 'BOL', referenceDocumentNumber: 'HH-20261121-007', vehicle: '津A·冷藏 12345' },
    }),
  ]);
  // The tanker's logger: the cooling unit fails for 40 minutes on the way (one excursion).
  const tankerReadings = [3.8, 4.1, 9.6, 11.3, 10.8, 9.1, 5.2, 4.0].map((celsius, i) =>
    Object.assign(new TemperatureReadingInput(), { at: new Date(Date.parse('2026-11-20T23:00:00.000Z') + i * 600_000), celsius }),
  );
  await coldChain.record(plant, Object.assign(new RecordTemperaturesInput(), { batchId: milkBatch.id, sensorId: '津A12345-logger', readings: tankerReadings }));
  const intake = await facilities.register(plant, { name: '收奶间', region: '天津市宁河区' });
  await events.record(plant, [event(milkBatch.id, 'RECEIVING', '2026-11-21T00:30:00.000Z', { facilityId: intake.id, quantity: 7980 })]);
  // The regulator recalls the milk whose cold chain broke.
  await app.get(RecallsService).initiate(regulator, {
    batchIds: [milkBatch.id],
    level: 'LEVEL_2',
    reason: '运输途中冷链中断约 40 分钟（最高 11.3 °C），存在变质风险 / The cold chain broke for about 40 minutes in transport (up to 11.3 °C)',
  });
  summary.batches.push({ product: milk.name, lotCode: milkBatch.lotCode, traceCode: milkBatch.traceCode, id: milkBatch.id });
  return summary;
}
