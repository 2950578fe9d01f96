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
import type { AttachCertificateInput } from '../certificates/dto/attach-certificate.input.js';
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
 * as any client: a 小站稻 rice chain from paddy to shop with its GI certificate (declared by the
 * cooperative, attested by the regulator) and a green-food certificate issued by a certification
 * body, and a chilled dairy chain whose tanker had one cold-chain excursion, recalled by the regulator.
 */
export async function seedDemo(app: INestApplicationContext): Promise<DemoSummary> {
  const demo = new DemoRecorder(app);
  const coop = await demo.organization('天津市小站稻种植专业合作社', 'PRODUCER', '91350100M000100Y43');
  const shop = await demo.organization('津门优选超市（河西店）', 'RETAILER');
  const regulator = await demo.organization('天津市市场监督管理局', 'REGULATOR');
  const certifier = await demo.organization('中国绿色食品发展中心', 'CERTIFIER');
  await seedRiceChain(demo, { coop, shop, regulator, certifier });
  const dairy = await demo.organization('天津海河乳业牧场', 'PRODUCER');
  const plant = await demo.organization('海河乳品加工厂', 'PROCESSOR');
  await seedDairyChain(demo, dairy, plant, regulator);
  return demo.summary;
}

/** The services the demo records through; what a user needs from the start's output (API keys, facility and batch ids) goes into the summary. */
class DemoRecorder {
  readonly summary: DemoSummary = { organizations: [], batches: [], facilities: [] };
  readonly products: ProductsService;
  readonly batches: BatchesService;
  readonly events: EventsService;
  readonly coldChain: ColdChainService;
  readonly certificates: CertificatesService;
  readonly recalls: RecallsService;
  private readonly organizations: OrganizationsService;
  private readonly facilities: FacilitiesService;

  constructor(app: INestApplicationContext) {
    this.organizations = app.get(OrganizationsService);
    this.facilities = app.get(FacilitiesService);
    this.products = app.get(ProductsService);
    this.batches = app.get(BatchesService);
    this.events = app.get(EventsService);
    this.coldChain = app.get(ColdChainService);
    this.certificates = app.get(CertificatesService);
    this.recalls = app.get(RecallsService);
  }

  async organization(name: string, kind: OrganizationKind, uscc?: string): Promise<OrganizationCaller> {
    const { organization, apiKey } = await this.organizations.create({ kind: 'admin' }, { name, kind, uscc });
    this.summary.organizations.push({ name, kind, apiKey });
    return { kind: 'organization', organizationId: organization.id, organizationKind: kind, apiKeyId: '' };
  }

  /** Listed, so a user can record events there. */
  async facility(...args: Parameters<FacilitiesService['register']>) {
    const facility = await this.facilities.register(...args);
    this.summary.facilities.push({ name: facility.name, id: facility.id });
    return facility;
  }

  listBatch(product: { name: string }, batch: { id: string; lotCode: string; traceCode: string }): void {
    this.summary.batches.push({ product: product.name, lotCode: batch.lotCode, traceCode: batch.traceCode, id: batch.id });
  }
}

/**
 * 小站稻: a cooperative in 宁河区 harvests, dries, mills and packs, and ships to a shop. The regulator
 * attests the GI registration the cooperative recorded; the green-food body issues its certificate.
 */
async function seedRiceChain(
  demo: DemoRecorder,
  { coop, shop, regulator, certifier }: Record<'coop' | 'shop' | 'regulator' | 'certifier', OrganizationCaller>,
): Promise<void> {
  const paddy = await demo.facility(coop, { name: '小站镇 7 号稻田', region: '天津市津南区小站镇' });
  const mill = await demo.facility(coop, { name: '合作社碾米车间', region: '天津市津南区' });
  const rice = await demo.products.register(coop, {
    name: '小站稻 大米 5kg',
    category: 'GRAIN',
    storage: 'AMBIENT',
    gtin: '06901234567892',
    geographicIndication: '小站稻',
  });
  const gi = await demo.certificates.attach(coop, riceGiCertificate(rice.id));
  await demo.certificates.attest(regulator, { certificateId: gi.id, documentSha256: gi.documentSha256 });
  const riceBatch = await demo.batches.register(coop, {
    productId: rice.id,
    facilityId: paddy.id,
    lotCode: 'XZD-2026-0042',
    quantity: 1200.5,
    unit: 'kg',
    producedAt: new Date('2026-10-06T02:00:00.000Z'),
    details: { fieldName: '7 号稻田', variety: '津原 U99', harvestDate: '2026-10-06' },
  });
  await demo.certificates.attach(certifier, riceGreenFoodCertificate(riceBatch.id));
  await demo.events.record(coop, riceAtTheCooperative(riceBatch.id, paddy.id, mill.id, shop.organizationId));
  const shopFloor = await demo.facility(shop, { name: '河西店卖场', region: '天津市河西区' });
  await demo.events.record(shop, riceAtTheShop(riceBatch.id, shopFloor.id));
  demo.listBatch(rice, riceBatch);
}

