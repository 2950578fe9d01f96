import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'supertest/types.js';
import { checkpointBody, signCheckpoint } from '../../src/ledger/checkpoint-note.js';
import { MerkleRootBuilder } from '../../src/ledger/merkle-verify.js';
import { generateSigningKeyPem, parseSigningKey, verifierKey } from '../../src/ledger/signing-key.js';
import { syntheticExportLines } from '../../src/verifier/synthetic-export.js';
import { createOrg, producerWithBatch } from '../support/builders.js';
import { LATEST_CHECKPOINT_SIZE, LEDGER_SIZE, RECORD_EVENT } from '../support/documents.js';
import { createTestApp, gqlOk } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

/**
 * The verifier as a regulator installs it: the package `npm pack` makes (from the build `npm test`
 * made first), unpacked into an empty folder with no node_modules and no source tree, its
 * `suyuan-verify` bin run as a separate process against the running service's URL, a downloaded
 * export, and a synthetic export large enough for its worker threads.
 */
describe('the packed suyuan-verify bin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'suyuan-verify-bin-'));
  const emptyCwd = join(dir, 'cwd');
  let bin: string;
  let db: TestDatabase;
  let app: INestApplication<App>;
  let base: string;
  let key: string;
  let regulatorKey: string;

  function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [bin, ...args],
        { cwd: emptyCwd, env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 1 << 24 },
        (err, stdout, stderr) => {
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        },
      );
    });
  }

  function sh(command: string, args: string[], cwd: string): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(command, args, { cwd, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${command} ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
      );
    });
  }

  beforeAll(async () => {
    mkdirSync(emptyCwd);
    const packDir = join(dir, 'pack');
    mkdirSync(packDir);
    await sh('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], process.cwd());
    const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'))!;
    const installDir = join(dir, 'installed');
    mkdirSync(installDir);
    await sh('tar', ['xzf', join(packDir, tarball), '-C', installDir], installDir);
    const manifest = JSON.parse(readFileSync(join(installDir, 'package', 'package.json'), 'utf8'));
    bin = join(installDir, 'package', manifest.bin['suyuan-verify']);

    db = await createTestDatabase();
    app = await createTestApp(db.url);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    key = (await gqlOk(app, '{ ledgerInfo { verifierKey } }')).ledgerInfo.verifierKey;
    regulatorKey = (await createOrg(app, 'REGULATOR')).key;
    const producer = await producerWithBatch(app);
    for (let i = 0; i < 5; i++) {
      const input = {
        batchId: producer.batch.id,
        bizStep: 'STORING',
        eventTime: '2026-10-07T08:00:00.000Z',
        facilityId: producer.facilityId,
        details: { n: i },
      };
      await gqlOk(app, RECORD_EVENT, { input }, producer.org.key);
    }
    const { ledgerInfo } = await gqlOk(app, LEDGER_SIZE);
    for (let tries = 0; tries < 50 && (await gqlOk(app, LATEST_CHECKPOINT_SIZE)).latestCheckpoint.treeSize !== ledgerInfo.size; tries++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships in the package with nothing beside it: no node_modules, no sources', () => {
    const shipped = readdirSync(join(dir, 'installed', 'package'));
    expect(shipped).toEqual(expect.arrayContaining(['bin', 'dist', 'package.json']));
    expect(shipped).not.toContain('node_modules');
    expect(shipped).not.toContain('src');
  });

  it('verifies the running service by its URL with a regulator key from the environment', async () => {
    const r = await run(['--url', base, '--key', key], { SUYUAN_API_KEY: regulatorKey });
    expect(r.stdout).toContain('OK: every check holds');
    expect(r.code).toBe(0);
  });

  it('verifies a downloaded export file, and fails it once an entry was changed, naming the entry', async () => {
    const note = await (await fetch(`${base}/ledger/checkpoint`)).text();
    const size = Number(note.split('\n')[1]);
    const body = await (await fetch(`${base}/ledger/export?toSeq=${size}`, { headers: { authorization: `Bearer ${regulatorKey}` } })).text();
    writeFileSync(join(dir, 'checkpoint.txt'), note);
    writeFileSync(join(dir, 'export.jsonl'), body);
    const clean = await run(['--file', join(dir, 'export.jsonl'), '--checkpoint', join(dir, 'checkpoint.txt'), '--key', key]);
    expect(clean.code).toBe(0);

    const lines = body.split('\n');
    lines[2] = lines[2].replace(/"actor":"[^"]+"/, '"actor":"someone-else"');
    writeFileSync(join(dir, 'tampered.jsonl'), lines.join('\n'));
    const tampered = await run(['--file', join(dir, 'tampered.jsonl'), '--checkpoint', join(dir, 'checkpoint.txt'), '--key', key]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('FAILED: entries: first failure at seq 3');
  });

  it('checks a 20,000-entry export in worker threads with a progress line, and fails a tampered one exactly as one thread does', async () => {
    const signing = parseSigningKey(generateSigningKeyPem());
    const origin = 'bin-test.example/ledger';
    const tree = new MerkleRootBuilder();
    const lines = [...syntheticExportLines(20_000, 300, tree)];
    writeFileSync(join(dir, 'big.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'big-checkpoint.txt'), signCheckpoint(checkpointBody(origin, 20_000, tree.root()), signing));
    const args = (file: string, workers: string) => [
      '--file',
      join(dir, file),
      '--checkpoint',
      join(dir, 'big-checkpoint.txt'),
      '--key',
      verifierKey(origin, signing.publicKeyRaw),
      '--workers',
      workers,
    ];

    const clean = await run([...args('big.jsonl', '2'), '--progress']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('✓ Merkle root of entries 1–20000 equals the checkpoint root');
    expect(clean.stderr).toMatch(/checked 20,000 of 20,000 \(100%\) entries, [0-9,]+ entries\/s/);
    expect(clean.stdout).not.toContain('checked 20,000 of'); // the report's stdout stays clean

    lines[15_000] = lines[15_000].replace('cold chain', 'warm chain');
    writeFileSync(join(dir, 'big-tampered.jsonl'), `${lines.join('\n')}\n`);
    const inWorkers = await run(args('big-tampered.jsonl', '2'));
    const inOneThread = await run(args('big-tampered.jsonl', '0'));
    expect(inWorkers.code).toBe(1);
    const failure = (out: string) => out.split('\n').filter((l) => l.startsWith('✗') || l.startsWith('FAILED'));
    expect(failure(inWorkers.stdout)).toEqual(failure(inOneThread.stdout));
    expect(inWorkers.stdout).toContain('first failure at seq 15001');
  });

  it('says how to build it, exit 2, when the build is missing', async () => {
    const bare = join(dir, 'bare', 'bin');
    mkdirSync(bare, { recursive: true });
    copyFileSync(bin, join(bare, 'suyuan-verify.mjs'));
    const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, [join(bare, 'suyuan-verify.mjs'), '--help'], { cwd: emptyCwd }, (err, _out, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code) : 0, stderr }),
      ),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('suyuan-verify is not built');
    expect(r.stderr).toContain('npm run build');
  });
});
