/**
 * `npm run bench:units [-- --count N]`: commissioning N serialized units (default 1,000,000) of one lot
 * through the GraphQL API of the compiled service, on a fresh database: the mutation's wall time and
 * units/s, then the first download of the CSV (serials, URIs, check codes; streamed) and its rows/s,
 * and the storage a unit takes (the unit table with its indexes, over N); then a unit's scan beside its lot's
 * (the GraphQL query and the page, 200 requests each, one after another) and the recall of the lot with its
 * N units (issue 18 point 6: within 2× of the lot's, and a 100,000-unit recall under 1 s). The pure steps the service runs
 * before writing (minting, the serials tree, the check-code hashes) are timed here on their own too, in
 * this process, to show where the time goes. Then 100,000 serials the producer names commissioned on a second
 * lot, sales naming 1,000 of them an event, and unit() of a sold unit. Then the A4 label sheet (`GET /units/<id>.pdf`,
 * with codes) of a commissioning of 1,000 units and of one of MAX_LABELS_PER_SHEET: its size and time per 1,000
 * labels. The database is dropped at the end, also on failure. `--sheets-only` skips the million (and the scans and recall).
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { checkCodeHashes, mintCheckCodes, unitKeys } from '../src/units/check-codes.js';
import { serialLeafHashes, serialsTree } from '../src/units/serials-merkle.js';
import { mintSerials, serialOrder } from '../src/units/unit-serials.js';
import { MAX_LABELS_PER_SHEET } from '../src/units/units.service.js';
import { organization, withBenchService } from './bench-api.js';
import { printTable, timeEach } from './bench-support.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000000' }, 'sheets-only': { type: 'boolean', default: false } } });
const COUNT = Number(values.count);
const GTIN = '06901234567892';

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const timed = <T>(op: () => T): [T, number] => {
  const start = process.hrtime.bigint();
  const result = op();
  return [result, seconds(start)];
};

// The pure steps alone, in this process.
const [serials, mintS] = timed(() => mintSerials(COUNT));
const [codes, codesS] = timed(() => mintCheckCodes(COUNT));
const [, orderS] = timed(() => serialOrder(serials, COUNT));
const [leaves, leavesS] = timed(() => serialLeafHashes(serials, COUNT));
const [, treeS] = timed(() => serialsTree(leaves));
const [, hashS] = timed(() => checkCodeHashes(unitKeys(Buffer.alloc(32, 1)), GTIN, serials, codes, COUNT));

await withBenchService(`commissioning ${COUNT.toLocaleString('en')} units of one lot`, 4, async ({ pool, service, api }) => {
  const org = await organization(api, 'bench dairy', 'PRODUCER', '黑龙江省齐齐哈尔市');
  const { registerProduct } = await api<{ registerProduct: { id: string } }>(
    org.key,
    'mutation($input: RegisterProductInput!) { registerProduct(input: $input) { id } }',
    { input: { name: '婴幼儿配方奶粉', category: 'DAIRY', storage: 'AMBIENT', gtin: GTIN } },
  );
  const { registerBatch } = await api<{ registerBatch: { id: string; traceCode: string } }>(
    org.key,
    'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id traceCode } }',
    {
      input: { productId: registerProduct.id, facilityId: org.facilityId, lotCode: 'BENCH1', quantity: COUNT, unit: 'can', producedAt: '2026-11-01T00:00:00Z' },
    },
  );

  // The label sheet: a first download (with the codes) of 1,000 labels and of the most one sheet holds, on
  // commissionings of their own (after the storage is measured: the million went into an empty index).
  async function labelSheets(): Promise<void> {
    // What a sheet being drawn costs other requests: the lot's page, one request after another, quiet and during the largest sheet.
    const lotPage = async () => {
      const page = await fetch(`${service.base}/q/${registerBatch.traceCode}`);
      if (page.status !== 200) throw new Error(`the lot page answered ${page.status}`);
      await page.text();
    };
    await timeEach(20, lotPage);
    const quiet = await timeEach(100, lotPage);
    let during: { p50: number; p99: number } | undefined;
    const sheets: string[][] = [];
    for (const labels of [1_000, MAX_LABELS_PER_SHEET]) {
      const { commissionUnits } = await api<{ commissionUnits: { id: string } }>(
        org.key,
        'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
        { input: { batchId: registerBatch.id, count: labels } },
      );
      const start = process.hrtime.bigint();
      const res = await fetch(`${service.base}/units/${commissionUnits.id}.pdf`, { headers: { authorization: `Bearer ${org.key}` } });
      const meanwhile = labels === MAX_LABELS_PER_SHEET ? timeEach(100, lotPage) : undefined;
      if (res.status !== 200 || !/^included/.test(res.headers.get('units-check-codes') ?? '')) throw new Error(`the sheet answered ${res.status}`);
      let bytes = 0;
      let firstByteS = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        if (bytes === 0) firstByteS = seconds(start);
        bytes += chunk.length;
      }
      const s = seconds(start);
      if (meanwhile) during = await meanwhile;
      const per1000 = 1000 / labels;
      sheets.push([
        labels.toLocaleString('en'),
        String(Math.ceil(labels / 24)),
        (bytes / 1e6).toFixed(2),
        s.toFixed(2),
        firstByteS.toFixed(2),
        ((bytes / 1e6) * per1000).toFixed(2),
        (s * per1000).toFixed(2),
      ]);
    }
    printTable(['label sheet (GET /units/<id>.pdf, with codes)', 'pages', 'MB', 'seconds', 'first byte s', 'MB per 1,000', 's per 1,000'], sheets);
    const ms = (t: { p50: number; p99: number }) => `p50 ${t.p50.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms`;
    console.log(
      `GET /q/<code>, 100 one after another: quiet ${ms(quiet)}; while the ${MAX_LABELS_PER_SHEET.toLocaleString('en')}-label sheet is drawn ${ms(during!)}`,
    );
  }

  if (values['sheets-only']) return labelSheets();

  const commissionStart = process.hrtime.bigint();
  const { commissionUnits } = await api<{ commissionUnits: { id: string; count: number } }>(
    org.key,
    'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id count } }',
    { input: { batchId: registerBatch.id, count: COUNT } },
  );
  const commissionS = seconds(commissionStart);

  const downloadStart = process.hrtime.bigint();
  const res = await fetch(`${service.base}/units/${commissionUnits.id}.csv`, { headers: { authorization: `Bearer ${org.key}` } });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  const downloadS = seconds(downloadStart);
  if (lines !== COUNT + 1) throw new Error(`the CSV has ${lines} lines, expected ${COUNT + 1}`);

  const { rows } = await pool.query<{ heap: string; indexes: string; total: string }>(
    `SELECT pg_relation_size('unit') AS heap, pg_indexes_size('unit') AS indexes, pg_total_relation_size('unit') AS total`,
  );
  const perUnit = (n: string) => (Number(n) / COUNT).toFixed(0);
  const rate = (s: number) => Math.round(COUNT / s).toLocaleString('en');
  printTable(
    ['step', 'seconds', 'units/s'],
    [
      ['mint serials (in this process)', mintS.toFixed(2), rate(mintS)],
      ['mint check codes (in this process)', codesS.toFixed(2), rate(codesS)],
      ['serials in index order (in this process)', orderS.toFixed(2), rate(orderS)],
      ['serial leaf hashes (in this process)', leavesS.toFixed(2), rate(leavesS)],
      ['serials tree (in this process)', treeS.toFixed(2), rate(treeS)],
      ['check-code hashes (in this process)', hashS.toFixed(2), rate(hashS)],
      ['commissionUnits, whole mutation', commissionS.toFixed(2), rate(commissionS)],
      [`first CSV download (${(bytes / 1e6).toFixed(1)} MB, with codes)`, downloadS.toFixed(2), rate(downloadS)],
    ],
  );
  console.log(`storage per unit: ${perUnit(rows[0].total)} bytes (heap ${perUnit(rows[0].heap)}, indexes ${perUnit(rows[0].indexes)})`);
  await labelSheets();

  // A unit scanned beside its lot: the same consumer, the same lot, one code each.
  const serial = (await pool.query<{ serial: string }>('SELECT serial FROM unit ORDER BY serial LIMIT 1')).rows[0].serial;
  const unitQuery = {
    query: 'query($g: String!, $s: String!) { unit(gtin: $g, serial: $s) { serial recalled batch { lotCode status } } }',
    variables: { g: GTIN, s: serial },
  };
  const lotQuery = { query: 'query($c: String!) { scan(code: $c) { lotCode status recall { level } } }', variables: { c: registerBatch.traceCode } };
  const ask = async (body: unknown) => {
    const answer = (await (
      await fetch(`${service.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    ).json()) as {
      errors?: unknown[];
    };
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  };
  const open = async (path: string) => {
    const page = await fetch(`${service.base}${path}`);
    if (page.status !== 200) throw new Error(`${path} answered ${page.status}`);
    await page.text();
  };
  const scans: [string, () => Promise<void>][] = [
    ['scan(code) of the lot (GraphQL)', () => ask(lotQuery)],
    ['unit(gtin, serial) (GraphQL)', () => ask(unitQuery)],
    ['GET /q/<code>, the lot page', () => open(`/q/${registerBatch.traceCode}`)],
    [`GET /u/<gtin>/<serial>, the unit page`, () => open(`/u/${GTIN}/${serial}`)],
  ];
  const timings: string[][] = [];
  for (const [what, op] of scans) {
    await timeEach(20, op); // warm-up: connections, plans, kept views
    const { p50, p99 } = await timeEach(200, op);
    timings.push([what, p50.toFixed(2), p99.toFixed(2)]);
  }
  printTable(['200 requests one after another', 'p50 ms', 'p99 ms'], timings);

  // Serials the producer names (100,000, its own numbering) on a second lot, then sales naming 1,000 of them an event.
  const GIVEN = Math.min(COUNT, 100_000);
  const { registerBatch: named } = await api<{ registerBatch: { id: string } }>(
    org.key,
    'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id } }',
    {
      input: { productId: registerProduct.id, facilityId: org.facilityId, lotCode: 'BENCH2', quantity: GIVEN, unit: 'can', producedAt: '2026-11-01T00:00:00Z' },
    },
  );
  const given = Array.from({ length: GIVEN }, (_, i) => `FH-2026-${String(i).padStart(7, '0')}`);
  const givenStart = process.hrtime.bigint();
  await api(org.key, 'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }', {
    input: { batchId: named.id, count: GIVEN, serials: given },
  });
  const givenS = seconds(givenStart);
  const sale = (serials: string[]) =>
    api(org.key, 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }', {
      input: { batchId: named.id, bizStep: 'RETAIL_SELLING', eventTime: '2026-11-02T00:00:00Z', facilityId: org.facilityId, serials },
    });
  // Ten sales, each of the next PER_SALE units (1,000 unless --count is under 10,000).
  const PER_SALE = Math.max(1, Math.min(1000, Math.floor(GIVEN / 10)));
  let sold = 0;
  const sales = await timeEach(10, async () => {
    await sale(given.slice(sold, sold + PER_SALE));
    sold += PER_SALE;
  });
  const soldUnit = { query: unitQuery.query.replace('recalled', 'recalled sale { seq }'), variables: { g: GTIN, s: given[0] } };
  await timeEach(20, () => ask(soldUnit));
  const soldScan = await timeEach(200, () => ask(soldUnit));
  printTable(
    ['named serials and units sold', 'p50', 'p99'],
    [
      [`commissionUnits with ${GIVEN.toLocaleString('en')} given serials (s, once)`, givenS.toFixed(2), '—'],
      [`recordEvent RETAIL_SELLING naming ${PER_SALE.toLocaleString('en')} units (ms, 10 events)`, sales.p50.toFixed(1), sales.p99.toFixed(1)],
      ['unit(gtin, serial) of a sold unit, with its sale (ms, 200)', soldScan.p50.toFixed(2), soldScan.p99.toFixed(2)],
    ],
  );

  // The lot's recall reaches every unit of it: one recall of the lot, however many units it has.
  const regulator = await organization(api, 'bench regulator', 'REGULATOR', '黑龙江省');
  const recallStart = process.hrtime.bigint();
  await api(regulator.key, 'mutation($input: InitiateRecallInput!) { initiateRecall(input: $input) { id } }', {
    input: { batchIds: [registerBatch.id], level: 'LEVEL_1', reason: '阪崎肠杆菌检出' },
  });
  const recallS = seconds(recallStart);
  const unitAfter = (await (
    await fetch(`${service.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(unitQuery) })
  ).json()) as { data: { unit: { recalled: boolean } } };
  if (!unitAfter.data.unit.recalled) throw new Error('a unit of the recalled lot is not shown recalled');
  console.log(`recall of the lot of ${COUNT.toLocaleString('en')} units: initiateRecall ${(recallS * 1000).toFixed(0)} ms; its units answer recalled: true`);
});
