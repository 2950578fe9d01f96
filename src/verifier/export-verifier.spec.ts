import { readFixtureJson } from '../../test/support/fixtures.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../ledger/canonical-json.js';
import { checkpointBody, signCheckpoint } from '../ledger/checkpoint-note.js';
import { entryHash, LedgerEnvelope, payloadHash } from '../ledger/ledger-hash.js';
import { signingKeyFromSeed } from '../ledger/signing-key.js';
import { ExportVerifier } from './export-verifier.js';
import { runVerify } from './verify-command.js';

const vectors = readFixtureJson('vectors/ledger-v1.json');
const ROOT = Buffer.from(vectors.merkle.root, 'hex');

interface ExportEntry extends LedgerEnvelope {
  hash: string;
  salt: string | null;
  payload: unknown;
}

function vectorEntries(): ExportEntry[] {
  return vectors.entries.map((v: any) => ({
    v: 1,
    seq: v.seq,
    prevHash: v.prevHash,
    type: v.type,
    batchId: v.batchId,
    batchPrevHash: v.batchPrevHash,
    actor: v.actor,
    recordedAt: v.recordedAt,
    payloadHash: v.payloadHash,
    hash: v.hash,
    salt: v.salt,
    payload: v.payload,
  }));
}

/** One export line, keys in the export's order; the payload as the service writes it (its canonical text) or as given. */
function line(e: ExportEntry, payloadForm: 'canonical' | 'as-given' = 'canonical'): string {
  const { payload, ...rest } = e;
  const payloadText = payload === null ? 'null' : payloadForm === 'canonical' ? canonicalJson(payload) : JSON.stringify(payload);
  return `${JSON.stringify({
    v: rest.v,
    seq: rest.seq,
    prevHash: rest.prevHash,
    type: rest.type,
    batchId: rest.batchId,
    batchPrevHash: rest.batchPrevHash,
    actor: rest.actor,
    recordedAt: rest.recordedAt,
    payloadHash: rest.payloadHash,
    hash: rest.hash,
    salt: rest.salt,
  }).slice(0, -1)},"payload":${payloadText}}`;
}

function verify(lines: string[], rootsAt: number[] = [3], expectedSize = 3) {
  const verifier = new ExportVerifier({ rootsAt });
  for (const l of lines) if (!verifier.push(l)) break;
  return verifier.finish(expectedSize);
}

/** Recomputes an entry's hash after a change, as a forger with no signing key would. */
function reseal(e: ExportEntry): ExportEntry {
  return { ...e, hash: entryHash(e) };
}

