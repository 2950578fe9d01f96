import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { App } from 'supertest/types.js';
import { checkpointBody, signCheckpoint } from '../../src/ledger/checkpoint-note.js';
import { MerkleRootBuilder } from '../../src/ledger/merkle-verify.js';
import { generateSigningKeyPem, parseSigningKey, verifierKey } from '../../src/ledger/signing-key.js';
import { syntheticExportLines } from '../../src/verifier/synthetic-export.js';
import { createOrg, producerWithBatch } from '../support/builders.js';
import { LATEST_CHECKPOINT_SIZE, LEDGER_SIZE, RECORD_EVENT } from '../support/documents.js';
import { createTestApp, gqlOk, listenOnLoopback } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

/** The regulator's package: its own package.json, no dependencies, the verifier bundled by its prepack. */
const PACKAGE_DIR = join(process.cwd(), 'packages', 'suyuan-verify');

/**
 * The verifier as a regulator installs it: the `suyuan-verify` package `npm pack` makes from
 * packages/suyuan-verify (its prepack bundles the current sources), installed with npm, offline,
 * into an empty folder; its `suyuan-verify` bin run as a separate process, as a shell runs it,
 * against the running service's URL, a downloaded export, and a synthetic export large enough for
 * its worker threads.
 */
describe('the installed suyuan-verify package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'suyuan-verify-bin-'));
  const emptyCwd = join(dir, 'cwd');
  const installDir = join(dir, 'audit');
  // Its own npm cache, with --offline: installing the package must need nothing from a registry.
  const npmFlags = ['--offline', '--no-audit', '--no-fund', '--cache', join(dir, 'npm-cache')];
  // The bin's `#!/usr/bin/env node` finds the node running the tests.
  const PATH = [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  let tarball: string;
  let bin: string;
  let db: TestDatabase;
  let app: INestApplication<App>;
  let base: string;
  let key: string;
  let regulatorKey: string;

  function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(bin, args, { cwd: emptyCwd, env: { PATH, ...env }, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
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
    await sh('npm', ['pack', '--pack-destination', packDir, ...npmFlags], PACKAGE_DIR);
    tarball = join(
      packDir,
      readdirSync(packDir).find((f) => f.endsWith('.tgz'))!,
    );
    mkdirSync(installDir);
    writeFileSync(join(installDir, 'package.json'), JSON.stringify({ name: 'audit', private: true }));
    await sh('npm', ['install', tarball, ...npmFlags], installDir);
    bin = join(installDir, 'node_modules', '.bin', 'suyuan-verify');

    db = await createTestDatabase();
    app = await createTestApp(db.url);
    base = await listenOnLoopback(app);
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

  it('installs with no dependencies: npm lists nothing under it, and it ships no sources', async () => {
    const tree = JSON.parse(await sh('npm', ['ls', '--all', '--json', ...npmFlags], installDir));
    expect(Object.keys(tree.dependencies)).toEqual(['suyuan-verify']);
    expect(tree.dependencies['suyuan-verify'].dependencies).toBeUndefined();
    expect(readdirSync(join(installDir, 'node_modules')).filter((f) => !f.startsWith('.'))).toEqual(['suyuan-verify']);

    const installed = join(installDir, 'node_modules', 'suyuan-verify');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.optionalDependencies).toBeUndefined();
    expect(manifest.peerDependencies).toBeUndefined();
    expect(readdirSync(installed).sort()).toEqual(['README.md', 'dist', 'package.json']);
    // The worker threads' script sits beside the bin, where the bin looks for it.
    expect(readdirSync(join(installed, 'dist')).sort()).toEqual(['suyuan-verify.js', 'verify-worker.js']);
  });

  it('runs from the tarball with npx, as the README tells a regulator', async () => {
    const usage = await sh('npx', ['--yes', ...npmFlags, '--package', tarball, 'suyuan-verify', '--help'], emptyCwd);
    expect(usage).toContain('usage: suyuan-verify --url <base URL> --key <verifier key>');
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
});

describe("the repository's suyuan-verify bin (npm run verify)", () => {
  it('says how to build it, exit 2, when the build is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'suyuan-verify-bare-'));
    const bare = join(dir, 'bin');
    mkdirSync(bare, { recursive: true });
    copyFileSync(join(process.cwd(), 'bin', 'suyuan-verify.mjs'), join(bare, 'suyuan-verify.mjs'));
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, [join(bare, 'suyuan-verify.mjs'), '--help'], { cwd: dir }, (err, _out, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code) : 0, stderr }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('suyuan-verify is not built');
    expect(r.stderr).toContain('npm run build');
  });
});
