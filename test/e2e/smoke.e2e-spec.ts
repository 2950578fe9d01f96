import { describe, expect, it } from '@jest/globals';
import { producerWithBatch } from '../support/builders.js';
import { gqlOk, useTestApp } from '../support/test-app.js';

describe('smoke', () => {
  const service = useTestApp();

  it('registers a batch and records an event', async () => {
    const { app } = service;
    const { org, batch, facilityId } = await producerWithBatch(app);
    const data = await gqlOk(
      app,
      // Not documents.ts's RECORD_EVENT: the test reads the entry's type, batch and payload.
      'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq type batchId payload } }',
      {
        input: {
          batchId: batch.id,
          bizStep: 'HARVESTING',
          eventTime: '2026-10-06T09:00:00.000Z',
          facilityId,
          quantity: 500,
          details: { fieldName: 'Plot 7', harvestDate: '2026-10-06' },
        },
      },
      org.key,
    );
    expect(data.recordEvent).toMatchObject({ type: 'EVENT_RECORDED', batchId: batch.id });
    const b = await gqlOk(
      app,
      'query($id: ID!) { batch(id: $id) { lotCode coldChainStatus product { name } custodian { id } events { seq type } } }',
      { id: batch.id },
      org.key,
    );
    expect(b.batch.events.map((e: { type: string }) => e.type)).toEqual(['BATCH_REGISTERED', 'EVENT_RECORDED']);
  });
});
