import { readFixtureJson } from '../../test/support/fixtures.js';
import { describe, expect, it } from '@jest/globals';
import { canonicalJson, CanonicalJsonError } from './canonical-json.js';
import { ChainVerifier } from './chain-verifier.js';
import { draftEntry, LedgerEntry } from './ledger-entry.js';
import { canonicalEnvelope, entryHash, GENESIS_PREV_HASH, LedgerEnvelope, payloadHash, payloadHashOf, payloadRoot } from './ledger-hash.js';
import { signingKeyFromSeed, verifierKey } from './signing-key.js';

const vectors = readFixtureJson('vectors/ledger-v1.json');

describe('ledger format v1 against test/fixtures/vectors/ledger-v1.json', () => {
  for (const v of vectors.entries) {
    describe(`entry ${v.seq} (${v.type})`, () => {
      const envelope: LedgerEnvelope = {
        v: 1,
        seq: v.seq,
        prevHash: v.prevHash,
        type: v.type,
        batchId: v.batchId,
        batchPrevHash: v.batchPrevHash,
        actor: v.actor,
        recordedAt: v.recordedAt,
        payloadHash: v.payloadHash,
      };

      it('canonicalizes the payload byte for byte', () => {
        expect(canonicalJson(v.payload)).toBe(v.canonicalPayload);
      });
      it('hashes salt and canonical payload into payloadHash', () => {
        expect(payloadHash(Buffer.from(v.salt, 'hex'), canonicalJson(v.payload))).toBe(v.payloadHash);
      });
      it('canonicalizes the envelope byte for byte, as generic JCS does', () => {
        expect(canonicalEnvelope(envelope)).toBe(v.canonicalEnvelope);
        expect(canonicalJson(envelope)).toBe(v.canonicalEnvelope);
      });
      it('hashes the envelope into hash', () => {
        expect(entryHash(envelope)).toBe(v.hash);
      });
    });
  }

  it('chains: the first prevHash is 64 zeros, then each prevHash is the previous hash', () => {
    expect(vectors.entries[0].prevHash).toBe(GENESIS_PREV_HASH);
    for (let i = 1; i < vectors.entries.length; i++) {
      expect(vectors.entries[i].prevHash).toBe(vectors.entries[i - 1].hash);
    }
  });

  it('derives the C2SP verifier key from the test seed', () => {
    const key = signingKeyFromSeed(Buffer.from(vectors.checkpoint.testSigningSeedHex, 'hex'));
    expect(key.publicKeyRaw.toString('hex')).toBe(vectors.checkpoint.publicKeyHex);
    expect(verifierKey(vectors.checkpoint.origin, key.publicKeyRaw)).toBe(vectors.checkpoint.verifierKey);
  });
});

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and writes numbers in ECMAScript shortest form', () => {
    // RFC 8785 §3.2.3: the sorting example, whose keys sort to \r, 1, \u0080, ö, €, 😀, דּ.
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    // RFC 8785 §3.2.2.3 number examples.
    // (Those beyond ±(2^53 − 1) are refused by LEDGER-SPEC §2, so 1e+30 is not among them.)
    // eslint-disable-next-line no-loss-of-precision -- the RFC's own example, written as the RFC writes it
    expect(canonicalJson([333333333.33333329, 4.5, 0.002, 1e-27, -0, 1e-7, 9007199254740991])).toBe(
      '[333333333.3333333,4.5,0.002,1e-27,0,1e-7,9007199254740991]',
    );
  });

  it.each([
    [{ a: Number.NaN }, 'value.a is not a finite number'],
    [{ a: [1, Number.POSITIVE_INFINITY] }, 'value.a[1] is not a finite number'],
    [{ big: 2 ** 53 }, 'value.big is an integer beyond ±(2^53 − 1)'],
    [{ big: -1e30 }, 'value.big is an integer beyond ±(2^53 − 1)'],
    [{ s: 'x\ud800y' }, 'value.s contains a lone surrogate (invalid Unicode)'],
    [{ s: '\udc00' }, 'value.s contains a lone surrogate (invalid Unicode)'],
    [{ 'odd key': () => 1 }, 'value["odd key"] is a function, which JSON cannot carry'],
    [{ d: new Date(0) }, 'value.d is not a plain JSON object'],
  ])('refuses %j with a message naming where', (value, message) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('keeps a well-formed surrogate pair', () => {
    expect(canonicalJson('😀')).toBe('"😀"');
  });

  it('canonicalizes 64 levels of nesting and refuses the 65th by name, without recursing into a value nested a million deep', () => {
    const nested = (depth: number) => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
      return value;
    };
    expect(canonicalJson(nested(64))).toBe(JSON.stringify(nested(64)));
    expect(() => canonicalJson(nested(65))).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ details: nested(1_000_000) }, 'input')).toThrow(/^input\.details(\[0\]|\.a)+ is nested more than 64 levels deep$/);
  });
});

describe('format v2 in Node against test/fixtures/vectors/ledger-v2.json', () => {
  const v2 = readFixtureJson('vectors/ledger-v2.json');
  const stored: LedgerEntry[] = v2.entries.map((e: any) => ({
    ...Object.fromEntries(
      ['v', 'seq', 'prevHash', 'type', 'batchId', 'batchPrevHash', 'actor', 'recordedAt', 'payloadHash', 'hash', 'salt'].map((k) => [k, e[k]]),
    ),
    payload: e.canonicalPayload,
  }));

  it('hashes each payload by its version, and drafts a v2 entry to the vector’s payloadHash and member ends', () => {
    for (const e of v2.entries) expect(payloadHashOf(e.v, Buffer.from(e.salt, 'hex'), e.canonicalPayload)).toBe(e.payloadHash);
    const e = v2.entries.find((x: any) => x.seq === 2);
    const draft = draftEntry(e.type, e.batchId, e.payload, { salt: Buffer.from(e.salt, 'hex'), version: 2 });
    expect(draft.canonicalPayload).toBe(e.canonicalPayload);
    expect(draft.payloadHash).toBe(e.payloadHash);
    // The ends in code points: the details member holds an astral character (one code point, two UTF-16 units).
    let at = 1;
    const ends = e.members.map((m: any) => {
      at += [...m.memberText].length;
      return at++;
    });
    expect(draft.payloadMemberEnds).toEqual(ends);
    expect(payloadRoot(Buffer.from(e.salt, 'hex'), '{"a b":1}')).toBeNull();
  });

  it('verifies the mixed chain with ChainVerifier, and names a changed v2 member', () => {
    const verifier = new ChainVerifier({ fromSeq: 1, previousHash: null });
    for (const e of stored) verifier.check(e);
    expect(verifier.finish(stored.length)).toEqual({ valid: true, checkedEntries: 5, firstInvalidSeq: null, reason: null });

    const tampered = new ChainVerifier({ fromSeq: 1, previousHash: null });
    for (const e of stored) tampered.check(e.seq === 4 ? { ...e, payload: e.payload!.replace('"PASS"', '"FAIL"') } : e);
    expect(tampered.finish(stored.length)).toMatchObject({ valid: false, firstInvalidSeq: 4, reason: expect.stringContaining('payload does not match') });
  });
});
