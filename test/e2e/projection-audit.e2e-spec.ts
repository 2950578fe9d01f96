import { beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createOrg, Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { INITIATE_RECALL, RECORD_EVENT, RECORD_INSPECTION, RECORD_TEMPERATURES, TRANSFORM_BATCHES } from '../support/documents.js';
import { gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';

const VERIFY_WITH_PROJECTIONS = `{ verifyLedger { valid projections {
  clean rowsChecked disagreements uncheckedRows ledgerSize
  firstDisagreement { table id column ledgerValue tableValue seq reason } } } }`;
const RELEASE_BATCH = 'mutation($input: ReleaseBatchInput!) { releaseBatch(input: $input) { id status } }';

interface Story {
  farm: Org;
  mill: Org;
  yard: string;
  rice: string;
  raw: string;
  milled: string;
}

/** Harvest, readings, shipping and receiving, milling, a failed inspection (holding both), a release, and a recall. */
async function buildStory(app: INestApplication<App>): Promise<Story> {
  const farm = await createOrg(app, 'PRODUCER', '宁河东棘坨农场');
  const yard = await registerFacility(app, farm, { name: '东棘坨一号田', region: '天津市宁河区' });
  const rice = await registerProduct(app, farm, { name: '小站稻 稻谷', geographicIndication: '小站稻' });
  const raw = (await registerBatch(app, farm, rice, yard, { quantity: 1000 })).id;
  const readings = ['2026-10-06T09:00:00.000Z', '2026-10-06T10:00:00.000Z'].map((at, i) => ({ at, celsius: 18 + i }));
  await gqlOk(app, RECORD_TEMPERATURES, { input: { batchId: raw, readings } }, farm.key);

  const mill = await createOrg(app, 'PROCESSOR', '津南米业');
  const millFloor = await registerFacility(app, mill, { name: '津南加工车间', region: '天津市津南区' });
  const milledRice = await registerProduct(app, mill, { name: '小站稻 大米' });
  const event = (key: string, input: Record<string, unknown>) => gqlOk(app, RECORD_EVENT, { input: { batchId: raw, ...input } }, key);
  await event(farm.key, {
    bizStep: 'SHIPPING',
    eventTime: '2026-10-07T08:00:00.000Z',
    facilityId: yard,
    quantity: 1000,
    destinationOrganizationId: mill.id,
    details: { shipToLocation: '津南加工车间', referenceDocumentType: 'BOL', referenceDocumentNumber: 'B-14' },
  });
  await event(mill.key, { bizStep: 'RECEIVING', eventTime: '2026-10-07T12:00:00.000Z', facilityId: millFloor, quantity: 990 });
  const transformed = await gqlOk(
    app,
    TRANSFORM_BATCHES,
    {
      input: {
        facilityId: millFloor,
        eventTime: '2026-10-08T08:00:00.000Z',
        inputs: [{ batchId: raw, quantity: 500 }],
        outputs: [{ productId: milledRice, lotCode: 'JN-20261008', quantity: 350, unit: 'kg' }],
      },
    },
    mill.key,
  );
  const milled = transformed.transformBatches.outputs[0].id as string;

  const lab = await createOrg(app, 'LAB', '天津市食品检验所');
  const regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理委员会');
  const items = [{ name: 'Cd', passed: false, value: 0.3, limit: 0.2, unit: 'mg/kg' }];
  await gqlOk(app, RECORD_INSPECTION, { input: { batchId: raw, verdict: 'FAIL', items } }, lab.key);
  await gqlOk(app, RELEASE_BATCH, { input: { batchId: milled, reason: 'retested: within the limit' } }, regulator.key);
  await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [milled], level: 'LEVEL_2', reason: '标签错误' } }, regulator.key);
  return { farm, mill, yard, rice, raw, milled };
}

/** Statements on the service's database over a connection of the test's own, as someone with a SQL prompt would. */
async function sql(url: string, text: string, params: unknown[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text, params);
  } finally {
    await client.end();
  }
}