/** Dairy: raw milk cooled at the pasture and shipped chilled to a plant; the regulator recalls it because the tanker's cold chain broke. */
async function seedDairyChain(demo: DemoRecorder, dairy: OrganizationCaller, plant: OrganizationCaller, regulator: OrganizationCaller): Promise<void> {
  const pasture = await demo.facility(dairy, { name: '宁河 3 号牧场', region: '天津市宁河区' });
  const milk = await demo.products.register(dairy, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED' });
  const milkBatch = await demo.batches.register(dairy, {
    productId: milk.id,
    facilityId: pasture.id,
    lotCode: 'NH3-20261120-AM',
    quantity: 8000,
    unit: 'kg',
    producedAt: new Date('2026-11-20T21:00:00.000Z'),
  });
  await demo.events.record(dairy, milkFromThePasture(milkBatch.id, pasture.id, plant.organizationId));
  await demo.coldChain.record(plant, tankerLog(milkBatch.id));
  const intake = await demo.facility(plant, { name: '收奶间', region: '天津市宁河区' });
  await demo.events.record(plant, [event(milkBatch.id, 'RECEIVING', '2026-11-21T00:30:00.000Z', { facilityId: intake.id, quantity: 7980 })]);
  await demo.recalls.initiate(regulator, {
    batchIds: [milkBatch.id],
    level: 'LEVEL_2',
    reason: '运输途中冷链中断约 40 分钟（最高 11.3 °C），存在变质风险 / The cold chain broke for about 40 minutes in transport (up to 11.3 °C)',
  });
  demo.listBatch(milk, milkBatch);
}

function event(batchId: string, bizStep: RecordEventInput['bizStep'], eventTime: string, rest: Partial<RecordEventInput> = {}): RecordEventInput {
  return Object.assign(new RecordEventInput(), { batchId, bizStep, eventTime: new Date(eventTime), ...rest });
}

function riceGiCertificate(productId: string): AttachCertificateInput {
  return {
    productId,
    kind: 'GEOGRAPHIC_INDICATION',
    number: 'AGI01234',
    issuer: '农业农村部',
    protectedName: '小站稻',
    validFrom: new Date('2020-01-01T00:00:00.000Z'),
    validUntil: new Date('2030-12-31T00:00:00.000Z'),
    documentSha256: createHash('sha256').update('demo GI certificate AGI01234').digest('hex'),
  };
}

function riceGreenFoodCertificate(batchId: string): AttachCertificateInput {
  return {
    batchId,
    kind: 'GREEN_FOOD',
    number: 'GF120116200345',
    issuer: '中国绿色食品发展中心',
    validFrom: new Date('2026-01-01T00:00:00.000Z'),
    validUntil: new Date('2029-12-31T00:00:00.000Z'),
    documentSha256: createHash('sha256').update('demo green food certificate GF120116200345').digest('hex'),
  };
}

function riceAtTheCooperative(batchId: string, paddyId: string, millId: string, shopId: string): RecordEventInput[] {
  return [
    event(batchId, 'HARVESTING', '2026-10-06T03:00:00.000Z', {
      facilityId: paddyId,
      quantity: 1200.5,
      details: { fieldName: '7 号稻田', harvestDate: '2026-10-06' },
    }),
    event(batchId, 'STORING', '2026-10-07T08:00:00.000Z', { facilityId: millId, details: { moisturePercent: 14.2 } }),
    event(batchId, 'PACKING', '2026-10-12T06:30:00.000Z', {
      facilityId: millId,
      quantity: 1200,
      details: { lotCode: 'XZD-2026-0042', packSize: '5kg', packs: 240 },
    }),
    event(batchId, 'SHIPPING', '2026-10-13T01:00:00.000Z', {
      facilityId: millId,
      destinationOrganizationId: shopId,
      quantity: 1200,
      details: { shipToLocation: '津门优选超市（河西店）', referenceDocumentType: 'DESADV', referenceDocumentNumber: 'XZD-DN-20261013-01' },
    }),
  ];
}

function riceAtTheShop(batchId: string, shopFloorId: string): RecordEventInput[] {
  return [
    event(batchId, 'RECEIVING', '2026-10-13T05:30:00.000Z', {
      facilityId: shopFloorId,
      quantity: 1200,
      details: { referenceDocumentType: 'DESADV', referenceDocumentNumber: 'XZD-DN-20261013-01' },
    }),
    event(batchId, 'RETAIL_SELLING', '2026-10-20T12:00:00.000Z', { facilityId: shopFloorId, quantity: 85 }),
  ];
}

function milkFromThePasture(batchId: string, pastureId: string, plantId: string): RecordEventInput[] {
  return [
    event(batchId, 'COOLING', '2026-11-20T21:40:00.000Z', { facilityId: pastureId, details: { coolingDate: '2026-11-21', targetCelsius: 4 } }),
    event(batchId, 'SHIPPING', '2026-11-20T23:00:00.000Z', {
      facilityId: pastureId,
      destinationOrganizationId: plantId,
      quantity: 8000,
      details: { shipToLocation: '海河乳品加工厂 收奶间', referenceDocumentType: 'BOL', referenceDocumentNumber: 'HH-20261121-007', vehicle: '津A·冷藏 12345' },
    }),
  ];
}

/** The tanker's logger, every 10 minutes from departure: the cooling unit fails for 40 minutes on the way (one excursion). */
function tankerLog(batchId: string): RecordTemperaturesInput {
  const readings = [3.8, 4.1, 9.6, 11.3, 10.8, 9.1, 5.2, 4.0].map((celsius, i) =>
    Object.assign(new TemperatureReadingInput(), { at: new Date(Date.parse('2026-11-20T23:00:00.000Z') + i * 600_000), celsius }),
  );
  return Object.assign(new RecordTemperaturesInput(), { batchId, sensorId: '津A12345-logger', readings });
}
