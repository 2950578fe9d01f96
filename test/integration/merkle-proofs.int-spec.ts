import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { DataSource } from 'typeorm';
import { openSignedNote, parseVerifierKey } from '../../src/ledger/checkpoint-note.js';
import { draftEntry } from '../../src/ledger/ledger-entry.js';
import { LedgerWriter } from '../../src/ledger/ledger-writer.js';
import { hashLeaf, MerkleRootBuilder, verifyConsistency, verifyInclusion } from '../../src/ledger/merkle-verify.js';
import { MerkleRepository } from '../../src/ledger/merkle.repository.js';
import { ProofsService } from '../../src/ledger/proofs.service.js';
import { createOrg } from '../support/builders.js';
import { createTestApp, gql, gqlOk, TEST_ADMIN_KEY } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

/**
 * The service's proofs, checked with the independent verifier of src/ledger/merkle-verify.ts against
 * roots rebuilt from the stored entry hashes: every leaf of every tree size 1..64, every pair of sizes,
 * and samples of larger trees.
 */
describe('Merkle tree, proofs and checkpoints', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let proofs: ProofsService;
  const leaves: Buffer[] = [];
  const rootOf = (size: number) => {
    const builder = new MerkleRootBuilder();
    for (const leaf of leaves.slice(0, size)) builder.push(leaf);
    return builder.root();
  };
  const hex = (hashes: string[]) => hashes.map((h) => Buffer.from(h, 'hex'));

  async function appendUpTo(size: number): Promise<void> {
    const writer = app.get(LedgerWriter);
    const batch = randomUUID();
    const current = (await app.get(DataSource).query('SELECT seq FROM ledger_head'))[0].seq;
    // Concurrent, so groups of many sizes cross the 16-leaf blocks the tree stores.
    await Promise.all(
      Array.from({ length: size - Number(current) }, (_, i) => writer.append('org', [draftEntry('EVENT_RECORDED', i % 2 ? batch : null, { i })])),
    );
    const rows: { hash: string }[] = await app.get(DataSource).query('SELECT hash FROM ledger_entry ORDER BY seq');
    leaves.length = 0;
    for (const row of rows) leaves.push(hashLeaf(Buffer.from(row.hash, 'hex')));
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    proofs = app.get(ProofsService);
    await appendUpTo(64);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('proves every leaf of every tree size from 1 to 64', async () => {
    for (let size = 1; size <= 64; size++) {
      const root = rootOf(size);
      expect((await proofs.rootAt(size)).equals(root)).toBe(true);
      for (let seq = 1; seq <= size; seq++) {
        const proof = await proofs.inclusionProof(seq, size);
        expect(proof.leafHash).toBe(leaves[seq - 1].toString('hex'));
        expect(verifyInclusion(leaves[seq - 1], seq - 1, size, hex(proof.hashes), root)).toBe(true);
      }
    }
  });

  it('proves consistency between every pair of sizes up to 64', async () => {
    for (let to = 1; to <= 64; to++) {
      for (let from = 1; from <= to; from++) {
        const proof = await proofs.consistencyProof(from, to);
        expect(verifyConsistency(from, to, hex(proof.hashes), rootOf(from), rootOf(to))).toBe(true);
      }
    }
  });

  it('proves random leaves and sizes of a larger tree, and an altered proof fails', async () => {
    await appendUpTo(700);
    for (let i = 0; i < 60; i++) {
      const size = 1 + Math.floor(Math.random() * 700);
      const seq = 1 + Math.floor(Math.random() * size);
      const from = 1 + Math.floor(Math.random() * size);
      const inclusion = await proofs.inclusionProof(seq, size);
      expect(verifyInclusion(leaves[seq - 1], seq - 1, size, hex(inclusion.hashes), rootOf(size))).toBe(true);
      const consistency = await proofs.consistencyProof(from, size);
      expect(verifyConsistency(from, size, hex(consistency.hashes), rootOf(from), rootOf(size))).toBe(true);
    }
    const proof = hex((await proofs.inclusionProof(300, 700)).hashes);
    const flipped = proof.map((h, i) => (i === 3 ? Buffer.from(h.map((b, j) => (j === 0 ? b ^ 1 : b))) : h));
    expect(verifyInclusion(leaves[299], 299, 700, flipped, rootOf(700))).toBe(false);
    expect(verifyInclusion(leaves[299], 299, 700, proof.slice(1), rootOf(700))).toBe(false);
    expect(verifyInclusion(leaves[299], 299, 699, proof, rootOf(699))).toBe(false);
  });

  it('answers over GraphQL for the size asked, and refuses sizes beyond the ledger', async () => {
    const size = leaves.length;
    const data = await gqlOk(
      app,
      `query { inclusionProof(seq: 5, treeSize: 40) { leafIndex treeSize leafHash hashes }
               consistencyProof(fromSize: 17, toSize: ${size}) { fromSize toSize hashes } }`,
    );
    expect(data.inclusionProof).toMatchObject({ leafIndex: 4, treeSize: 40, leafHash: leaves[4].toString('hex') });
    expect(verifyInclusion(leaves[4], 4, 40, hex(data.inclusionProof.hashes), rootOf(40))).toBe(true);
    expect(verifyConsistency(17, size, hex(data.consistencyProof.hashes), rootOf(17), rootOf(size))).toBe(true);
    for (const [query, message] of [
      [`{ inclusionProof(seq: 1, treeSize: ${size + 1}) { hashes } }`, `treeSize must be from 1 to the ledger's size ${size}, got ${size + 1}`],
      ['{ inclusionProof(seq: 41, treeSize: 40) { hashes } }', 'seq must be from 1 to treeSize 40, got 41'],
      ['{ inclusionProof(seq: 0, treeSize: 40) { hashes } }', 'seq must be from 1 to treeSize 40, got 0'],
      ['{ consistencyProof(fromSize: 0, toSize: 10) { hashes } }', 'fromSize must be from 1 to toSize 10, got 0'],
      ['{ consistencyProof(fromSize: 11, toSize: 10) { hashes } }', 'fromSize must be from 1 to toSize 10, got 11'],
    ]) {
      const res = await gql(app, query);
      expect(res.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  it('signs checkpoints on its own within seconds of new entries, each verifying with the published key', async () => {
    const size = leaves.length;
    const deadline = Date.now() + 5000;
    let checkpoint: { treeSize: number; rootHash: string; signedNote: string; origin: string };
    do {
      checkpoint = (await gqlOk(app, '{ latestCheckpoint { origin treeSize rootHash signedNote } }')).latestCheckpoint;
      if (checkpoint.treeSize === size) break;
      await new Promise((r) => setTimeout(r, 200));
    } while (Date.now() < deadline);
    expect(checkpoint.treeSize).toBe(size);
    expect(checkpoint.rootHash).toBe(rootOf(size).toString('hex'));
    const { ledgerInfo } = await gqlOk(app, '{ ledgerInfo { origin verifierKey } }');
    const opened = openSignedNote(checkpoint.signedNote, parseVerifierKey(ledgerInfo.verifierKey));
    expect(opened).toMatchObject({ origin: ledgerInfo.origin, treeSize: size });
    expect(opened.rootHash.equals(rootOf(size))).toBe(true);

    const res = await request(app.getHttpServer()).get('/ledger/checkpoint');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toBe(checkpoint.signedNote);
  });

  it('createCheckpoint is for the admin and regulators, and keeps one checkpoint per size', async () => {
    await appendUpTo(leaves.length + 3);
    const regulator = await createOrg(app, 'REGULATOR');
    const producer = await createOrg(app, 'PRODUCER');
    const size = leaves.length + 2; // the two organizations just registered
    const mutation = 'mutation { createCheckpoint { treeSize signedNote } }';
    const first = (await gqlOk(app, mutation, undefined, regulator.key)).createCheckpoint;
    const again = (await gqlOk(app, mutation, undefined, TEST_ADMIN_KEY)).createCheckpoint;
    expect(first.treeSize).toBe(size);
    expect(again).toEqual(first);
    expect((await gql(app, mutation, undefined, producer.key)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql(app, mutation)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const kept: { n: string }[] = await app.get(DataSource).query('SELECT count(*) AS n FROM checkpoint WHERE tree_size = $1', [size]);
    expect(Number(kept[0].n)).toBe(1);
    await expect(app.get(DataSource).query('DELETE FROM checkpoint')).rejects.toThrow(/append-only/);
  });

  it("returns the rival signer's checkpoint when another process signs the same size at the same moment", async () => {
    const size = leaves.length + 1000; // a size nobody else signs while the test runs
    const rival = new pg.Client({ connectionString: db.url });
    await rival.connect();
    await rival.query('BEGIN');
    await rival.query("INSERT INTO checkpoint (tree_size, root_hash, signed_note, created_at) VALUES ($1, $2, 'rival note', now())", [size, 'ab'.repeat(32)]);
    // Our signer's insert now waits on the rival's row; the rival commits while it waits.
    const signing = app.get(MerkleRepository).saveCheckpoint({ treeSize: size, rootHash: 'cd'.repeat(32), signedNote: 'our note' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await rival.query('COMMIT');
    await rival.end();
    expect(await signing).toEqual({ treeSize: size, rootHash: 'ab'.repeat(32), signedNote: 'rival note' });
  });

  it('back-fills the same tree for a ledger written before the tree existed', async () => {
    const dataSource = app.get(DataSource);
    const before: { level: number; idx: string; hash: Buffer }[] = await dataSource.query('SELECT level, idx, hash FROM merkle_node ORDER BY level, idx');
    expect(before.length).toBeGreaterThan(40);
    await dataSource.undoLastMigration();
    await dataSource.runMigrations();
    const after = await dataSource.query('SELECT level, idx, hash FROM merkle_node ORDER BY level, idx');
    expect(after).toEqual(before);
  });
});
