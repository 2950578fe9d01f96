import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { producerWithBatch, registerBatch } from '../support/builders.js';
import { createTestApp, gql, gqlOk, GqlResponse, TEST_ADMIN_KEY } from '../support/test-app.js';
import { BATCH_EVENT_SEQS, CREATE_ORGANIZATION, LEDGER_SIZE, REGISTER_FACILITY, REGISTER_PRODUCT } from '../support/documents.js';

type Producer = Awaited<ReturnType<typeof producerWithBatch>>;

// Not documents.ts's RECORD_EVENT: a repeated key must answer the same entry, hash and batch included.
const RECORD_EVENT = 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq hash batchId } }';
const RECORD_EVENTS = 'mutation($input: [RecordEventInput!]!) { recordEvents(input: $input) { seq hash } }';
const REGISTER_BATCH = 'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id lotCode } }';

describe('idempotency and bad input', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let a: Producer;
  let b: Producer;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    a = await producerWithBatch(app);
    b = await producerWithBatch(app);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  // STORING needs no step-specific details; the place is a facility of the batch's producer.
  const event = (batchId: string, extra: Record<string, unknown> = {}) => ({
    batchId,
    bizStep: 'STORING',
    eventTime: '2026-10-06T09:00:00.000Z',
    facilityId: batchId === b.batch.id ? b.facilityId : a.facilityId,
    quantity: 500,
    ...extra,
  });

  /** What a user checks to see that nothing was recorded: the size and the last entry's hash. */
  async function ledgerState(): Promise<{ size: number; lastHash: string }> {
    const size: number = (await gqlOk(app, LEDGER_SIZE)).ledgerInfo.size;
    const entries = await gqlOk(app, 'query($after: SafeInt) { ledgerEntries(afterSeq: $after, first: 1) { seq hash } }', { after: size - 1 }, TEST_ADMIN_KEY);
    expect(entries.ledgerEntries).toHaveLength(1);
    expect(entries.ledgerEntries[0].seq).toBe(size);
    return { size, lastHash: entries.ledgerEntries[0].hash };
  }

  /** The call failed with `code`, a message naming the problem, no data, no stack trace, and left the ledger as it was. */
  async function expectRefused(send: () => Promise<GqlResponse>, code: string, message: RegExp): Promise<GqlResponse> {
    const before = await ledgerState();
    const res = await send();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions?.code).toBe(code);
    expect(res.errors![0].message).toMatch(message);
    expect(res.data ?? null).toBeNull();
    const text = JSON.stringify(res);
    expect(text).not.toMatch(/stacktrace|\n\s+at |\.ts:\d+|node_modules/);
    expect(await ledgerState()).toEqual(before);
    return res;
  }

  describe('idempotency', () => {
    it('recordEvent twice with one key returns the same entry and appends once', async () => {
      const before = await ledgerState();
      const input = event(a.batch.id, { idempotencyKey: 'harvest-0001', details: { plot: 7 } });
      const first = (await gqlOk(app, RECORD_EVENT, { input }, a.org.key)).recordEvent;
      const second = (await gqlOk(app, RECORD_EVENT, { input }, a.org.key)).recordEvent;
      expect(second).toEqual(first);
      expect(first.seq).toBe(before.size + 1);
      expect(await ledgerState()).toEqual({ size: before.size + 1, lastHash: first.hash });
    });

    it('recordEvents repeats an earlier keyed event and appends only the new one', async () => {
      const input = event(a.batch.id, { idempotencyKey: 'harvest-0002' });
      const first = (await gqlOk(app, RECORD_EVENT, { input }, a.org.key)).recordEvent;
      const before = await ledgerState();
      const both = (await gqlOk(app, RECORD_EVENTS, { input: [input, event(a.batch.id, { idempotencyKey: 'harvest-0003' })] }, a.org.key)).recordEvents;
      expect(both[0]).toEqual({ seq: first.seq, hash: first.hash });
      expect(both[1].seq).toBe(before.size + 1);
      expect((await ledgerState()).size).toBe(before.size + 1);
    });

    it('registerBatch twice with one key returns the same batch and appends once', async () => {
      const before = await ledgerState();
      const input = {
        productId: a.productId,
        facilityId: a.facilityId,
        lotCode: 'LOT-IDEM-1',
        quantity: 20,
        unit: 't',
        producedAt: '2026-10-01T00:00:00.000Z',
        idempotencyKey: 'batch-0001',
      };
      const first = (await gqlOk(app, REGISTER_BATCH, { input }, a.org.key)).registerBatch;
      const second = (await gqlOk(app, REGISTER_BATCH, { input }, a.org.key)).registerBatch;
      expect(second).toEqual(first);
      expect(first.lotCode).toBe('LOT-IDEM-1');
      expect((await ledgerState()).size).toBe(before.size + 1);
    });

    it('the same key for a different request is a CONFLICT and records nothing', async () => {
      const input = event(a.batch.id, { idempotencyKey: 'harvest-0004' });
      await gqlOk(app, RECORD_EVENT, { input }, a.org.key);
      await expectRefused(() => gql(app, RECORD_EVENT, { input: { ...input, quantity: 501 } }, a.org.key), 'CONFLICT', /harvest-0004.*different request/);
      const batchInput = {
        productId: a.productId,
        facilityId: a.facilityId,
        lotCode: 'LOT-IDEM-2',
        quantity: 20,
        unit: 't',
        producedAt: '2026-10-01T00:00:00.000Z',
        idempotencyKey: 'batch-0002',
      };
      await gqlOk(app, REGISTER_BATCH, { input: batchInput }, a.org.key);
      await expectRefused(() => gql(app, REGISTER_BATCH, { input: { ...batchInput, quantity: 21 } }, a.org.key), 'CONFLICT', /batch-0002.*different request/);
    });

    it("one organization's key does not answer for another", async () => {
      const keyed = { idempotencyKey: 'shared-key-1' };
      const fromA = (await gqlOk(app, RECORD_EVENT, { input: event(a.batch.id, keyed) }, a.org.key)).recordEvent;
      const before = await ledgerState();
      const fromB = (await gqlOk(app, RECORD_EVENT, { input: event(b.batch.id, keyed) }, b.org.key)).recordEvent;
      expect(fromB.batchId).toBe(b.batch.id);
      expect(fromB.seq).toBe(before.size + 1);
      expect(fromB.hash).not.toBe(fromA.hash);
      // and B's use of the key did not take it from A
      expect((await gqlOk(app, RECORD_EVENT, { input: event(a.batch.id, keyed) }, a.org.key)).recordEvent).toEqual(fromA);
    });
  });

  describe('bad input is refused, with a clear error and nothing recorded', () => {
    it('an unknown batch is NOT_FOUND', async () => {
      const id = randomUUID();
      await expectRefused(() => gql(app, RECORD_EVENT, { input: event(id) }, a.org.key), 'NOT_FOUND', new RegExp(`no batch has id ${id}`));
    });

    it('an unknown facility or destination organization is NOT_FOUND, naming the field', async () => {
      const id = randomUUID();
      await expectRefused(
        () => gql(app, RECORD_EVENT, { input: { ...event(a.batch.id), facilityId: id } }, a.org.key),
        'NOT_FOUND',
        new RegExp(`facilityId: no facility has id ${id}`),
      );
      await expectRefused(
        () => gql(app, RECORD_EVENT, { input: { ...event(a.batch.id), destinationOrganizationId: id } }, a.org.key),
        'NOT_FOUND',
        new RegExp(`destinationOrganizationId: no organization has id ${id}`),
      );
    });

    it('a malformed UUID is BAD_USER_INPUT', async () => {
      await expectRefused(() => gql(app, RECORD_EVENT, { input: event('not-a-uuid') }, a.org.key), 'BAD_USER_INPUT', /batchId/);
    });

    it('a quantity of 1e300 is BAD_USER_INPUT', async () => {
      await expectRefused(() => gql(app, RECORD_EVENT, { input: event(a.batch.id, { quantity: 1e300 }) }, a.org.key), 'BAD_USER_INPUT', /quantity/);
      await expectRefused(
        () =>
          gql(
            app,
            REGISTER_BATCH,
            {
              input: {
                productId: a.productId,
                facilityId: a.facilityId,
                lotCode: 'LOT-HUGE',
                quantity: 1e300,
                unit: 'kg',
                producedAt: '2026-10-01T00:00:00.000Z',
              },
            },
            a.org.key,
          ),
        'BAD_USER_INPUT',
        /quantity/,
      );
    });

    it('details over 16 KiB are BAD_USER_INPUT', async () => {
      await expectRefused(
        () => gql(app, RECORD_EVENT, { input: event(a.batch.id, { details: { note: 'x'.repeat(17 * 1024) } }) }, a.org.key),
        'BAD_USER_INPUT',
        /details.*bytes/,
      );
    });

    it('details nested too deep are BAD_USER_INPUT', async () => {
      let deep: Record<string, unknown> = { leaf: 1 };
      for (let i = 0; i < 12; i++) deep = { level: deep };
      await expectRefused(() => gql(app, RECORD_EVENT, { input: event(a.batch.id, { details: deep }) }, a.org.key), 'BAD_USER_INPUT', /details.*(deep|levels)/);
    });

    it('a facility name of 201 characters is BAD_USER_INPUT', async () => {
      await expectRefused(() => gql(app, REGISTER_FACILITY, { input: { name: '田'.repeat(201) } }, a.org.key), 'BAD_USER_INPUT', /name.*200/);
      // 200 is the limit, not less
      await gqlOk(app, REGISTER_FACILITY, { input: { name: '田'.repeat(200) } }, a.org.key);
    });

    it('a mutation without Authorization is UNAUTHENTICATED', async () => {
      await expectRefused(() => gql(app, RECORD_EVENT, { input: event(a.batch.id) }), 'UNAUTHENTICATED', /API key/);
    });

    it('a wrong key is UNAUTHENTICATED', async () => {
      await expectRefused(() => gql(app, RECORD_EVENT, { input: event(a.batch.id) }, `${a.org.key.slice(0, -2)}xx`), 'UNAUTHENTICATED', /API key/);
      await expectRefused(() => gql(app, RECORD_EVENT, { input: event(a.batch.id) }, 'nonsense'), 'UNAUTHENTICATED', /API key/);
    });

    it("recording on another organization's batch is FORBIDDEN", async () => {
      await expectRefused(() => gql(app, RECORD_EVENT, { input: event(a.batch.id) }, b.org.key), 'FORBIDDEN', /custod/);
    });

    it('an organization creating an organization is FORBIDDEN', async () => {
      await expectRefused(() => gql(app, CREATE_ORGANIZATION, { input: { name: 'Rogue Co', kind: 'PRODUCER' } }, a.org.key), 'FORBIDDEN', /admin/);
    });

    it('a GTIN with a wrong check digit is BAD_USER_INPUT', async () => {
      await gqlOk(app, REGISTER_PRODUCT, { input: { name: '大米', category: 'GRAIN', storage: 'AMBIENT', gtin: '4006381333931' } }, a.org.key);
      await expectRefused(
        () => gql(app, REGISTER_PRODUCT, { input: { name: '大米 2', category: 'GRAIN', storage: 'AMBIENT', gtin: '4006381333932' } }, a.org.key),
        'BAD_USER_INPUT',
        /gtin 4006381333932.*check digit/i,
      );
    });

    it('a USCC with a wrong check character is BAD_USER_INPUT', async () => {
      await expectRefused(
        () => gql(app, CREATE_ORGANIZATION, { input: { name: 'Bad USCC Co', kind: 'PROCESSOR', uscc: '91120116MA05JXXX00' } }, TEST_ADMIN_KEY),
        'BAD_USER_INPUT',
        /uscc.*check character should be D/i,
      );
      await gqlOk(app, CREATE_ORGANIZATION, { input: { name: 'Good USCC Co', kind: 'PROCESSOR', uscc: '91120116MA05JXXX0D' } }, TEST_ADMIN_KEY);
    });

    it('a lot code used before for the product is a CONFLICT', async () => {
      await expectRefused(
        () =>
          gql(
            app,
            REGISTER_BATCH,
            {
              input: {
                productId: a.productId,
                facilityId: a.facilityId,
                lotCode: a.batch.lotCode,
                quantity: 5,
                unit: 'kg',
                producedAt: '2026-10-01T00:00:00.000Z',
              },
            },
            a.org.key,
          ),
        'CONFLICT',
        new RegExp(`lot code ${a.batch.lotCode}`),
      );
      // the same lot code on another organization's product is fine
      await registerBatch(app, b.org, b.productId, b.facilityId, { lotCode: a.batch.lotCode });
    });

    it('recordEvents of 1,001 events is BAD_USER_INPUT', async () => {
      // Written as a literal list so the request stays under the HTTP body limit (100 KB) and reaches the service's own limit.
      const one = '{ batchId: $b, bizStep: STORING, eventTime: "2026-10-06T09:00:00Z" }';
      const query = (n: number) => `mutation($b: ID!) { recordEvents(input: [${Array(n).fill(one).join(',')}]) { seq } }`;
      await expectRefused(() => gql(app, query(1001), { b: a.batch.id }, a.org.key), 'BAD_USER_INPUT', /1,?000.*1001/);
      await expectRefused(() => gql(app, 'mutation { recordEvents(input: []) { seq } }', {}, a.org.key), 'BAD_USER_INPUT', /recordEvents takes 1 to.*got 0/);
    });

    it('a request body over the HTTP limit is a client error, not an internal one', async () => {
      // Over the 20 MB limit of src/http.ts: the body parser refuses it before GraphQL sees it.
      const events = [{ batchId: a.batch.id, bizStep: 'STORING', eventTime: '2026-10-06T09:00:00.000Z', details: { note: 'x'.repeat(21 * 1024 * 1024) } }];
      await expectRefused(
        async () => {
          const res = await request(app.getHttpServer())
            .post('/graphql')
            .set('content-type', 'application/json')
            .set('authorization', `Bearer ${a.org.key}`)
            .send({ query: RECORD_EVENTS, variables: { input: events } });
          expect(res.status).toBeLessThan(500);
          return res.body as GqlResponse;
        },
        'BAD_USER_INPUT',
        /larger than/,
      );
    });

    it('recordEvents is all or nothing: a third event on a batch out of custody refuses all three', async () => {
      const eventsBefore = (await gqlOk(app, BATCH_EVENT_SEQS, { id: a.batch.id }, a.org.key)).batch.events.length;
      await expectRefused(
        () => gql(app, RECORD_EVENTS, { input: [event(a.batch.id), event(a.batch.id), { ...event(b.batch.id), facilityId: a.facilityId }] }, a.org.key),
        'FORBIDDEN',
        new RegExp(`events\\[2\\]\\.batchId.*${b.batch.id}`),
      );
      const eventsAfter = (await gqlOk(app, BATCH_EVENT_SEQS, { id: a.batch.id }, a.org.key)).batch.events.length;
      expect(eventsAfter).toBe(eventsBefore);
    });

    it('details holding a lone surrogate are BAD_USER_INPUT', async () => {
      // JSON can carry "\ud800"; JavaScript's JSON.parse turns it into a lone surrogate, which is not Unicode text.
      const send = (query: string, input: string) => async () => {
        const res = await request(app.getHttpServer())
          .post('/graphql')
          .set('content-type', 'application/json')
          .set('authorization', `Bearer ${a.org.key}`)
          .send(`{"query":${JSON.stringify(query)},"variables":{"input":${input}}}`);
        return res.body as GqlResponse;
      };
      await expectRefused(
        send(
          RECORD_EVENT,
          `{"batchId":"${a.batch.id}","bizStep":"STORING","facilityId":"${a.facilityId}",` +
            '"eventTime":"2026-10-06T09:00:00.000Z","details":{"note":"abc\\ud800"}}',
        ),
        'BAD_USER_INPUT',
        /surrogate/,
      );
      await expectRefused(
        send(
          REGISTER_BATCH,
          `{"productId":"${a.productId}","facilityId":"${a.facilityId}","lotCode":"LOT-SURROGATE",` +
            '"quantity":1,"unit":"kg","producedAt":"2026-10-01T00:00:00.000Z","details":{"note":"\\udc00x"}}',
        ),
        'BAD_USER_INPUT',
        /surrogate/,
      );
      // a proper pair is fine
      await gqlOk(app, RECORD_EVENT, { input: event(a.batch.id, { details: { note: '😀' } }) }, a.org.key);
    });
  });
});
