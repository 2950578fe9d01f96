import { describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { DataSource } from 'typeorm';
import { BatchStory1766800000101 } from '../../migrations/1766800000101-batch-story.js';
import { NEWEST_KEY_STEPS } from '../../src/scan/lot-story.js';
import { KEEP_BEHIND, PublicEvent, ScanRepository } from '../../src/scan/scan.repository.js';
import { TIMELINE_HEAD } from '../../src/scan/timeline-page.js';
import { createOrg, Org, producerWithBatch, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { RECORD_EVENTS, RECORD_INSPECTION, TRANSFORM_BATCHES_TRACE_CODES, VERIFY_BATCH_FULL } from '../support/documents.js';
import { gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';

/**
 * A lot's scan and page read its story from summaries kept per batch (batch_story, src/scan/lot-story.ts)
 * plus what was appended since, and check only the lot's entries after the point its chain was checked
 * through. These hold those answers to what reading the whole history gives (the every-event pages'
 * statement, which still reads it all), after many mixed appends with reads kept at points in between,
 * and check tampering is found as README "What a consumer sees" says.
 */
describe("a lot's story kept as it grows", () => {
  const service = useTestApp();
  const scans = () => service.app.get(ScanRepository);

  const STEPS = [
    { bizStep: 'STORING' },
    { bizStep: 'COOLING', details: { coolingDate: '2026-09-02' } },
    { bizStep: 'HARVESTING', details: { fieldName: '葛沽三号田', harvestDate: '2026-09-01' } },
    { bizStep: 'PACKING', details: { lotCode: 'PK-1' } },
  ];
  let recorded = 0;
  /** `count` events of mixed steps on the batch, their times out of order and some equal (ties go by seq). */
  async function record(app: INestApplication<App>, org: Org, batchId: string, facilityId: string, count: number): Promise<void> {
    const input = Array.from({ length: count }, () => {
      const n = recorded++;
      const minute = (n * 37) % 97;
      return { batchId, facilityId, eventTime: new Date(Date.parse('2026-09-01T00:00:00Z') + minute * 60_000).toISOString(), ...STEPS[(n * 7) % 4] };
    });
    for (let from = 0; from < input.length; from += 100) await gqlOk(app, RECORD_EVENTS, { input: input.slice(from, from + 100) }, org.key);
  }

  /** What reading every event gives: the whole story through the every-event pages' statement, counted and picked here. */
  async function wholeStoryRead(batchId: string) {
    const { total, events } = await scans().eventsPage(batchId, 0, 1_000_000);
    const firsts = [...new Set(events.map((e) => e.bizStep))].map((step) => events.find((e) => e.bizStep === step)!);
    const key = new Set([...firsts, ...events.slice(-NEWEST_KEY_STEPS)].map((e) => e.seq));
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.bizStep, (counts.get(e.bizStep) ?? 0) + 1);
    const rows: { total: number; failed: number; latest: string | null; entries: number }[] = await service.app.get(DataSource).query(
      `WITH RECURSIVE up(id) AS (SELECT $1::uuid UNION SELECT e.from_batch_id FROM lineage_edge e JOIN up ON e.to_batch_id = up.id)
       SELECT count(*)::int AS total, (count(*) FILTER (WHERE verdict = 'FAIL'))::int AS failed,
              (array_agg(verdict ORDER BY created_seq DESC))[1] AS latest, (SELECT count(*)::int FROM ledger_entry WHERE batch_id = $1) AS entries
       FROM inspection i JOIN up ON up.id = i.batch_id`,
      [batchId],
    );
    return {
      eventCount: total,
      head: events.slice(0, TIMELINE_HEAD),
      keySteps: events.filter((e) => key.has(e.seq)),
      stepCounts: [...counts].map(([bizStep, count]) => ({ bizStep, count })).sort((a, b) => b.count - a.count || (a.bizStep < b.bizStep ? -1 : 1)),
      inspections: { total: rows[0].total, failed: rows[0].failed, latest: rows[0].latest },
      entries: rows[0].entries,
    };
  }

  /** The scan's and the page's reads (no cache in between) against the whole-history read. */
  async function expectSameAsWholeRead(traceCode: string, batchId: string): Promise<void> {
    const whole = await wholeStoryRead(batchId);
    const scan = (await scans().scan(traceCode))!;
    const page = (await scans().pageView(traceCode))!;
    const plain = (events: PublicEvent[]) => events.map((e) => ({ ...e }));
    expect({ eventCount: scan.eventCount, head: plain(scan.head), entries: scan.entries, intact: scan.intact }).toEqual({
      eventCount: whole.eventCount,
      head: plain(whole.head),
      entries: whole.entries,
      intact: true,
    });
    expect({ ...page, keySteps: plain(page.keySteps) }).toMatchObject({
      eventCount: whole.eventCount,
      keySteps: plain(whole.keySteps),
      stepCounts: whole.stepCounts,
      inspections: whole.inspections,
      entries: whole.entries,
      intact: true,
    });
  }

  /** The batch's kept row, once every summary a read started keeping is written. */
  async function kept(batchId: string) {
    await scans().keptStories();
    const rows = await service.app
      .get(DataSource)
      .query('SELECT through_seq::int, verified_seq::int, verified_entries, story FROM batch_story WHERE batch_id = $1', [batchId]);
    return rows[0] as { through_seq: number; verified_seq: number | null; verified_entries: number | null; story: { eventCount: number } } | undefined;
  }

  it('equals the whole-history read after many mixed appends, transformations, inspections and an error declaration, read at points in between', async () => {
    const { app } = service;
    const coop = await createOrg(app, 'PRODUCER', '小站稻种植合作社');
    const lab = await createOrg(app, 'LAB');
    const field = await registerFacility(app, coop, { region: '天津市津南区' });
    const paddy = await registerProduct(app, coop, { name: '小站稻（稻谷）' });
    const [a, b] = [await registerBatch(app, coop, paddy, field), await registerBatch(app, coop, paddy, field)];
    await record(app, coop, a.id, field, 150);
    await expectSameAsWholeRead(a.traceCode, a.id);
    // Read 151 entries behind: the paddy lot's story and the point its chain was checked through are kept.
    expect(await kept(a.id)).toMatchObject({ verified_entries: 151, story: { eventCount: 151 } });
    await record(app, coop, b.id, field, 30);
    await record(app, coop, a.id, field, 20);

    const rice = (
      await gqlOk(
        app,
        TRANSFORM_BATCHES_TRACE_CODES,
        {
          input: {
            facilityId: field,
            eventTime: '2026-09-01T00:30:00.000Z',
            inputs: [
              { batchId: a.id, quantity: 400 },
              { batchId: b.id, quantity: 300 },
            ],
            outputs: [{ productId: await registerProduct(app, coop, { name: '小站稻米 5kg' }), lotCode: 'RICE-1', quantity: 500, unit: 'kg' }],
          },
        },
        coop.key,
      )
    ).transformBatches.outputs[0] as { id: string; traceCode: string };
    await expectSameAsWholeRead(rice.traceCode, rice.id);

    await record(app, coop, rice.id, field, 90);
    const inspect = (batchId: string, verdict: string) => {
      const items = [{ name: '镉 (Cd)', value: 0.1, limit: 0.2, unit: 'mg/kg', passed: verdict === 'PASS' }];
      return gqlOk(app, RECORD_INSPECTION, { input: { batchId, verdict, items } }, lab.key);
    };
    await inspect(rice.id, 'PASS');
    await expectSameAsWholeRead(rice.traceCode, rice.id);
    expect(await kept(rice.id)).toMatchObject({ verified_entries: 92 });

    // An EPCIS event on the rice lot, then its error declaration: the page marks the step, it stays counted.
    const storing = {
      type: 'ObjectEvent',
      eventID: 'urn:uuid:0b6f7c1e-8a2d-4c3b-9e4f-5a6b7c8d9e0f',
      eventTime: '2026-09-03T09:00:00+08:00', // the newest event: among the page's key steps
      eventTimeZoneOffset: '+08:00',
      action: 'OBSERVE',
      bizStep: 'storing',
      bizLocation: { id: `urn:uuid:${field}` },
      quantityList: [{ epcClass: `http://localhost:3000/q/${rice.traceCode}`, quantity: 500 }],
    };
    const capture = (event: object) =>
      request(app.getHttpServer())
        .post('/epcis/capture')
        .set('content-type', 'application/ld+json')
        .set('authorization', `Bearer ${coop.key}`)
        .send(JSON.stringify({ type: 'EPCISDocument', schemaVersion: '2.0', epcisBody: { eventList: [event] } }));
    expect((await capture(storing)).status).toBe(202);
    expect((await capture({ ...storing, errorDeclaration: { declarationTime: '2026-09-04T09:00:00+08:00', reason: 'incorrect_data' } })).status).toBe(202);
    await record(app, coop, a.id, field, 5);
    await inspect(a.id, 'PASS');
    await record(app, coop, rice.id, field, 70);
    await inspect(b.id, 'FAIL');
    await expectSameAsWholeRead(rice.traceCode, rice.id);
    const page = (await scans().pageView(rice.traceCode))!;
    expect(page.inspections).toEqual({ total: 3, failed: 1, latest: 'FAIL' });
    expect(page.keySteps.filter((e) => e.declaredErroneous !== null)).toEqual([expect.objectContaining({ declaredErroneous: 'incorrect_data' })]);
    // The paddy lot's summary is 27 entries behind (fewer than KEEP_BEHIND): not written again, each read folds them in.
    expect((await kept(a.id))!.story.eventCount).toBe(151);

    // The migration's backfill folds the whole ledger to the same summaries the reads kept.
    const keptByReads = await kept(rice.id);
    const runner = app.get(DataSource).createQueryRunner();
    try {
      await new BatchStory1766800000101().down(runner);
      await new BatchStory1766800000101().up(runner);
    } finally {
      await runner.release();
    }
    const backfilled = await kept(rice.id);
    expect(backfilled).toEqual({ ...keptByReads, verified_seq: null, verified_entries: null });
    await expectSameAsWholeRead(rice.traceCode, rice.id);
    await expectSameAsWholeRead(a.traceCode, a.id);
  });

  async function tamper(sql: string, params: unknown[]): Promise<void> {
    const client = new pg.Client({ connectionString: service.db.url });
    await client.connect();
    try {
      await client.query('ALTER TABLE ledger_entry DISABLE TRIGGER USER');
      await client.query(sql, params);
      await client.query('ALTER TABLE ledger_entry ENABLE TRIGGER USER');
    } finally {
      await client.end();
    }
  }

  const SCAN = 'query($code: String!) { scan(code: $code) { verification { valid checkedEntries firstInvalidSeq reason } } }';
  const seqOf = async (batchId: string, offset: number) =>
    (await service.app.get(DataSource).query('SELECT seq::int FROM ledger_entry WHERE batch_id = $1 ORDER BY seq OFFSET $2 LIMIT 1', [batchId, offset]))[0]
      .seq as number;

  it('finds an entry changed after the checked point and names it, keeping the point; a change before it is left to the whole-chain check', async () => {
    const { app } = service;
    const { org, facilityId, batch } = await producerWithBatch(app);
    await record(app, org, batch.id, facilityId, 100);
    await scans().scan(batch.traceCode);
    const point = (await kept(batch.id))!;
    expect(point).toMatchObject({ verified_seq: await seqOf(batch.id, 100), verified_entries: 101 });

    // More than KEEP_BEHIND entries since the point, one of them changed around the database's refusal: found, named, and the point stays.
    await record(app, org, batch.id, facilityId, KEEP_BEHIND + 6);
    const changed = await seqOf(batch.id, 110);
    await tamper(`UPDATE ledger_entry SET actor = 'someone-else' WHERE seq = $1`, [changed]);
    expect((await gqlOk(app, SCAN, { code: batch.traceCode })).scan.verification).toMatchObject({ valid: false, firstInvalidSeq: changed });
    expect(await kept(batch.id)).toMatchObject({ verified_seq: point.verified_seq, verified_entries: 101 });

    // An entry up to the point changed: the scan checks only what came after it, and says so by counting every entry it vouches for;
    // the whole chain's check (verifyBatch, the page's "check every entry", verifyLedger) finds it.
    const other = await producerWithBatch(app);
    await record(app, other.org, other.batch.id, other.facilityId, 100);
    await scans().scan(other.batch.traceCode);
    const old = await seqOf(other.batch.id, 50);
    await tamper(`UPDATE ledger_entry SET actor = 'someone-else' WHERE seq = $1`, [old]);
    expect((await gqlOk(app, SCAN, { code: other.batch.traceCode })).scan.verification).toEqual({
      valid: true,
      checkedEntries: 101,
      firstInvalidSeq: null,
      reason: null,
    });
    expect((await gqlOk(app, VERIFY_BATCH_FULL, { id: other.batch.id })).verifyBatch).toMatchObject({ valid: false, firstInvalidSeq: old });
  });
});

describe('kept lot stories audited against the ledger', () => {
  const service = useTestApp();
  const VERIFY_WITH_PROJECTIONS = `{ verifyLedger { valid projections { clean rowsChecked disagreements
    firstDisagreement { table id column ledgerValue tableValue seq reason } } } }`;
  const verify = async () => (await gqlOk(service.app, VERIFY_WITH_PROJECTIONS, {}, TEST_ADMIN_KEY)).verifyLedger;

  it('finds a kept story or checked point that says what the ledger does not, naming the row and what differs', async () => {
    const { app } = service;
    const { org, facilityId, batch } = await producerWithBatch(app);
    const events = Array.from({ length: 100 }, (_, i) => ({
      batchId: batch.id,
      facilityId,
      bizStep: i % 3 ? 'STORING' : 'PACKING',
      eventTime: new Date(Date.parse('2026-10-07T00:00:00Z') + i * 60_000).toISOString(),
      ...(i % 3 ? {} : { details: { lotCode: 'PK-1' } }),
    }));
    await gqlOk(app, RECORD_EVENTS, { input: events }, org.key);
    const scans = app.get(ScanRepository);
    await scans.scan(batch.traceCode);
    await scans.keptStories();
    // 1 organization, 1 facility, 1 product, 1 batch, 1 kept story.
    expect((await verify()).projections).toMatchObject({ clean: true, rowsChecked: 5, disagreements: 0 });

    const db = app.get(DataSource);
    const [{ verified_hash: hash }] = await db.query('SELECT verified_hash FROM batch_story WHERE batch_id = $1', [batch.id]);
    for (const [change, column, ledgerValue, tableValue] of [
      [`story = jsonb_set(story, '{eventCount}', '99')`, 'story.eventCount', '101', '99'],
      [
        `story = jsonb_set(story, '{stepCounts,STORING}', '1')`,
        'story.stepCounts',
        '{"COMMISSIONING":1,"PACKING":34,"STORING":66}',
        '{"COMMISSIONING":1,"PACKING":34,"STORING":1}',
      ],
      [`verified_hash = repeat('0', 64)`, 'verified_hash', hash, '0'.repeat(64)],
    ]) {
      const [before] = await db.query('SELECT story, verified_hash FROM batch_story WHERE batch_id = $1', [batch.id]);
      await db.query(`UPDATE batch_story SET ${change} WHERE batch_id = $1`, [batch.id]);
      try {
        const { valid, projections } = await verify();
        expect(valid).toBe(true);
        expect(projections).toMatchObject({
          clean: false,
          disagreements: 1,
          firstDisagreement: { table: 'batch_story', id: batch.id, column, ledgerValue, tableValue },
        });
        expect(projections.firstDisagreement.reason).toContain(`batch_story ${batch.id} ${column}: the ledger says`);
      } finally {
        await db.query('UPDATE batch_story SET story = $2, verified_hash = $3 WHERE batch_id = $1', [batch.id, before.story, before.verified_hash]);
      }
    }
    expect((await verify()).projections).toMatchObject({ clean: true, rowsChecked: 5 });
  });
});
