import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jsqr from 'jsqr';
import { PNG } from 'pngjs';
import request from 'supertest';
import { Database } from '../../src/database/database.js';
import { hashLeaf, verifyInclusion } from '../../src/ledger/merkle-verify.js';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { serialLeafHashes, serialsTree } from '../../src/units/serials-merkle.js';
import { MAX_LABELS_PER_SHEET } from '../../src/units/units.service.js';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { INITIATE_RECALL } from '../support/documents.js';
import { readPdf } from '../support/pdf-reader.js';
import { gql, gqlOk, listenOnLoopback, rawBody, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';

// jsqr is CommonJS: its function arrives as the default export, however the ESM loader wraps it.
const jsQR = ((jsqr as unknown as { default: { default?: unknown } }).default.default ?? (jsqr as unknown as { default: unknown }).default) as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

const BASE = 'http://localhost:3000';
const COMMISSION = `mutation($input: CommissionUnitsInput!) {
  commissionUnits(input: $input) { id batchId count serialsRoot entry { seq type batchId payload } }
}`;

/** Serialized units over HTTP against the whole app and a real PostgreSQL. */
describe('serialized units', () => {
  const service = useTestApp();
  let gtins = 0;
  const sql = (text: string, params?: unknown[]) => service.app.get(Database).query(text, params);

  /** A producer with a GTIN product and one lot of it. */
  async function gtinLot(lotCode = `U-${process.pid}-${++gtins}`) {
    const { app } = service;
    const org = await createOrg(app, 'PRODUCER', '飞鹤乳业');
    const facility = await registerFacility(app, org);
    const body = `69400000${String(++gtins).padStart(4, '0')}`;
    const gtin = `0${body}${gtinCheckDigit(body)}`;
    const productId = await registerProduct(app, org, { name: '婴幼儿配方奶粉', category: 'DAIRY', gtin });
    const batch = await registerBatch(app, org, productId, facility, { lotCode });
    return { org, facility, gtin, productId, batch, lotCode };
  }
  const commission = (key: string, input: Record<string, unknown>) => gql(service.app, COMMISSION, { input }, key);
  const download = (key: string | undefined, id: string) => {
    const req = request(service.app.getHttpServer()).get(`/units/${id}.csv`);
    return key ? req.set('authorization', `Bearer ${key}`) : req;
  };
  const rowsOf = (csv: string) =>
    csv
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n')
      .map((line) => line.split(','));

  const sheet = (key: string | undefined, id: string) => {
    const req = request(service.app.getHttpServer()).get(`/units/${id}.pdf`).buffer(true).parse(rawBody);
    return key ? req.set('authorization', `Bearer ${key}`) : req;
  };
  /** The app on a loopback port, for a client that hangs up (supertest reads to the end): listened on once. */
  let listening: Promise<string> | undefined;
  const loopback = () => (listening ??= listenOnLoopback(service.app));
  const UNIT_CHARS = '[2-9A-HJ-NP-Z]';
  /** What a person reads on a sheet: pages, serials and check codes in reading order (left to right, row by row). */
  const readSheet = (pdf: Buffer) => {
    const { text, pages, fonts } = readPdf(pdf);
    return {
      text,
      pages,
      fonts,
      serials: [...text.matchAll(new RegExp(`(?<![\\w/])${UNIT_CHARS}{16}(?!\\w)`, 'g'))].map((m) => m[0]),
      codes: [...text.matchAll(new RegExp(`(?<!\\w)(${UNIT_CHARS}{5}) (${UNIT_CHARS}{5})(?!\\w)`, 'g'))].map((m) => m[1] + m[2]),
    };
  };
  /** The QR code of the sheet's first label (top left of page 1), drawn at 150 dpi and decoded. */
  const firstQr = (pdf: Buffer) => {
    const dir = mkdtempSync(join(tmpdir(), 'suyuan-units-'));
    try {
      writeFileSync(join(dir, 'sheet.pdf'), pdf);
      // The first label is 70 × 37 mm from the top left corner: 413 × 219 pixels at 150 dpi.
      const crop = ['-x', '0', '-y', '0', '-W', '413', '-H', '219'];
      execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', '-f', '1', ...crop, join(dir, 'sheet.pdf'), join(dir, 'label')]);
      const image = PNG.sync.read(readFileSync(join(dir, 'label.png')));
      return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('commissions units as one ledger entry committing to the count and the serials’ Merkle root; the CSV gives the codes once', async () => {
    const { org, gtin, batch, lotCode } = await gtinLot('LOT/7');
    const res = await commission(org.key, { batchId: batch.id, count: 2500 });
    expect(res.errors).toBeUndefined();
    const c = res.data!.commissionUnits;
    expect(c).toMatchObject({ batchId: batch.id, count: 2500, entry: { type: 'UNITS_COMMISSIONED', batchId: batch.id } });
    expect(c.entry.payload).toEqual({ commissioningId: c.id, gtin, count: 2500, serialsRoot: c.serialsRoot });

    const first = await download(org.key, c.id);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/csv/);
    expect(first.headers['units-check-codes']).toMatch(/^included/);
    const rows = rowsOf(first.text);
    expect(rows[0]).toEqual(['serial', 'digital_link', 'check_code']);
    expect(rows).toHaveLength(2501);
    const serials = rows.slice(1).map((r) => r[0]);
    for (const [serial, link, code] of rows.slice(1)) {
      expect(serial).toMatch(/^[2-9A-HJ-NP-Z]{16}$/);
      expect(link).toBe(`${BASE}/01/${gtin}/10/LOT%2F7/21/${serial}`);
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
    }
    expect(new Set(serials).size).toBe(2500);
    expect(lotCode).toBe('LOT/7');
    // The root in the entry is the RFC 9162 root over the serials in the CSV's order.
    const leaves = serialLeafHashes(Buffer.from(serials.join(''), 'latin1'), 2500);
    expect(serialsTree(leaves).root.toString('hex')).toBe(c.serialsRoot);

    // The codes are stored only hashed: they are in no table now, and the next download has none.
    const codes = rows.slice(1).map((r) => r[2]);
    const stored = await sql(`SELECT count(*)::int AS n FROM unit WHERE position(convert_to($1, 'UTF8') IN check_hash) > 0`, [codes[0]]);
    expect(stored.rows[0].n).toBe(0);
    expect((await sql('SELECT sealed, delivered_at FROM unit_code_pending WHERE commissioning_id = $1', [c.id])).rows).toEqual([
      { sealed: null, delivered_at: expect.any(Date) },
    ]);
    const second = await download(org.key, c.id);
    expect(second.status).toBe(200);
    expect(second.headers['units-check-codes']).toMatch(/^withheld/);
    const again = rowsOf(second.text);
    expect(again[0][2]).toBe('check_code (withheld: check codes are given only at the first download)');
    expect(again.slice(1).map((r) => r[0])).toEqual(serials);
    expect(again.slice(1).every((r) => r[2] === '')).toBe(true);
  });

  it('answers a repeated idempotency key with the first commissioning, writing nothing more', async () => {
    const { org, batch } = await gtinLot();
    const input = { batchId: batch.id, count: 3, idempotencyKey: `units-${process.pid}` };
    const first = (await commission(org.key, input)).data!.commissionUnits;
    const second = (await commission(org.key, input)).data!.commissionUnits;
    expect(second).toEqual(first);
    const units = await sql('SELECT count(*)::int AS n FROM unit u JOIN unit_commissioning c ON c.id = u.commissioning_id WHERE c.batch_id = $1', [batch.id]);
    expect(units.rows[0].n).toBe(3);
    expect((await sql('SELECT count(*)::int AS n FROM unit_commissioning WHERE batch_id = $1', [batch.id])).rows[0].n).toBe(1);
    const other = await commission(org.key, { ...input, count: 4 });
    expect(other.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('refuses bad counts, another organization’s batch, a product without a GTIN and unknown batches, writing nothing', async () => {
    const { app } = service;
    const { org, batch, facility } = await gtinLot();
    const before = await sql('SELECT (SELECT count(*) FROM unit)::int AS units, (SELECT count(*) FROM ledger_entry)::int AS entries');
    const refused = async (key: string, input: Record<string, unknown>) => {
      const res = await commission(key, input);
      expect(res.data ?? null).toBeNull();
      return [res.errors![0].extensions!.code, res.errors![0].extensions!.reason ?? null, res.errors![0].message];
    };
    expect(await refused(org.key, { batchId: batch.id, count: 0 })).toEqual([
      'BAD_USER_INPUT',
      'INVALID_INPUT',
      expect.stringMatching(/count must be at least 1/),
    ]);
    expect(await refused(org.key, { batchId: batch.id, count: 1_000_001 })).toEqual([
      'BAD_USER_INPUT',
      'INVALID_INPUT',
      expect.stringMatching(/count must be at most 1,000,000/),
    ]);
    expect((await refused(org.key, { batchId: batch.id, count: 2.5 }))[0]).toBe('BAD_USER_INPUT');
    const stranger = await createOrg(app, 'PRODUCER');
    expect(await refused(stranger.key, { batchId: batch.id, count: 5 })).toEqual([
      'FORBIDDEN',
      'NOT_OWNER',
      expect.stringMatching(/produced by another organization/),
    ]);
    const carrier = await createOrg(app, 'LOGISTICS');
    expect((await refused(carrier.key, { batchId: batch.id, count: 5 }))[1]).toBe('ROLE_NOT_ALLOWED');
    expect((await refused(TEST_ADMIN_KEY, { batchId: batch.id, count: 5 }))[1]).toBe('ORGANIZATION_ONLY');
    expect(await refused(org.key, { batchId: '00000000-0000-4000-8000-000000000000', count: 5 })).toEqual([
      'NOT_FOUND',
      'BATCH_NOT_FOUND',
      expect.stringMatching(/no batch has id/),
    ]);
    const plainProduct = await registerProduct(app, org, { name: '散装奶粉' });
    const plainBatch = await registerBatch(app, org, plainProduct, facility);
    expect(await refused(org.key, { batchId: plainBatch.id, count: 5 })).toEqual([
      'BAD_USER_INPUT',
      'PRODUCT_WITHOUT_GTIN',
      expect.stringMatching(/without a GTIN/),
    ]);
    const after = await sql('SELECT (SELECT count(*) FROM unit)::int AS units, (SELECT count(*) FROM ledger_entry)::int AS entries');
    // Only the two organizations, the plain product and its lot were appended: no unit, no UNITS_COMMISSIONED.
    expect(after.rows[0]).toEqual({ units: before.rows[0].units, entries: before.rows[0].entries + 4 });
  });

  it('downloads only for the producer', async () => {
    const { org, batch } = await gtinLot();
    const c = (await commission(org.key, { batchId: batch.id, count: 2 })).data!.commissionUnits;
    const stranger = await createOrg(service.app, 'PRODUCER');
    const refused = await download(stranger.key, c.id);
    expect([refused.status, refused.body.errors?.[0]?.extensions?.code ?? refused.text]).toEqual([403, expect.anything()]);
    expect((await download(undefined, c.id)).status).toBe(401);
    expect((await download(org.key, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await download(org.key, 'not-an-id.csv')).status).toBe(400);
    // The refused downloads took nothing: the producer's first download still has the codes.
    const mine = await download(org.key, c.id);
    expect(mine.headers['units-check-codes']).toMatch(/^included/);
    expect(rowsOf(mine.text)[1][2]).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
  });

  it('prints the A4 label sheet with the check codes once: the codes checkUnit accepts; the next sheet and the CSV after it have none', async () => {
    const { org, gtin, batch } = await gtinLot('LOT/9');
    const c = (await commission(org.key, { batchId: batch.id, count: 30 })).data!.commissionUnits;

    const first = await sheet(org.key, c.id);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/pdf');
    expect(first.headers['units-check-codes']).toMatch(/^included/);
    expect(first.headers['label-stock']).toMatch(/70 × 37 mm, 3 × 8 on A4/);
    const printed = readSheet(first.body as Buffer);
    // 30 labels at 24 a sheet: two pages; the Chinese is drawn from the embedded font subset.
    expect(printed.pages).toBe(2);
    expect(printed.fonts.every((f) => f.embedded && f.subset)).toBe(true);
    expect(printed.text).toContain('婴幼儿配方奶粉');
    expect(printed.text).toContain(`GTIN ${gtin}`);
    expect(printed.text).toContain('批号 Lot LOT/9');
    expect(printed.text.match(/刮开涂层 查验真伪 \/ scratch to check/g)).toHaveLength(30);
    expect(printed.serials).toHaveLength(30);
    expect(printed.codes).toHaveLength(30);
    expect(printed.text).not.toContain('codes were given at the first download');

    // The first sheet delivered the codes: the CSV now withholds them, and lists the sheet's serials in its order.
    const csv = await download(org.key, c.id);
    expect(csv.headers['units-check-codes']).toMatch(/^withheld/);
    const rows = rowsOf(csv.text).slice(1);
    expect(rows.map((r) => r[0])).toEqual(printed.serials);
    expect(rows.every((r) => r[2] === '')).toBe(true);
    // The first label's QR code is its row's Digital Link URI.
    expect(firstQr(first.body as Buffer)).toBe(rows[0][1]);
    expect(rows[0][1]).toBe(`${BASE}/01/${gtin}/10/LOT%2F9/21/${printed.serials[0]}`);

    // The printed codes are the units' own: genuine for their serial, not for another's.
    const CHECK_UNIT = 'mutation($g: String!, $s: String!, $c: String!) { checkUnit(gtin: $g, serial: $s, checkCode: $c) { genuine } }';
    const genuine = async (serial: string, code: string) => (await gqlOk(service.app, CHECK_UNIT, { g: gtin, s: serial, c: code })).checkUnit.genuine;
    expect(await genuine(printed.serials[0], printed.codes[0])).toBe(true);
    expect(await genuine(printed.serials[29], printed.codes[29])).toBe(true);
    expect(await genuine(printed.serials[1], printed.codes[0])).toBe(false);

    const second = await sheet(org.key, c.id);
    expect(second.headers['units-check-codes']).toMatch(/^withheld/);
    const reprinted = readSheet(second.body as Buffer);
    expect(reprinted.serials).toEqual(printed.serials);
    expect(reprinted.codes).toEqual([]);
    expect(reprinted.text.match(/codes were given at the first download/g)).toHaveLength(30);
    expect(reprinted.text).toContain('查验码已于首次下载时提供');
  });

  it('gives the codes to the CSV when it comes first: the sheet after it has none (and prints a 20-character lot whole)', async () => {
    const { org, batch } = await gtinLot('WWWWMMMMWWWWMMMMWWW9');
    const c = (await commission(org.key, { batchId: batch.id, count: 3 })).data!.commissionUnits;
    const codes = rowsOf((await download(org.key, c.id)).text)
      .slice(1)
      .map((r) => r[2]);
    expect(codes.every((code) => /^[2-9A-HJ-NP-Z]{10}$/.test(code))).toBe(true);
    const after = await sheet(org.key, c.id);
    expect(after.headers['units-check-codes']).toMatch(/^withheld/);
    const printed = readSheet(after.body as Buffer);
    expect(printed.codes).toEqual([]);
    expect(printed.text).toContain('批号 Lot WWWWMMMMWWWWMMMMWWW9');
  });

  it('prints the sheet for the producer only, refuses one over the limit pointing to the CSV, and takes no codes when refused', async () => {
    const { org, batch } = await gtinLot();
    const c = (await commission(org.key, { batchId: batch.id, count: MAX_LABELS_PER_SHEET + 1 })).data!.commissionUnits;
    const stranger = await createOrg(service.app, 'PRODUCER');
    const refused = await sheet(stranger.key, c.id);
    expect([refused.status, JSON.parse(refused.body.toString()).errors[0].extensions]).toEqual([403, { code: 'FORBIDDEN', reason: 'NOT_OWNER' }]);
    expect((await sheet(TEST_ADMIN_KEY, c.id)).status).toBe(403);
    expect((await sheet(undefined, c.id)).status).toBe(401);
    expect((await sheet(org.key, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await sheet(org.key, 'not-an-id')).status).toBe(400);

    const tooMany = await sheet(org.key, c.id);
    const error = JSON.parse(tooMany.body.toString()).errors[0];
    expect([tooMany.status, error.extensions]).toEqual([400, { code: 'BAD_USER_INPUT', reason: 'LABEL_SHEET_TOO_LARGE' }]);
    expect(error.message).toBe(
      `commissioning ${c.id} has 10,001 units; a label sheet PDF holds at most 10,000 (417 A4 pages): ` +
        `download /units/${c.id}.csv (serial, Digital Link URI, check code) for your label printer's software instead`,
    );
    // Nothing was claimed by the refused sheets: the CSV has the codes.
    const csv = await download(org.key, c.id);
    expect(csv.headers['units-check-codes']).toMatch(/^included/);
    expect(rowsOf(csv.text)).toHaveLength(MAX_LABELS_PER_SHEET + 2);
  });

  it('keeps the codes for the next download when a sheet with them breaks off', async () => {
    const { org, batch } = await gtinLot();
    // 100 pages: the client hangs up long before the last is drawn.
    const c = (await commission(org.key, { batchId: batch.id, count: 2400 })).data!.commissionUnits;
    const base = await loopback();
    const firstBytes = await new Promise<string>((resolve, reject) => {
      const req = http.get(`${base}/units/${c.id}.pdf`, { headers: { authorization: `Bearer ${org.key}` } }, (res) => {
        expect(res.headers['units-check-codes']).toMatch(/^included/);
        res.once('data', (chunk: Buffer) => {
          req.destroy();
          resolve(chunk.subarray(0, 5).toString('latin1'));
        });
      });
      req.on('error', (err) => ((err as { code?: string }).code === 'ECONNRESET' ? undefined : reject(err)));
    });
    expect(firstBytes).toBe('%PDF-');
    // The service notices at its next page and releases the codes; until then a download gets none, so wait for it.
    const pending = () => sql('SELECT claimed_at, sealed IS NOT NULL AS sealed FROM unit_code_pending WHERE commissioning_id = $1', [c.id]);
    for (let i = 0; i < 200 && (await pending()).rows[0].claimed_at !== null; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await pending()).rows[0]).toEqual({ claimed_at: null, sealed: true });
    const csv = await download(org.key, c.id);
    expect(csv.headers['units-check-codes']).toMatch(/^included/);
    expect(rowsOf(csv.text)[1][2]).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
  });

  it('draws one sheet at a time for an organization: another asked for meanwhile waits its turn, claiming nothing', async () => {
    const { org, batch } = await gtinLot();
    const commissionings: string[] = [];
    for (const count of [2400, 2]) commissionings.push((await commission(org.key, { batchId: batch.id, count })).data!.commissionUnits.id);
    const base = await loopback();
    // The first sheet (100 pages) is being drawn: its first page arrived, and the client reads no more for now,
    // so the service waits for it to (the server and this client share one event loop: a sheet read at once
    // could be done before the second request is heard).
    const first = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http
        .get(`${base}/units/${commissionings[0]}.pdf`, { headers: { authorization: `Bearer ${org.key}` } }, (res) => {
          res.once('data', () => {
            res.pause();
            resolve(res);
          });
        })
        .on('error', reject);
    });
    const busy = await sheet(org.key, commissionings[1]);
    const error = JSON.parse(busy.body.toString()).errors[0];
    expect([busy.status, error.extensions]).toEqual([429, { code: 'RATE_LIMITED', reason: 'LABEL_SHEET_BUSY' }]);
    expect(error.message).toMatch(/one sheet at a time/);
    // Once the first is sent, the second is drawn, with its codes: the refusal took none.
    let bytes = 0;
    first.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await new Promise((done) => first.on('end', done).resume());
    expect(bytes).toBeGreaterThan(1_000_000);
    const next = await sheet(org.key, commissionings[1]);
    expect([next.status, next.headers['units-check-codes']]).toEqual([200, expect.stringMatching(/^included/)]);
    expect(readSheet(next.body as Buffer).codes).toHaveLength(2);
  });

  it('proves each serial under the root of its entry (ledger inclusion check of the serials tree)', async () => {
    const { org, batch } = await gtinLot();
    const c = (await commission(org.key, { batchId: batch.id, count: 5 })).data!.commissionUnits;
    const serials = rowsOf((await download(org.key, c.id)).text)
      .slice(1)
      .map((r) => r[0]);
    const leaves = serials.map((s) => hashLeaf(Buffer.from(s, 'latin1')));
    // 5 leaves: leaf 4's proof is the root of the first 4.
    const { createHash } = await import('node:crypto');
    const node = (a: Buffer, b: Buffer) =>
      createHash('sha256')
        .update(Buffer.from([1]))
        .update(a)
        .update(b)
        .digest();
    const four = node(node(leaves[0], leaves[1]), node(leaves[2], leaves[3]));
    expect(verifyInclusion(leaves[4], 4, 5, [four], Buffer.from(c.serialsRoot, 'hex'))).toBe(true);
  });

  const UNIT = `query($gtin: String!, $serial: String!) {
    unit(gtin: $gtin, serial: $serial) { gtin serial digitalLink packagePath recalled batch { id lotCode traceCode withheldFields events { seq } } }
  }`;
  /** A lot with `count` units commissioned, and their serials (the first download's rows). */
  async function commissioned(count = 3, lotCode?: string) {
    const lot = await gtinLot(lotCode);
    const c = (await commission(lot.org.key, { batchId: lot.batch.id, count })).data!.commissionUnits;
    const rows = rowsOf((await download(lot.org.key, c.id)).text).slice(1);
    return { ...lot, commissioning: c, serials: rows.map((r) => r[0]), codes: rows.map((r) => r[2]) };
  }

  it('answers unit(gtin, serial) to anyone with public fields only, null for an unknown serial, and refuses what cannot be a GTIN or serial', async () => {
    const { gtin, batch, serials, lotCode } = await commissioned(3);
    const unit = (await gql(service.app, UNIT, { gtin, serial: serials[1] })).data!.unit;
    expect(unit).toMatchObject({
      gtin,
      serial: serials[1],
      digitalLink: `${BASE}/01/${gtin}/10/${lotCode}/21/${serials[1]}`,
      packagePath: [],
      recalled: false,
      batch: { id: batch.id, lotCode, traceCode: batch.traceCode, events: [] },
    });
    // Anonymous: the lot's private fields are withheld, and say so.
    expect(unit.batch.withheldFields).toContain('events');
    // A GTIN-13 is the same product.
    expect((await gql(service.app, UNIT, { gtin: gtin.slice(1), serial: serials[1] })).data!.unit.serial).toBe(serials[1]);
    expect((await gql(service.app, UNIT, { gtin, serial: 'ZZZZZZZZZZZZZZZZ' })).data!.unit).toBeNull();
    // A recall of the lot covers its units.
    const regulator = await createOrg(service.app, 'REGULATOR');
    await gqlOk(service.app, INITIATE_RECALL, { input: { batchIds: [batch.id], level: 'LEVEL_2', reason: '标签错误' } }, regulator.key);
    expect((await gql(service.app, UNIT, { gtin, serial: serials[1] })).data!.unit.recalled).toBe(true);
    const refused = async (vars: Record<string, string>) => {
      const res = await gql(service.app, UNIT, vars);
      return [res.errors?.[0].extensions?.code, res.errors?.[0].extensions?.reason, res.errors?.[0].message];
    };
    expect(await refused({ gtin, serial: 'A'.repeat(21) })).toEqual([
      'BAD_USER_INPUT',
      'INVALID_SERIAL',
      expect.stringMatching(/not a GS1 serial number \(AI 21\)/),
    ]);
    expect(await refused({ gtin, serial: '序列号' })).toEqual(['BAD_USER_INPUT', 'INVALID_SERIAL', expect.stringMatching(/AI 21/)]);
    expect(await refused({ gtin: '06940000000000', serial: serials[0] })).toEqual([
      'BAD_USER_INPUT',
      'INVALID_GTIN',
      expect.stringMatching(/not a valid GTIN/),
    ]);
  });

  it('resolves /01/<gtin>/21/<serial>, with or without its lot, to the unit’s page (the lot’s page and its section) and its serial’s proof', async () => {
    const { gtin, batch, serials, lotCode, commissioning } = await commissioned(1500);
    const get = (path: string) => request(service.app.getHttpServer()).get(path);
    const serial = serials[1234];
    for (const path of [`/01/${gtin}/21/${serial}`, `/01/${gtin}/10/${lotCode}/21/${serial}`]) {
      const res = await get(path);
      expect([res.status, res.headers.location]).toEqual([307, `/u/${gtin}/${serial}`]);
    }
    // A serial that is not a unit: without its lot, not found; under its lot, the lot's page as before.
    expect((await get(`/01/${gtin}/21/NOSUCHSERIAL`)).status).toBe(404);
    expect((await get(`/01/${gtin}/10/${lotCode}/21/NOSUCHSERIAL`)).headers.location).toBe(`/q/${batch.traceCode}`);

    const page = await get(`/u/${gtin}/${serial}?lang=en`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<dd data-fact="unit-serial">${serial}</dd>`);
    expect(page.text).toContain(`one of 1,500 units of ledger entry ${commissioning.entry.seq}`);
    expect(page.text).toContain('Not checked on this device yet.');
    // The lot's own page is under it.
    expect(page.text).toContain(`<dd data-fact="lot">${lotCode}</dd>`);
    expect((await get(`/u/${gtin}/NOSUCHSERIAL`)).status).toBe(404);
    expect((await get(`/u/${gtin}/${'A'.repeat(21)}`)).status).toBe(400);

    const proof = (await get(`/u/${gtin}/${serial}/proof.json`)).body;
    expect(proof).toMatchObject({ format: 'suyuan-unit-proof/1', gtin, serial, leafIndex: 1234, treeSize: 1500, serialsRoot: commissioning.serialsRoot });
    expect(proof.entry).toMatchObject({
      seq: commissioning.entry.seq,
      type: 'UNITS_COMMISSIONED',
      payload: { serialsRoot: commissioning.serialsRoot, count: 1500 },
    });
    const path = (proof.path as string[]).map((h) => Buffer.from(h, 'hex'));
    expect(verifyInclusion(hashLeaf(Buffer.from(serial, 'latin1')), 1234, 1500, path, Buffer.from(proof.entry.payload.serialsRoot, 'hex'))).toBe(true);
    expect(verifyInclusion(hashLeaf(Buffer.from(serials[0], 'latin1')), 1234, 1500, path, Buffer.from(proof.entry.payload.serialsRoot, 'hex'))).toBe(false);
    expect((await get(`/u/${gtin}/NOSUCHSERIAL/proof.json`)).body.errors[0].extensions).toEqual({ code: 'NOT_FOUND', reason: 'UNIT_NOT_FOUND' });
  });

  const CHECK = `mutation($gtin: String!, $serial: String!, $code: String!) {
    checkUnit(gtin: $gtin, serial: $serial, checkCode: $code) { genuine checks firstCheckedAt message }
  }`;
  const check = (gtin: string, serial: string, code: string) => gql(service.app, CHECK, { gtin, serial, code });

  it('checks a code: first correct check says genuine, later ones how many times and since when; a wrong code and an unknown serial answer alike', async () => {
    const { gtin, serials, codes } = await commissioned(3);
    const first = (await check(gtin, serials[0], codes[0])).data!.checkUnit;
    expect(first).toMatchObject({ genuine: true, checks: 1 });
    expect(first.message).toMatch(/首次查询/);
    // Typed in lower case, in two groups: the same code.
    const typed = `${codes[0].slice(0, 5).toLowerCase()} ${codes[0].slice(5)}`;
    const second = (await check(gtin, serials[0], typed)).data!.checkUnit;
    expect(second).toMatchObject({ genuine: true, checks: 2, firstCheckedAt: first.firstCheckedAt });
    expect(second.message).toMatch(/此码已被查询 2 次，首次查询于 /);
    expect(second.message).toMatch(/checked 2 times, first on /);

    // Another unit's code, and a serial no unit has: the same answer, nothing counted.
    const wrong = (await check(gtin, serials[1], codes[0])).data!.checkUnit;
    const unknown = (await check(gtin, 'ZZZZZZZZZZZZZZZZ', codes[0])).data!.checkUnit;
    expect(wrong).toEqual({ genuine: false, checks: 0, firstCheckedAt: null, message: expect.stringMatching(/does not match/) });
    expect(unknown).toEqual(wrong);
    expect((await check(gtin, serials[1], codes[1])).data!.checkUnit).toMatchObject({ genuine: true, checks: 1 });

    const refused = async (g: string, serial: string, code: string) => (await check(g, serial, code)).errors?.[0].extensions;
    expect(await refused(gtin, 'A'.repeat(21), codes[0])).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_SERIAL' });
    expect(await refused(gtin, serials[2], 'SHORT')).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_SERIAL' });
    expect(await refused('123', serials[2], codes[2])).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_GTIN' });
  });

  it('stops checking a unit after 10 wrong codes (the right one too), so guessing its 50-bit code is hopeless', async () => {
    const { gtin, serials, codes } = await commissioned(2);
    const guess = (n: number) => String(n).padStart(10, '2').replace(/[01]/g, '2');
    for (let i = 0; i < 10; i++) expect((await check(gtin, serials[0], guess(i + 3))).data!.checkUnit.genuine).toBe(false);
    const locked = await check(gtin, serials[0], codes[0]);
    expect(locked.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'UNIT_CHECKS_LIMITED' });
    expect(locked.errors?.[0].message).toMatch(/10 wrong check codes/);
    // Another unit is not affected.
    expect((await check(gtin, serials[1], codes[1])).data!.checkUnit.genuine).toBe(true);
  });

  it('keeps each unit’s position, code and proof across the chunks commissioning inserts in serial order', async () => {
    // 48 blocks of 1,024 a statement: two statements, the units of each in serial order, not minted order.
    const count = 48 * 1024 + 700;
    const { gtin, serials, codes, commissioning } = await commissioned(count);
    expect(serials).toHaveLength(count);
    const leaves = serialLeafHashes(Buffer.from(serials.join(''), 'latin1'), count);
    expect(serialsTree(leaves).root.toString('hex')).toBe(commissioning.serialsRoot);
    for (const position of [0, 1, 49_151, 49_152, count - 1]) {
      expect((await check(gtin, serials[position], codes[position])).data!.checkUnit.genuine).toBe(true);
      const proof = (await request(service.app.getHttpServer()).get(`/u/${gtin}/${serials[position]}/proof.json`)).body;
      expect(proof.leafIndex).toBe(position);
      const path = (proof.path as string[]).map((h) => Buffer.from(h, 'hex'));
      expect(verifyInclusion(hashLeaf(Buffer.from(serials[position], 'latin1')), position, count, path, Buffer.from(commissioning.serialsRoot, 'hex'))).toBe(
        true,
      );
    }
  });

  it('offers the check on the unit’s page, as a form in both languages that answers with a page', async () => {
    const { gtin, serials, codes } = await commissioned(2);
    const page = await request(service.app.getHttpServer()).get(`/u/${gtin}/${serials[0]}?lang=zh`);
    expect(page.text).toContain(`<form method="post" action="/u/${gtin}/${serials[0]}/check?lang=zh">`);
    expect(page.text).toContain('输入 10 位防伪码');
    expect(page.headers['content-security-policy']).toContain("form-action 'self'");
    const post = (code: string) => request(service.app.getHttpServer()).post(`/u/${gtin}/${serials[0]}/check?lang=zh`).type('form').send({ checkCode: code });
    const right = await post(codes[0]);
    expect(right.status).toBe(200);
    expect(right.text).toContain('正品');
    expect(right.text).toContain('Genuine');
    const wrong = await post(codes[1]);
    expect(wrong.text).toContain('防伪码与该序列号不符');
    expect((await post('x')).status).toBe(400);
  });
});

describe('checkUnit per address', () => {
  const service = useTestApp({ RATE_LIMIT_PUBLIC: '1000' });

  it('takes 30 checks a minute from one address, then asks it to wait', async () => {
    const check = 'mutation { checkUnit(gtin: "06901234567892", serial: "ABCDEFGHJKLMNPQR", checkCode: "ABCDEFGHJK") { genuine } }';
    const answers = [];
    for (let i = 0; i < 31; i++) answers.push(await gql(service.app, check));
    expect(answers.slice(0, 30).every((a) => a.data?.checkUnit.genuine === false)).toBe(true);
    expect(answers[30].errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'UNIT_CHECKS_LIMITED' });
    expect(answers[30].errors?.[0].message).toMatch(/too many checks from your address; try again in \d+ s/);
  });
});
