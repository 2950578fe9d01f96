/**
 * `npm run bench:lists [-- --batches N]`: how the lists answer as they grow. Two producers each
 * register N batches through the GraphQL API of the compiled service (so the rows are the service's
 * own); then, with one caller, it prints p50/p99 of a producer's `viewer.batches` first page and of its
 * last page (reached by walking every cursor, so the deepest keyset position), the walk's pages/s, a
 * regulator's `batches` filtered by GTIN, by region and by status, and the PostgreSQL plans of the deepest page
 * and of those filtered pages (the statement lists.repository.ts runs, explained with ANALYZE: rows read,
 * buffers, time) — a keyset page should be index ranges that stop after `first` rows, not a scan and sort
 * of every row. A few batches are recalled first, so a status filter has a few rows to find among many.
 * The database is dropped at the end, also on failure.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { batchPageStatement, type BatchQuery } from '../src/lists/lists.repository.js';
import { Api, organization, organizationKey, registerBatch, withBenchService } from './bench-api.js';
import { inParallel, printTable, timeEach } from './bench-support.js';

const { values } = parseArgs({ options: { batches: { type: 'string', default: '3000' }, requests: { type: 'string', default: '50' } } });
const BATCHES = Number(values.batches);
const REQUESTS = Number(values.requests);
const PAGE = 100;

type Page = { edges: { cursor: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
const VIEWER_PAGE =
  'query($after: String) { viewer { batches(first: 100, after: $after) { edges { cursor node { id lotCode status } } pageInfo { hasNextPage endCursor } } } }';
const REGULATOR_PAGE =
  'query($filter: BatchFilter) { batches(first: 100, filter: $filter) { edges { cursor node { id lotCode status } } pageInfo { hasNextPage endCursor } } }';

await withBenchService(`${BATCHES} batches for each of two producers`, 16, async ({ pool, api }) => {
  const gtins = ['06901234567892', '06901234567908'];
  const regions = ['黑龙江省五常市', '广东省增城区'];
  const producers = [];
  for (const [i, region] of regions.entries()) {
    const org = await organization(api, `bench producer ${i}`, 'PRODUCER', region);
    const productId = await registerProductWithGtin(api, org.key, gtins[i]);
    producers.push({ org, productId });
  }

  const t0 = Date.now();
  const work = producers.flatMap((p) => Array.from({ length: BATCHES }, (_, n) => ({ p, n })));
  await inParallel(work, 8, ({ p, n }) =>
    registerBatch(api, p.org, {
      productId: p.productId,
      lotCode: `L${n}`,
      quantity: 100,
      producedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    }),
  );
  console.log(`registered ${work.length} batches in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const regulator = await organizationKey(api, 'bench regulator', 'REGULATOR');
  // A few recalled batches among thousands: what a regulator filtering by status looks for.
  const { rows: toRecall } = await pool.query<{ id: string }>('SELECT id FROM batch ORDER BY created_seq LIMIT 5');
  await api(regulator.key, 'mutation($input: InitiateRecallInput!) { initiateRecall(input: $input) { id } }', {
    input: { batchIds: toRecall.map((r) => r.id), level: 'LEVEL_3', reason: 'bench' },
  });
  await pool.query('ANALYZE');

  const farm = producers[0].org;
  const viewerPage = (after: string | null) => api<{ viewer: { batches: Page } }>(farm.key, VIEWER_PAGE, { after }).then((d) => d.viewer.batches);

  // Walk every page once: the cursor of the last page is the deepest position a client reaches.
  const walkStart = process.hrtime.bigint();
  let after: string | null = null;
  let lastAfter: string | null = null;
  let pages = 0;
  for (;;) {
    const page = await viewerPage(after);
    pages++;
    if (!page.pageInfo.hasNextPage) break;
    lastAfter = after = page.pageInfo.endCursor;
  }
  const walkMs = Number(process.hrtime.bigint() - walkStart) / 1e6;

  const rows: string[][] = [];
  const measure = async (name: string, op: () => Promise<unknown>) => {
    const { p50, p99 } = await timeEach(REQUESTS, async () => void (await op()));
    rows.push([name, p50.toFixed(1), p99.toFixed(1)]);
  };
  await measure('viewer.batches, first page of 100', () => viewerPage(null));
  await measure(`viewer.batches, last page (after ${pages - 1} cursors)`, () => viewerPage(lastAfter));
  // The first producer's GTIN and region: its batches are the older half, behind all of the second's in the list's order.
  await measure('batches(filter: { gtin }), regulator', () => api(regulator.key, REGULATOR_PAGE, { filter: { gtin: gtins[0] } }));
  await measure('batches(filter: { region }), regulator', () => api(regulator.key, REGULATOR_PAGE, { filter: { region: regions[0] } }));
  await measure('batches(filter: { region, status }), regulator', () =>
    api(regulator.key, REGULATOR_PAGE, { filter: { region: regions[0], status: 'ACTIVE' } }),
  );
  await measure('batches(filter: { status: RECALLED }), regulator', () => api(regulator.key, REGULATOR_PAGE, { filter: { status: 'RECALLED' } }));
  printTable(['list', 'p50 ms', 'p99 ms'], rows);
  console.log(`walked ${pages} pages of ${PAGE} in ${walkMs.toFixed(0)} ms: ${((pages * 1000) / walkMs).toFixed(0)} pages/s`);

  // The plan of the deepest page, as the service's SQL asks it (lists.repository.ts, the viewer's two arms).
  const { rows: deepest } = await pool.query<{ created_seq: string; id: string }>(
    'SELECT created_seq, id FROM batch WHERE producer_id = $1 ORDER BY created_seq DESC, id DESC OFFSET $2 LIMIT 1',
    [farm.id, (pages - 1) * PAGE - 1],
  );
  const arm = (column: string) =>
    `(SELECT batch.id, batch.created_seq FROM batch WHERE batch.${column} = $1 AND (batch.created_seq, batch.id) < ($2, $3) ` +
    'ORDER BY batch.created_seq DESC, batch.id DESC LIMIT 101)';
  const plan = await pool.query<{ 'QUERY PLAN': string }>(
    'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT batch.* FROM batch WHERE batch.id IN ' +
      `(SELECT id FROM (${arm('producer_id')} UNION ${arm('custodian_id')}) AS mine ORDER BY created_seq DESC, id DESC LIMIT 101) ` +
      'ORDER BY batch.created_seq DESC, batch.id DESC',
    [farm.id, deepest[0].created_seq, deepest[0].id],
  );
  console.log('plan of the deepest viewer page:');
  for (const line of plan.rows) console.log(`  ${line['QUERY PLAN']}`);

  // The filtered pages' plans, as the list runs them: the top of the plan, what it read, and how long it took.
  const filters: [string, BatchQuery][] = [
    ['gtin', { gtin: gtins[0] }],
    ['region', { region: regions[0] }],
    ['region + status ACTIVE', { region: regions[0], status: 'ACTIVE' }],
    ['status RECALLED', { status: 'RECALLED' }],
  ];
  for (const [name, filter] of filters) {
    const { text, values } = batchPageStatement(filter, null, PAGE + 1);
    const explained = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, values);
    const lines = explained.rows.map((r) => r['QUERY PLAN']);
    console.log(`plan of batches(filter: ${name}), first page:`);
    for (const line of lines) console.log(`  ${line}`);
  }
});

async function registerProductWithGtin(api: Api, key: string, gtin: string): Promise<string> {
  const { registerProduct } = await api<{ registerProduct: { id: string } }>(
    key,
    'mutation($input: RegisterProductInput!) { registerProduct(input: $input) { id } }',
    { input: { name: `小站稻 ${gtin}`, category: 'GRAIN', storage: 'AMBIENT', gtin } },
  );
  return registerProduct.id;
}
