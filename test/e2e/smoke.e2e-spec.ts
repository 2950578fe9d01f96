import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import type { App } from 'supertest/types.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { producerWithBatch } from '../support/builders.js';
import { createTestApp, gqlOk } from '../support/test-app.js';

describe('smoke', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('registers a batch and records an event', async () => {
    const { org, batch } = await producerWithBatch(app);
    const data = await gqlOk(app, 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq type batchId payload } }', {
      input: { batchId: batch.id, bizStep: 'HARVESTING', eventTime: '2026-10-06T09:00:00.000Z', quantity: 500, details: { fieldName: 'Plot 7' } },
    }, org.key);
    expect(data.recordEvent).toMatchObject({ type: 'EVENT_RECORDED', batchId: batch.id });
    const b = await gqlOk(app, 'query($id: ID!) { batch(id: $id) { lotCode coldChainStatus product { name } custodian { id } events { seq type } } }', { id: batch.id }, org.key);
    expect(b.batch.events.map((e: { type: string }) => e.type)).toEqual(['BATCH_REGISTERED', 'EVENT_RECORDED']);
  });
});
