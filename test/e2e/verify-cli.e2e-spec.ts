import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { App } from 'supertest/types.js';
import { generateSigningKeyPem, parseSigningKey, verifierKey } from '../../src/ledger/signing-key.js';
import { runVerify } from '../../src/verifier/verify-command.js';
import { createOrg, producerWithBatch } from '../support/builders.js';
import { createTestApp, gqlOk, listenOnLoopback } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { LATEST_CHECKPOINT_SIZE, LEDGER_SIZE, RECORD_EVENT } from '../support/documents.js';

/**
 * The regulator's audit (`npm run verify`), run in-process against the whole service listening on
 * a port: a clean ledger passes; a tampered export, a checkpoint from another key and a history
 * rewritten after a saved checkpoint each fail, naming what failed.
 */
describe('npm run verify', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let base: string;
  let key: string;
  let regulatorKey: string;
  let producer: Awaited<ReturnType<typeof producerWithBatch>>;
  const dir = mkdtempSync(join(tmpdir(), 'suyuan-verify-'));

  async function verify(...args: string[]): Promise<{ code: number; output: string }> {
    const lines: string[] = [];
    const code = await runVerify(args, (line) => lines.push(line), { env: { SUYUAN_API_KEY: regulatorKey } });
    return { code, output: lines.join('\n') };
  }

  async function recordEvents(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await gqlOk(
        app,
        RECORD_EVENT,
        {
          input: { batchId: producer.batch.id, bizStep: 'STORING', eventTime: '2026-10-07T08:00:00.000Z', facilityId: producer.facilityId, details: { n: i } },
        },
        producer.org.key,
      );
    }
  }

  /** Waits for the service's own signer to cover the whole ledger. */
  async function checkpointed(): Promise<number> {
    const { ledgerInfo } = await gqlOk(app, LEDGER_SIZE);
    for (let tries = 0; tries < 50; tries++) {
      const { latestCheckpoint } = await gqlOk(app, LATEST_CHECKPOINT_SIZE);
      if (latestCheckpoint.treeSize === ledgerInfo.size) return ledgerInfo.size;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no checkpoint of the whole ledger within 5 s');
  }

  async function download(): Promise<{ exportFile: string; checkpointFile: string }> {
    const note = await (await fetch(`${base}/ledger/checkpoint`)).text();
    const size = Number(note.split('\n')[1]);
    const res = await fetch(`${base}/ledger/export?toSeq=${size}`, { headers: { authorization: `Bearer ${regulatorKey}` } });
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const exportFile = join(dir, 'export.jsonl');
    const checkpointFile = join(dir, 'checkpoint.txt');
    writeFileSync(exportFile, await res.text());
    writeFileSync(checkpointFile, note);
    return { exportFile, checkpointFile };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    base = await listenOnLoopback(app);
    key = (await gqlOk(app, '{ ledgerInfo { verifierKey } }')).ledgerInfo.verifierKey;
    regulatorKey = (await createOrg(app, 'REGULATOR')).key;
    producer = await producerWithBatch(app);
    await recordEvents(20);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes a clean ledger over HTTP and keeps the checkpoint it saw; passes again after the ledger grew', async () => {
    const state = join(dir, 'state.json');
    const size = await checkpointed();
    const first = await verify('--url', base, '--key', key, '--state', state);
    expect(first.output).not.toContain('✗');
    expect(first.code).toBe(0);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ treeSize: size });

    await recordEvents(7);
    const grown = await checkpointed();
    const second = await verify('--url', base, '--key', key, '--state', state);
    expect(second.code).toBe(0);
    expect(second.output).toContain(`consistency proof ${size} → ${grown} verifies`);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ treeSize: grown });
  });

  it('passes a downloaded export and fails it once tampered, naming the seq', async () => {
    const { exportFile, checkpointFile } = await download();
    expect((await verify('--file', exportFile, '--checkpoint', checkpointFile, '--key', key)).code).toBe(0);

    const lines = readFileSync(exportFile, 'utf8').split('\n');
    const seq = 9;
    lines[seq - 1] = lines[seq - 1].replace(/"actor":"[^"]+"/, '"actor":"someone-else"');
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, lines.join('\n'));
    const result = await verify('--file', tampered, '--checkpoint', checkpointFile, '--key', key);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`first failure at seq ${seq}`);
  });

  it('fails a checkpoint checked against another key', async () => {
    const { exportFile, checkpointFile } = await download();
    const otherKey = verifierKey('suyuan.test/ledger', parseSigningKey(generateSigningKeyPem()).publicKeyRaw);
    const result = await verify('--file', exportFile, '--checkpoint', checkpointFile, '--key', otherKey);
    expect(result.code).toBe(1);
    expect(result.output).toContain('✗ checkpoint signature');
  });

  it('fails when history is rewritten after a saved checkpoint, and leaves the saved state as it was', async () => {
    const state = join(dir, 'rewrite-state.json');
    const size = await checkpointed();
    expect((await verify('--url', base, '--key', key, '--state', state)).code).toBe(0);
    const saved = readFileSync(state, 'utf8');

    // A superuser drops the last 5 entries (and what was derived from them) and records others instead.
    const keep = size - 5;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('BEGIN');
    for (const table of ['ledger_entry', 'ledger_head', 'merkle_node', 'checkpoint']) await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await client.query('DELETE FROM ledger_entry WHERE seq > $1', [keep]);
    await client.query('DELETE FROM merkle_node WHERE (idx + 1) * (1::bigint << level) > $1', [keep]);
    await client.query('DELETE FROM checkpoint WHERE tree_size > $1', [keep]);
    await client.query('UPDATE ledger_head SET seq = $1, hash = (SELECT hash FROM ledger_entry WHERE seq = $1)', [keep]);
    for (const table of ['ledger_entry', 'ledger_head', 'merkle_node', 'checkpoint']) await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    await client.query('COMMIT');
    await client.end();
    await recordEvents(8);
    expect(await checkpointed()).toBe(keep + 8);

    // The new ledger is self-consistent: without the saved state it passes…
    expect((await verify('--url', base, '--key', key)).code).toBe(0);
    // …but against what the regulator saw before, the rewrite shows.
    const result = await verify('--url', base, '--key', key, '--state', state);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/previous checkpoint \(size \d+\): the export's root at that size differs/);
    expect(readFileSync(state, 'utf8')).toBe(saved);
    expect(existsSync(state)).toBe(true);
  });
});