describe('ExportVerifier on the ledger-v1 vectors', () => {
  it('verifies the three entries and reaches the checkpoint root, with every intermediate root', () => {
    const result = verify(
      vectorEntries().map((e) => line(e)),
      [1, 2, 3],
    );
    expect(result.failure).toBeNull();
    expect(result.valid).toBe(true);
    expect(result.checkedEntries).toBe(3);
    expect(result.slowPayloads).toBe(0);
    expect(result.root.equals(ROOT)).toBe(true);
    expect(result.roots.get(3)!.equals(ROOT)).toBe(true);
    for (const p of vectors.merkle.consistencyProofs) {
      expect(result.roots.get(p.fromSize)!.toString('hex')).toBe(p.fromRoot);
    }
  });

  it('accepts a payload written in another key order through the authoritative canonicalization', () => {
    const result = verify(vectorEntries().map((e) => line(e, 'as-given')));
    expect(result.valid).toBe(true);
    expect(result.slowPayloads).toBe(3);
    expect(result.root.equals(ROOT)).toBe(true);
  });

  it('accepts CRLF line ends, blank lines and a missing final newline', () => {
    const text = `${vectorEntries()
      .map((e) => line(e))
      .join('\r\n')}\r\n\r\n`;
    expect(verify(text.split('\n')).valid).toBe(true);
  });

  it('accepts an erased payload (salt and payload null): the envelope still verifies', () => {
    const entries = vectorEntries();
    entries[1] = { ...entries[1], salt: null, payload: null };
    const result = verify(entries.map((e) => line(e)));
    expect(result.valid).toBe(true);
    expect(result.erasedPayloads).toBe(1);
    expect(result.root.equals(ROOT)).toBe(true);
  });

  it('a payload holding its own ",\\"payload\\":" member still verifies, through the slow path', () => {
    const e = vectorEntries()[0];
    const payload = { a: 1, payload: { x: 1 } };
    const salt = Buffer.alloc(16, 7);
    const entry = reseal({ ...e, salt: salt.toString('hex'), payload, payloadHash: payloadHash(salt, canonicalJson(payload)) });
    expect(verify([line(entry)], [1], 1)).toMatchObject({ valid: true, slowPayloads: 0 });
    // in another member order the last ',"payload":' is the nested one: the canonical check refuses that slice
    const reordered = line(entry).replace('{"v":1,"seq":1,', '{"seq":1,"v":1,');
    expect(verify([reordered], [1], 1)).toMatchObject({ valid: true, slowPayloads: 1 });
  });

  describe('names the first failing seq', () => {
    const failing = (lines: string[]) => {
      const result = verify(lines);
      expect(result.valid).toBe(false);
      return result.failure!;
    };

    it('payload changed', () => {
      const entries = vectorEntries();
      entries[1] = { ...entries[1], payload: { ...(entries[1].payload as object), quantity: 1300 } };
      const f = failing(entries.map((e) => line(e)));
      expect(f.seq).toBe(2);
      expect(f.reason).toMatch(/payload does not match its payloadHash/);
    });

    it('a payload nested a hundred thousand deep: named, not a stack overflow', () => {
      const lines = vectorEntries().map((e) => line(e));
      const deep = `${'{"a":['.repeat(100_000)}1${']}'.repeat(100_000)}`;
      const at = lines[1].lastIndexOf(',"payload":');
      const f = failing([lines[0], `${lines[1].slice(0, at)},"payload":${deep}}`, lines[2]]);
      expect(f.seq).toBe(2);
      expect(f.reason).toMatch(/^entry 2: the payload cannot be canonicalized: payload(\.a\[0\])+ is nested more than 64 levels deep$/);
    });

    it('salt changed', () => {
      const entries = vectorEntries();
      entries[2] = { ...entries[2], salt: '00'.repeat(16) };
      expect(failing(entries.map((e) => line(e)))).toMatchObject({ seq: 3, reason: expect.stringMatching(/payloadHash/) });
    });

    it('actor changed', () => {
      const entries = vectorEntries();
      entries[1] = { ...entries[1], actor: 'someone-else' };
      const f = failing(entries.map((e) => line(e)));
      expect(f.seq).toBe(2);
      expect(f.reason).toMatch(/stored hash does not match its envelope/);
    });

    it('actor changed and the hash recomputed: the next prevHash breaks', () => {
      const entries = vectorEntries();
      entries[1] = reseal({ ...entries[1], actor: 'someone-else' });
      const f = failing(entries.map((e) => line(e)));
      expect(f.seq).toBe(3);
      expect(f.reason).toMatch(/prevHash does not match the hash of entry 2/);
    });

    it('the last entry changed and every hash recomputed: the chain holds, the root does not', () => {
      const entries = vectorEntries();
      entries[2] = reseal({ ...entries[2], recordedAt: '2026-10-09T11:00:00.001Z' });
      const result = verify(entries.map((e) => line(e)));
      expect(result.valid).toBe(true);
      expect(result.root.equals(ROOT)).toBe(false);
    });

    it('a line removed', () => {
      const lines = vectorEntries().map((e) => line(e));
      const f = failing([lines[0], lines[2]]);
      expect(f.seq).toBe(2);
      expect(f.reason).toMatch(/entry 2 is missing/);
    });

    it('the last line removed', () => {
      const lines = vectorEntries().map((e) => line(e));
      const f = failing(lines.slice(0, 2));
      expect(f.seq).toBe(3);
      expect(f.reason).toMatch(/entry 3 is missing/);
    });

    it('two lines swapped', () => {
      const lines = vectorEntries().map((e) => line(e));
      const f = failing([lines[0], lines[2], lines[1]]);
      expect(f.seq).toBe(2);
      expect(f.line).toBe(2);
    });

    it('a wrong batchPrevHash', () => {
      const entries = vectorEntries();
      entries[2] = { ...entries[2], batchPrevHash: entries[0].hash };
      expect(failing(entries.map((e) => line(e))).seq).toBe(3);
    });

    it('a wrong batchPrevHash with the hash recomputed', () => {
      const entries = vectorEntries();
      entries[2] = reseal({ ...entries[2], batchPrevHash: entries[0].hash });
      const f = failing(entries.map((e) => line(e)));
      expect(f.seq).toBe(3);
      expect(f.reason).toMatch(/batchPrevHash does not match the hash of the batch's previous entry/);
    });

    it('a batch entry claiming to be the first of its batch', () => {
      const entries = vectorEntries();
      entries[2] = reseal({ ...entries[2], batchPrevHash: null });
      expect(failing(entries.map((e) => line(e)))).toMatchObject({ seq: 3, reason: expect.stringMatching(/should be null|batchPrevHash/) });
    });

    it('a line that is not JSON, and a salt without a payload', () => {
      const lines = vectorEntries().map((e) => line(e));
      expect(failing([lines[0], lines[1].slice(0, -5), lines[2]])).toMatchObject({ seq: 2, reason: expect.stringMatching(/not valid JSON/) });
      const entries = vectorEntries();
      entries[0] = { ...entries[0], payload: null };
      expect(failing(entries.map((e) => line(e)))).toMatchObject({ seq: 1, reason: expect.stringMatching(/both/) });
    });

    it('stops at the first failure', () => {
      const verifier = new ExportVerifier();
      const lines = vectorEntries().map((e) => line(e));
      expect(verifier.push(lines[1])).toBe(false);
      expect(verifier.push(lines[0])).toBe(false);
      expect(verifier.finish().failure?.seq).toBe(1);
    });
  });
});

describe('runVerify in file mode on the vectors', () => {
  const seed = Buffer.from(vectors.checkpoint.testSigningSeedHex, 'hex');
  const key = vectors.checkpoint.verifierKey as string;
  let dir: string;
  let exportFile: string;
  let noteFile: string;
  const run = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runVerify(args, (l) => lines.push(l), { env: {} });
    return { code, text: lines.join('\n') };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'suyuan-verify-'));
    exportFile = join(dir, 'export.jsonl');
    noteFile = join(dir, 'checkpoint.txt');
    writeFileSync(
      exportFile,
      `${vectorEntries()
        .map((e) => line(e))
        .join('\n')}\n`,
    );
    writeFileSync(noteFile, vectors.checkpoint.signedNote);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes, and keeps the checkpoint in the state file', async () => {
    const state = join(dir, 'state-ok.json');
    const { code, text } = await run('--file', exportFile, '--checkpoint', noteFile, '--key', key, '--state', state);
    expect(text).toMatch(/OK/);
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({
      origin: vectors.checkpoint.origin,
      treeSize: 3,
      rootHash: vectors.merkle.root,
      signedNote: vectors.checkpoint.signedNote,
    });
    // again, from the state it wrote
    expect((await run('--file', exportFile, '--checkpoint', noteFile, '--key', key, '--state', state)).code).toBe(0);
  });

  it('checks an earlier checkpoint from the state file against the export', async () => {
    const state = join(dir, 'state-2.json');
    const p = vectors.merkle.consistencyProofs.find((c: any) => c.fromSize === 2);
    const note2 = signCheckpoint(checkpointBody(vectors.checkpoint.origin, 2, Buffer.from(p.fromRoot, 'hex')), signingKeyFromSeed(seed));
    writeFileSync(state, JSON.stringify({ origin: vectors.checkpoint.origin, treeSize: 2, rootHash: p.fromRoot, signedNote: note2 }));
    const { code, text } = await run('--file', exportFile, '--checkpoint', noteFile, '--key', key, '--state', state);
    expect(text).toMatch(/previous checkpoint \(size 2\)/);
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(state, 'utf8')).treeSize).toBe(3);
  });

  it('fails, leaving the state file untouched, when the history was rewritten or the ledger shrank', async () => {
    const state = join(dir, 'state-bad.json');
    const rewritten = JSON.stringify({ origin: vectors.checkpoint.origin, treeSize: 2, rootHash: 'ab'.repeat(32), signedNote: '' });
    writeFileSync(state, rewritten);
    let r = await run('--file', exportFile, '--checkpoint', noteFile, '--key', key, '--state', state);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/rewritten/);
    expect(readFileSync(state, 'utf8')).toBe(rewritten);

    const bigger = JSON.stringify({ origin: vectors.checkpoint.origin, treeSize: 4, rootHash: 'ab'.repeat(32), signedNote: '' });
    writeFileSync(state, bigger);
    r = await run('--file', exportFile, '--checkpoint', noteFile, '--key', key, '--state', state);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/the ledger shrank/);
    expect(readFileSync(state, 'utf8')).toBe(bigger);
  });

  it('fails on a tampered export, naming the seq, and on a checkpoint signed by another key', async () => {
    const entries = vectorEntries();
    entries[1] = { ...entries[1], actor: 'x' };
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, entries.map((e) => line(e)).join('\n'));
    const state = join(dir, 'state-never.json');
    let r = await run('--file', bad, '--checkpoint', noteFile, '--key', key, '--state', state);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/seq 2/);
    expect(existsSync(state)).toBe(false);

    const other = signingKeyFromSeed(Buffer.alloc(32, 1));
    const forged = join(dir, 'forged.txt');
    writeFileSync(forged, signCheckpoint(checkpointBody(vectors.checkpoint.origin, 3, ROOT), other));
    r = await run('--file', exportFile, '--checkpoint', forged, '--key', key);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/signature/);
  });

  it('usage errors exit 2 with a usage line', async () => {
    for (const args of [
      [],
      ['--file', 'x'],
      ['--url', 'http://x', '--file', 'y', '--key', key],
      ['--file', 'x', '--checkpoint', 'y', '--key', 'nonsense'],
      ['--bogus'],
    ]) {
      const r = await run(...args);
      expect(r.code).toBe(2);
      expect(r.text).toMatch(/usage: suyuan-verify/);
    }
  });
});
