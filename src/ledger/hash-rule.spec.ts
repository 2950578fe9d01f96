import { describe, expect, it } from '@jest/globals';
import { hash } from 'node:crypto';
import { readFixtureJson } from '../../test/support/fixtures.js';
import {
  batchLinkProblem,
  canonicalEnvelope,
  ChainLinks,
  entryHashWith,
  GENESIS_PREV_HASH,
  LedgerEnvelope,
  memberHashesText,
  memberLeafInput,
  memberSaltInput,
  memberSaltOf,
  PayloadMember,
  payloadHashInput,
  payloadHashWith,
  payloadRootAsync,
  payloadRootInput,
  payloadRootWith,
  Sha256Bytes,
  Sha256Hex,
  splitPayloadMembers,
} from './hash-rule.js';

const vectors = readFixtureJson('vectors/ledger-v1.json');
const syncSha256: Sha256Hex<string> = (data) => hash('sha256', data, 'hex');
const asyncSha256: Sha256Hex<Promise<string>> = async (data) => syncSha256(data);
const bytesSha256: Sha256Bytes = (data) => hash('sha256', data, 'buffer');

const envelopeOf = (v: any): LedgerEnvelope => ({
  v: 1,
  seq: v.seq,
  prevHash: v.prevHash,
  type: v.type,
  batchId: v.batchId,
  batchPrevHash: v.batchPrevHash,
  actor: v.actor,
  recordedAt: v.recordedAt,
  payloadHash: v.payloadHash,
});

describe('the hash rule against test/fixtures/vectors/ledger-v1.json, with any SHA-256', () => {
  for (const v of vectors.entries) {
    it(`entry ${v.seq}: the canonical envelope, payload hash and entry hash, synchronously and as a promise`, async () => {
      const salt = Buffer.from(v.salt, 'hex');
      expect(canonicalEnvelope(envelopeOf(v))).toBe(v.canonicalEnvelope);
      expect(payloadHashWith(syncSha256, salt, v.canonicalPayload)).toBe(v.payloadHash);
      expect(entryHashWith(syncSha256, envelopeOf(v))).toBe(v.hash);
      expect(await payloadHashWith(asyncSha256, salt, v.canonicalPayload)).toBe(v.payloadHash);
      expect(await entryHashWith(asyncSha256, envelopeOf(v))).toBe(v.hash);
    });
  }

  it('links the vector entries: prevHash, batchPrevHash and the next seq', () => {
    const links = new ChainLinks(1, null);
    for (const v of vectors.entries) {
      expect(links.nextSeq).toBe(v.seq);
      expect(v.prevHash).toBe(links.previousHash);
      expect(links.batchLinkProblem(v)).toBeNull();
      links.accept(v.batchId, v.hash);
    }
    expect(links.previousHash).toBe(vectors.entries[vectors.entries.length - 1].hash);
  });
});

describe('payloadHashInput', () => {
  const salt = Uint8Array.from({ length: 16 }, (_, i) => i);

  it('is salt || UTF-8(text), multi-byte characters included, with or without a scratch buffer', () => {
    const text = '{"name":"天津小站稻 🌾","t":-4.5}';
    const expected = Buffer.concat([Buffer.from(salt), Buffer.from(text, 'utf8')]);
    expect(Buffer.from(payloadHashInput(salt, text))).toEqual(expected);
    expect(Buffer.from(payloadHashInput(salt, text, new Uint8Array(1024)))).toEqual(expected);
  });

  it('uses a new array when the scratch buffer is too small, leaving the scratch untouched', () => {
    const scratch = new Uint8Array(8);
    const out = payloadHashInput(salt, 'x'.repeat(100), scratch);
    expect(out.length).toBe(116);
    expect(scratch).toEqual(new Uint8Array(8));
  });
});

describe('batch links', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);

  it('names each way a batchPrevHash can be wrong', () => {
    expect(batchLinkProblem(null, null, null)).toBeNull();
    expect(batchLinkProblem(null, a, null)).toBe('SET_WITHOUT_BATCH');
    expect(batchLinkProblem('batch', null, null)).toBeNull();
    expect(batchLinkProblem('batch', a, null)).toBe('FIRST_ENTRY_NOT_NULL');
    expect(batchLinkProblem('batch', a, a)).toBeNull();
    expect(batchLinkProblem('batch', b, a)).toBe('PREVIOUS_ENTRY_MISMATCH');
    expect(batchLinkProblem('batch', null, a)).toBe('PREVIOUS_ENTRY_MISMATCH');
  });

  it('starts a range after the genesis from the hash before it and seeded batch heads', () => {
    expect(new ChainLinks(1, 'ignored').previousHash).toBe(GENESIS_PREV_HASH);
    const links = new ChainLinks(10, a);
    expect(links.previousHash).toBe(a);
    expect(links.knowsBatch('batch')).toBe(false);
    links.seedBatchHead('batch', b);
    expect(links.batchLinkProblem({ batchId: 'batch', batchPrevHash: b })).toBeNull();
    links.accept('batch', a);
    expect(links.nextSeq).toBe(11);
    expect(links.batchHead('batch')).toBe(a);
  });
});

