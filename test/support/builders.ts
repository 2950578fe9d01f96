import { INestApplication } from '@nestjs/common';
import type { App } from 'supertest/types.js';
import { gqlOk, TEST_ADMIN_KEY } from './test-app.js';
import { CREATE_ORGANIZATION, RECORD_EVENTS, REGISTER_FACILITY, REGISTER_PRODUCT } from './documents.js';

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export interface Org {
  id: string;
  key: string;
}

export async function createOrg(app: INestApplication<App>, kind = 'PRODUCER', name = unique('org'), uscc?: string): Promise<Org> {
  const data = await gqlOk(app, CREATE_ORGANIZATION, { input: { name, kind, uscc } }, TEST_ADMIN_KEY);
  return { id: data.createOrganization.organization.id, key: data.createOrganization.apiKey };
}

export async function registerFacility(app: INestApplication<App>, org: Org, input: Record<string, unknown> = {}): Promise<string> {
  const data = await gqlOk(app, REGISTER_FACILITY, { input: { name: unique('facility'), region: '天津市宁河区', ...input } }, org.key);
  return data.registerFacility.id;
}

export async function registerProduct(app: INestApplication<App>, org: Org, input: Record<string, unknown> = {}): Promise<string> {
  const data = await gqlOk(app, REGISTER_PRODUCT, { input: { name: unique('小站稻'), category: 'GRAIN', storage: 'AMBIENT', ...input } }, org.key);
  return data.registerProduct.id;
}

export async function registerBatch(app: INestApplication<App>, org: Org, productId: string, facilityId: string, input: Record<string, unknown> = {}) {
  const data = await gqlOk(
    app,
    'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id traceCode lotCode status } }',
    { input: { productId, facilityId, lotCode: unique('LOT'), quantity: 1000, unit: 'kg', producedAt: '2026-10-06T08:00:00.000Z', ...input } },
    org.key,
  );
  return data.registerBatch as { id: string; traceCode: string; lotCode: string; status: string };
}

/** A producer with a facility, a product and one batch. */
export async function producerWithBatch(app: INestApplication<App>) {
  const org = await createOrg(app);
  const facilityId = await registerFacility(app, org);
  const productId = await registerProduct(app, org);
  const batch = await registerBatch(app, org, productId, facilityId);
  return { org, facilityId, productId, batch };
}

/** A producer's batch with a long story: `events` STORING events after its registration, a minute apart, recorded 1,000 at a time. */
export async function batchWithLongStory(app: INestApplication<App>, events: number) {
  const { org, facilityId, batch } = await producerWithBatch(app);
  for (let from = 0; from < events; from += 1000) {
    const input = Array.from({ length: Math.min(1000, events - from) }, (_, i) => ({
      batchId: batch.id,
      bizStep: 'STORING',
      eventTime: new Date(Date.parse('2026-10-07T00:00:00Z') + (from + i) * 60_000).toISOString(),
      facilityId,
    }));
    await gqlOk(app, RECORD_EVENTS, { input }, org.key);
  }
  return batch;
}
