import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { batchWithLongStory, createOrg, Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { createTestApp, gqlOk } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { CLOSE_RECALL, INITIATE_RECALL, RECORD_EVENT as RECORD, TRANSFORM_BATCHES_TRACE_CODES } from '../support/documents.js';

/**
 * Scans are served from a cache of views; these check that a consumer never keeps seeing a story the
 * ledger has moved past: after this process's writes at once, after another process's as soon as
 * PostgreSQL's notice arrives, and after the listening connection was lost and came back.
 */
const SCAN = `query($code: String!) { scan(code: $code) { status timeline { bizStep eventTime } recall { reason } verification { valid checkedEntries } } }`;

interface Scan {
  status: string;
  timeline: { bizStep: string; eventTime: string }[];
  recall: { reason: string } | null;
  verification: { valid: boolean; checkedEntries: number };
}

describe('scan views stay current', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let other: INestApplication<App>;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    other = await createTestApp(db.url);
  });
  afterAll(async () => {
    await other?.close();
    await app?.close();
    await db?.drop();
  });

  const scan = async (on: INestApplication<App>, code: string) => (await gqlOk<{ scan: Scan }>(on, SCAN, { code })).scan;

  /** A paddy lot milled into a rice lot: the rice lot's story includes the paddy's. */
  async function milledRice() {
    const coop = await createOrg(app);
    const field = await registerFacility(app, coop);
    const paddy = await registerBatch(app, coop, await registerProduct(app, coop, { name: '稻谷' }), field);
    const made = await gqlOk(
      app,
      TRANSFORM_BATCHES_TRACE_CODES,
      {
        input: {
          facilityId: field,
          eventTime: '2026-10-10T02:00:00.000Z',
          inputs: [{ batchId: paddy.id, quantity: 500 }],
          outputs: [{ productId: await registerProduct(app, coop), lotCode: `RICE-${paddy.lotCode}`, quantity: 350, unit: 'kg' }],
        },
      },
      coop.key,
    );
    return { coop, field, paddy, rice: made.transformBatches.outputs[0] as { id: string; traceCode: string } };
  }

  const event = (coop: Org, batchId: string, facilityId: string, bizStep: string, eventTime: string) =>
    gqlOk(app, RECORD, { input: { batchId, bizStep, eventTime, facilityId } }, coop.key);

  async function until(check: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`still not: ${what}`);
  }

  it("shows this process's writes at the next scan: the batch's own event, an upstream batch's, a recall and its end", async () => {
    const { coop, field, paddy, rice } = await milledRice();
    const before = await scan(app, rice.traceCode);
    expect(before.timeline.map((e) => e.bizStep)).toEqual(['COMMISSIONING', 'TRANSFORMING', 'COMMISSIONING']);
    expect(await scan(app, rice.traceCode)).toEqual(before);

    await event(coop, rice.id, field, 'STORING', '2026-10-11T02:00:00.000Z');
    const own = await scan(app, rice.traceCode);
    expect(own.timeline.map((e) => e.bizStep)).toEqual(['COMMISSIONING', 'TRANSFORMING', 'COMMISSIONING', 'STORING']);
    expect(own.verification).toEqual({ valid: true, checkedEntries: 2 });

    // The paddy's later inspection-room sampling is part of the rice's story too.
    await event(coop, paddy.id, field, 'INSPECTING', '2026-10-12T02:00:00.000Z');
    expect((await scan(app, rice.traceCode)).timeline.map((e) => e.bizStep)).toContain('INSPECTING');

    const regulator = await createOrg(app, 'REGULATOR');
    const recall = await gqlOk(
      app,
      INITIATE_RECALL,
      {
        input: { batchIds: [rice.id], level: 'LEVEL_2', reason: '镉超标 cadmium above the limit' },
      },
      regulator.key,
    );
    const recalled = await scan(app, rice.traceCode);
    expect(recalled.recall).toEqual({ reason: '镉超标 cadmium above the limit' });
    expect(recalled.status).toBe('RECALLED');

    await gqlOk(app, CLOSE_RECALL, { input: { recallId: recall.initiateRecall.id, note: 'all recovered' } }, regulator.key);
    expect((await scan(app, rice.traceCode)).recall).toBeNull();
  });

  it("answers the page's revalidation with 304 until the batch changes, then with the new page", async () => {
    const { coop, field, rice } = await milledRice();
    const page = () => request(app.getHttpServer()).get(`/q/${rice.traceCode}?lang=en`);
    await page();
    const first = await page();
    expect(first.status).toBe(200);
    expect(first.text).not.toContain('Stored');
    expect((await page().set('if-none-match', first.headers.etag)).status).toBe(304);
    await event(coop, rice.id, field, 'STORING', '2026-10-11T02:00:00.000Z');
    const second = await page().set('if-none-match', first.headers.etag);
    expect(second.status).toBe(200);
    expect(second.headers.etag).not.toBe(first.headers.etag);
    expect(second.text).toContain('data-value="STORING">Stored</b>');
  });

  it('serves a kept page until an upstream lot changes (the ETag does not), in this process at once and in another on the notice', async () => {
    const { coop, field, paddy, rice } = await milledRice();
    const page = (on: INestApplication<App>) => request(on.getHttpServer()).get(`/q/${rice.traceCode}?lang=en`);
    for (const on of [app, other]) {
      await page(on);
      expect((await page(on)).text).not.toContain('Inspected'); // rendered twice: now kept
    }
    const kept = await page(app);
    await event(coop, paddy.id, field, 'INSPECTING', '2026-10-12T02:00:00.000Z');
    const after = await page(app);
    expect(after.headers.etag).toBe(kept.headers.etag); // the rice lot's own chain did not move
    expect(after.text).toContain('Inspected');
    await until(async () => (await page(other)).text.includes('Inspected'), "the other process's page shows the upstream inspection");
  });

  it("shows another process's writes once PostgreSQL's notice arrives", async () => {
    const { coop, field, paddy, rice } = await milledRice();
    expect((await scan(other, rice.traceCode)).timeline).toHaveLength(3);
    expect((await scan(other, rice.traceCode)).timeline).toHaveLength(3); // read twice: now kept
    await event(coop, paddy.id, field, 'STORING', '2026-10-08T02:00:00.000Z');
    await until(async () => (await scan(other, rice.traceCode)).timeline.length === 4, 'the other process shows the upstream event');
    expect((await scan(other, rice.traceCode)).timeline.map((e) => e.bizStep)).toEqual(['COMMISSIONING', 'STORING', 'TRANSFORMING', 'COMMISSIONING']);
  });

  it("keeps a lot of thousands of events as a bounded view (its story's first 100 events), and reads later pages from the database", async () => {
    const batch = await batchWithLongStory(app, 3000);
    // A cache of 200 rows: the whole story (3,001 events) would never fit in it.
    const small = await createTestApp(db.url, { SCAN_CACHE_ROWS: '200' });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const HEAD = `query($code: String!) { scan(code: $code) { producer timelineTotal timeline(first: 100) { organization cursor } } }`;
      const AFTER = `query($code: String!, $after: String) { scan(code: $code) { timeline(first: 1, after: $after) { organization } } }`;
      const read = async () => (await gqlOk(small, HEAD, { code: batch.traceCode })).scan;
      // It keeps views only while it hears the ledger's notices: wait until it listens.
      const listeners = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN ledger_appended'`;
      await until(async () => (await admin.query<{ n: number }>(listeners)).rows[0].n === 3, 'the third process listens');
      const before = await read();
      expect(await read()).toEqual(before); // read twice: now kept
      // Renamed around the service: what is kept shows the old name, what is read shows the new one.
      await admin.query('UPDATE organization SET name = $2 WHERE name = $1', [before.producer, `${before.producer} (renamed)`]);
      const kept = await read();
      expect(kept).toEqual(before);
      expect(kept.timelineTotal).toBe(3001);
      const later = (await gqlOk(small, AFTER, { code: batch.traceCode, after: kept.timeline.at(-1).cursor })).scan;
      expect(later.timeline).toEqual([{ organization: `${before.producer} (renamed)` }]);
    } finally {
      await admin.end();
      await small.close();
    }
  });

  it('listens again after its connection is cut, and shows what was written meanwhile', async () => {
    const { coop, field, rice } = await milledRice();
    expect((await scan(other, rice.traceCode)).timeline).toHaveLength(3);
    expect((await scan(other, rice.traceCode)).timeline).toHaveLength(3);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const listeners = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN ledger_appended'`;
      const cut = (await admin.query<{ pid: number }>(listeners)).rows.map((r) => r.pid);
      expect(cut).toHaveLength(2); // one per process
      await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid', [cut]);
      await event(coop, rice.id, field, 'STORING', '2026-10-11T02:00:00.000Z');
      await until(
        async () => (await scan(other, rice.traceCode)).timeline.length === 4,
        'the other process shows the event written while it was not listening',
      );
      // Both listen again, on new connections.
      await until(
        async () => (await admin.query<{ pid: number }>(listeners)).rows.filter((r) => !cut.includes(r.pid)).length === 2,
        'both processes listen again',
      );
      await event(coop, rice.id, field, 'STORING', '2026-10-12T02:00:00.000Z');
      await until(async () => (await scan(other, rice.traceCode)).timeline.length === 5, 'the other process shows an event written after it listened again');
    } finally {
      await admin.end();
    }
  });
});