describe('the hash rule against test/fixtures/vectors/ledger-v2.json (format v2, written by an independent Python script)', () => {
  const v2 = readFixtureJson('vectors/ledger-v2.json');
  const v2Entries: any[] = v2.entries.filter((e: any) => e.v === 2);

  for (const e of v2Entries) {
    it(`entry ${e.seq} (${e.type}): its members, their salts and leaves, the payload root and the entry hash`, async () => {
      const members = splitPayloadMembers(e.canonicalPayload);
      expect(members).toEqual(e.members.map((m: any) => ({ name: m.name, text: m.memberText })));
      const entrySalt = Buffer.from(e.salt, 'hex');
      for (const m of e.members) {
        const memberSalt = memberSaltOf(syncSha256(memberSaltInput(entrySalt, m.name)));
        expect(Buffer.from(memberSalt).toString('hex')).toBe(m.salt);
        expect(syncSha256(memberLeafInput(memberSalt, m.memberText))).toBe(m.leafHash);
      }
      expect(memberHashesText(e.members.map((m: any) => [m.name, m.leafHash]))).toBe(e.memberHashesText);
      expect(payloadRootWith(syncSha256, entrySalt, members as PayloadMember[])).toBe(e.payloadHash);
      expect(await payloadRootAsync(asyncSha256, entrySalt, members as PayloadMember[])).toBe(e.payloadHash);
      // The hot path: member salts as bytes, every input in one scratch buffer (or, too small for one, in new arrays).
      for (const scratch of [new Uint8Array(64 * 1024), new Uint8Array(40)]) {
        expect(payloadRootWith(syncSha256, entrySalt, members as PayloadMember[], { sha256Bytes: bytesSha256, scratch })).toBe(e.payloadHash);
      }
      const envelope = { ...envelopeOf(e), v: 2 as const };
      expect(canonicalEnvelope(envelope)).toBe(e.canonicalEnvelope);
      expect(entryHashWith(syncSha256, envelope)).toBe(e.hash);
    });
  }

  it('links a chain that mixes v1 and v2 entries', () => {
    const links = new ChainLinks(1, null);
    for (const e of v2.entries) {
      expect(e.prevHash).toBe(links.previousHash);
      expect(links.batchLinkProblem(e)).toBeNull();
      expect(entryHashWith(syncSha256, { ...envelopeOf(e), v: e.v })).toBe(e.hash);
      links.accept(e.batchId, e.hash);
    }
    expect(v2.entries.map((e: any) => e.v)).toEqual([1, 2, 2, 2, 2]);
  });
});

describe('the v2 hash inputs', () => {
  const salt = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i);
  const text = '"note":"天津小站稻 🌾"';

  it('are prefix || head || UTF-8(text), the same with a scratch buffer, without one, or with one too small', () => {
    const cases: [Uint8Array, (scratch?: Uint8Array) => Uint8Array][] = [
      [Buffer.concat([Buffer.of(0x10), salt, Buffer.from('note')]), (scratch) => memberSaltInput(salt, 'note', scratch)],
      [Buffer.concat([Buffer.of(0x11), salt, Buffer.from(text, 'utf8')]), (scratch) => memberLeafInput(salt, text, scratch)],
      [Buffer.concat([Buffer.of(0x12), Buffer.from(`{"note":"${'a'.repeat(64)}"}`)]), (scratch) => payloadRootInput(`{"note":"${'a'.repeat(64)}"}`, scratch)],
    ];
    for (const [expected, input] of cases) {
      expect(Buffer.from(input())).toEqual(expected);
      // Without a scratch buffer, an array of exactly the input (what WebCrypto is handed).
      expect(input().byteLength).toBe(expected.length);
      expect(input().buffer.byteLength).toBe(expected.length);
      expect(Buffer.from(input(new Uint8Array(1024).fill(0xff)))).toEqual(expected);
      const small = new Uint8Array(8);
      expect(Buffer.from(input(small))).toEqual(expected);
      expect(small).toEqual(new Uint8Array(8));
    }
  });
});

describe('splitPayloadMembers', () => {
  it('cuts a canonical payload into its members, nested commas, braces and escaped quotes included', () => {
    expect(splitPayloadMembers('{}')).toEqual([]);
    expect(splitPayloadMembers('{"a":{"b":[1,{"c":"}"}]},"b":"x\\",y","c":null}')).toEqual([
      { name: 'a', text: '"a":{"b":[1,{"c":"}"}]}' },
      { name: 'b', text: '"b":"x\\",y"' },
      { name: 'c', text: '"c":null' },
    ]);
  });

  it.each([
    ['[1]', 'is not a JSON object'],
    ['{"a b":1}', 'is not an identifier'],
    ['{"b":1,"a":2}', 'out of canonical order'],
    ['{"a":1,"a":2}', 'out of canonical order'],
    ['{"a":[1}', 'does not end'],
    ['{"a":1}}', 'text follows'],
  ])('refuses %s', (text, reason) => {
    expect(splitPayloadMembers(text)).toEqual(expect.stringContaining(reason));
  });
});