describe('projections audited against the ledger', () => {
  const ctx = useTestApp();
  let story: Story;
  beforeAll(async () => {
    story = await buildStory(ctx.app);
  });

  const verify = async () => (await gqlOk(ctx.app, VERIFY_WITH_PROJECTIONS, {}, TEST_ADMIN_KEY)).verifyLedger;
  const ready = () => request(ctx.app.getHttpServer()).get('/health/ready');

  it('an untampered ledger audits clean, every row checked, and /health/ready reports it', async () => {
    const verified = await verify();
    expect(verified.valid).toBe(true);
    // 4 organizations, 2 facilities, 2 products, 2 batches
    expect(verified.projections).toMatchObject({ clean: true, rowsChecked: 10, disagreements: 0, uncheckedRows: 0, firstDisagreement: null });
    const res = await ready();
    expect(res.status).toBe(200);
    expect(res.body.projectionAudit).toMatchObject({ clean: true, rowsChecked: 10, disagreements: 0, firstDisagreement: null });
    expect(res.body.projectionAudit.ledgerSize).toBe(verified.projections.ledgerSize);
  });

  // Each projected column the pages show, changed in its table as a superuser could, then put back.
  const tampering: { what: string; table: string; id: () => string; column: string; to: () => unknown; ledgerValue: () => unknown }[] = [
    {
      what: "an organization's name",
      table: 'organization',
      id: () => story.farm.id,
      column: 'name',
      to: () => '假冒农场',
      ledgerValue: () => '宁河东棘坨农场',
    },
    { what: "a facility's name", table: 'facility', id: () => story.yard, column: 'name', to: () => '另一块田', ledgerValue: () => '东棘坨一号田' },
    { what: "a facility's region", table: 'facility', id: () => story.yard, column: 'region', to: () => '黑龙江省五常市', ledgerValue: () => '天津市宁河区' },
    { what: "a product's name", table: 'product', id: () => story.rice, column: 'name', to: () => '五常大米', ledgerValue: () => '小站稻 稻谷' },
    {
      what: "a product's GI claim",
      table: 'product',
      id: () => story.rice,
      column: 'geographic_indication',
      to: () => '五常大米',
      ledgerValue: () => '小站稻',
    },
    { what: "a batch's status", table: 'batch', id: () => story.milled, column: 'status', to: () => 'CONSUMED', ledgerValue: () => 'RECALLED' },
    { what: "a batch's custodian", table: 'batch', id: () => story.raw, column: 'custodian_id', to: () => story.farm.id, ledgerValue: () => story.mill.id },
    { what: "a batch's quantity", table: 'batch', id: () => story.raw, column: 'quantity', to: () => 990, ledgerValue: () => 490 },
    { what: "a batch's unit", table: 'batch', id: () => story.milled, column: 'unit', to: () => 't', ledgerValue: () => 'kg' },
    { what: "a batch's readings count", table: 'batch', id: () => story.raw, column: 'reading_count', to: () => 0, ledgerValue: () => 2 },
  ];

  it.each(tampering)('$what changed in its table: verifyLedger and /health/ready name that row and column', async (t) => {
    const update = (value: unknown) => sql(ctx.db.url, `UPDATE ${t.table} SET ${t.column} = $2 WHERE id = $1`, [t.id(), value]);
    await update(t.to());
    try {
      const verified = await verify();
      expect(verified.valid).toBe(true); // the chain is intact: only a projection was changed
      expect(verified.projections).toMatchObject({
        clean: false,
        disagreements: 1,
        firstDisagreement: { table: t.table, id: t.id(), column: t.column, ledgerValue: t.ledgerValue(), tableValue: t.to() },
      });
      expect(verified.projections.firstDisagreement.reason).toContain(`${t.table} ${t.id()} ${t.column}: the ledger says`);
      const res = await ready();
      expect(res.status).toBe(200); // reported, not unready: see readiness.ts
      expect(res.body.projectionAudit).toMatchObject({ clean: false, disagreements: 1 });
      expect(res.body.projectionAudit.firstDisagreement).toEqual({
        table: t.table,
        id: t.id(),
        column: t.column,
        seq: verified.projections.firstDisagreement.seq,
      });
    } finally {
      await update(t.ledgerValue());
    }
    expect((await verify()).projections).toMatchObject({ clean: true, disagreements: 0 });
  });

  it('a row no ledger entry registers is named as a whole row', async () => {
    const id = '00000000-0000-4000-8000-0000000000ff';
    await sql(ctx.db.url, `INSERT INTO facility (id, organization_id, name, created_seq) VALUES ($1, $2, '影子仓库', 1)`, [id, story.farm.id]);
    try {
      const { projections } = await verify();
      expect(projections).toMatchObject({ clean: false, disagreements: 1, firstDisagreement: { table: 'facility', id, column: null } });
      expect(projections.firstDisagreement.reason).toMatch(/no ledger entry registers it/);
    } finally {
      await sql(ctx.db.url, 'DELETE FROM facility WHERE id = $1', [id]);
    }
  });

  it('a range that stops before the head verifies the chain alone', async () => {
    const res = await gqlOk(ctx.app, '{ verifyLedger(toSeq: 2) { valid projections { clean } } }', {}, TEST_ADMIN_KEY);
    expect(res.verifyLedger).toEqual({ valid: true, projections: null });
  });
});

describe('the periodic projection audit', () => {
  const ctx = useTestApp({ PROJECTION_AUDIT_INTERVAL_MS: '200' });
  let farm: Org;
  let yard: string;
  beforeAll(async () => {
    farm = await createOrg(ctx.app, 'PRODUCER', '宝坻农场');
    yard = await registerFacility(ctx.app, farm, { name: '宝坻一号田' });
  });

  /** /health/ready's audit report, once there is one for which `until` holds. */
  async function auditReport(until: (report: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const report = (await request(ctx.app.getHttpServer()).get('/health/ready')).body.projectionAudit;
      if (report && until(report)) return report;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no periodic audit reported what was waited for');
  }

  it('audits on its own; a facility renamed in its table shows in /health/ready at the next audit', async () => {
    const clean = await auditReport((r) => r.rowsChecked === 2);
    expect(clean).toMatchObject({ clean: true, disagreements: 0 });
    await sql(ctx.db.url, 'UPDATE facility SET name = $2 WHERE id = $1', [yard, '别人的田']);
    const found = await auditReport((r) => r.clean === false);
    expect(found).toMatchObject({ disagreements: 1, firstDisagreement: { table: 'facility', id: yard, column: 'name' } });
  });
});
