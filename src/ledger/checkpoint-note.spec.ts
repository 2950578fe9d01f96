import { readFixtureJson } from '../../test/support/fixtures.js';
import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import { checkpointBody, openSignedNote, parseVerifierKey, signCheckpoint, VerifierKey } from './checkpoint-note.js';
import { parseSigningKey, signingKeyFromSeed, verifierKey } from './signing-key.js';

const vectors = readFixtureJson('vectors/ledger-v1.json');
const cp = vectors.checkpoint;
const root = Buffer.from(vectors.merkle.root, 'hex');
const testKey = signingKeyFromSeed(Buffer.from(cp.testSigningSeedHex, 'hex'));

function otherSigningKey(name: string): { key: ReturnType<typeof parseSigningKey>; verifier: VerifierKey } {
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const key = parseSigningKey(pem);
  return { key, verifier: parseVerifierKey(verifierKey(name, key.publicKeyRaw)) };
}

describe('checkpoint body and signed note against test/fixtures/vectors/ledger-v1.json', () => {
  it('writes the three-line body of the vector', () => {
    expect(checkpointBody(cp.origin, 3, root)).toBe(cp.body);
    expect(vectors.merkle.treeSize).toBe(3);
  });

  it('signs the vector note byte for byte with the TEST seed (Ed25519 is deterministic)', () => {
    expect(signCheckpoint(cp.body, testKey)).toBe(cp.signedNote);
    expect(cp.signedNote.startsWith(cp.body + '\n\u2014 ')).toBe(true);
  });

  it('parses the vector verifier key', () => {
    const key = parseVerifierKey(cp.verifierKey);
    expect(key.name).toBe(cp.origin);
    expect(key.publicKey.toString('hex')).toBe(cp.publicKeyHex);
    expect(key.keyId.toString('hex')).toBe(cp.verifierKey.split('+')[1]);
    expect(parseVerifierKey(`  ${cp.verifierKey}\n`)).toEqual(key);
  });

  it('opens the vector note: size 3 and the Merkle root', () => {
    const checkpoint = openSignedNote(cp.signedNote, parseVerifierKey(cp.verifierKey));
    expect(checkpoint.origin).toBe(cp.origin);
    expect(checkpoint.treeSize).toBe(3);
    expect(checkpoint.rootHash).toEqual(root);
    expect(checkpoint.body).toBe(cp.body);
  });

  it('round-trips a fresh checkpoint (size 0, large size)', () => {
    const { key, verifier } = otherSigningKey('example.org/log');
    for (const size of [0, 1, Number.MAX_SAFE_INTEGER]) {
      const note = signCheckpoint(checkpointBody('example.org/log', size, root), key);
      const opened = openSignedNote(note, verifier);
      expect([opened.treeSize, opened.rootHash.toString('hex')]).toEqual([size, vectors.merkle.root]);
    }
  });
});

describe('openSignedNote refuses', () => {
  const key = parseVerifierKey(cp.verifierKey);
  const note: string = cp.signedNote;

  it('a note with one changed body character', () => {
    for (const changed of [note.replace('\n3\n', '\n4\n'), note.replace('suyuan.test/ledger\n3', 'suyuan.test/ledgeR\n3'), note.replace('AJrh', 'AJri')]) {
      expect(changed).not.toBe(note);
      expect(() => openSignedNote(changed, key)).toThrow(/signature does not verify/);
    }
  });

  it('a changed signature', () => {
    const line = note.split('\n')[4];
    const sig = Buffer.from(line.split(' ')[2], 'base64');
    sig[10] ^= 1;
    const changed = note.replace(line, `\u2014 ${cp.origin} ${sig.toString('base64')}`);
    expect(() => openSignedNote(changed, key)).toThrow(/signature does not verify/);
  });

  it('a note checked with another key of the same name: no signature by it', () => {
    const { verifier } = otherSigningKey(cp.origin);
    expect(() => openSignedNote(note, verifier)).toThrow(`no signature by ${cp.origin}+${verifier.keyId.toString('hex')}`);
  });

  it('a note signed by another key under the vector key id (forged id) does not verify', () => {
    const { key: other } = otherSigningKey(cp.origin);
    const forged = signCheckpoint(cp.body, { ...other, publicKeyRaw: testKey.publicKeyRaw });
    expect(() => openSignedNote(forged, key)).toThrow(/signature does not verify/);
  });

  it('keeps looking past signatures by other keys, in any order', () => {
    const { key: other } = otherSigningKey('witness.example');
    const otherLine = signCheckpoint(cp.body.replace(cp.origin, 'witness.example'), other).split('\n')[4];
    const [body, ourLine] = [cp.body, note.split('\n')[4]];
    expect(openSignedNote(`${body}\n${otherLine}\n${ourLine}\n`, key).treeSize).toBe(3);
    expect(openSignedNote(`${body}\n${ourLine}\n${otherLine}\n`, key).treeSize).toBe(3);
    expect(() => openSignedNote(`${body}\n${otherLine}\n`, key)).toThrow(/no signature by suyuan\.test\/ledger\+5ad75abe/);
  });

  it('a well-signed note whose body origin is not the key name', () => {
    const body = `other.origin\n3\n${root.toString('base64')}\n`;
    const sig = Buffer.concat([key.keyId, sign(null, Buffer.from(body), testKey.privateKey)]).toString('base64');
    expect(() => openSignedNote(`${body}\n\u2014 ${cp.origin} ${sig}\n`, key)).toThrow(
      /malformed checkpoint body: origin "other\.origin" is not the key name "suyuan\.test\/ledger"/,
    );
  });

  it('malformed notes and bodies, with what failed', () => {
    const sigLine = note.split('\n')[4];
    const cases: [string, RegExp][] = [
      [note.slice(0, -1), /malformed note: it does not end in a newline/],
      [note.replace('\n\n', '\n'), /malformed note/],
      [note.replace('\u2014', '-'), /malformed note: bad signature line/],
      [note.replace(/\n/g, '\r\n'), /malformed note: carriage return/],
    ];
    for (const [text, message] of cases) expect(() => openSignedNote(text, key)).toThrow(message);

    // Well-signed bodies that are not checkpoints.
    const seedKey = testKey;
    const bodies: [string, RegExp][] = [
      [`${cp.origin}\n03\n${root.toString('base64')}\n`, /malformed checkpoint body: tree size "03"/],
      [`${cp.origin}\n-3\n${root.toString('base64')}\n`, /malformed checkpoint body: tree size "-3"/],
      [`${cp.origin}\n9007199254740993\n${root.toString('base64')}\n`, /malformed checkpoint body: tree size 9007199254740993 is too large/],
      [`${cp.origin}\n3\n${root.subarray(1).toString('base64')}\n`, /malformed checkpoint body: root hash/],
      [`${cp.origin}\n3\n${root.toString('base64url')}\n`, /malformed checkpoint body: root hash/],
      [`${cp.origin}\n3\n${root.toString('hex')}\n`, /malformed checkpoint body: root hash/],
      [`${cp.origin}\n3\n${root.toString('base64')}\nextension\n`, /malformed checkpoint body: expected 3 lines, got 4/],
    ];
    for (const [body, message] of bodies) {
      const sig = Buffer.concat([key.keyId, sign(null, Buffer.from(body), seedKey.privateKey)]).toString('base64');
      expect(() => openSignedNote(`${body}\n\u2014 ${cp.origin} ${sig}\n`, key)).toThrow(message);
    }
    expect(sigLine.startsWith('\u2014 ')).toBe(true);
  });
});

describe('parseVerifierKey refuses', () => {
  const [name, id, encoded] = cp.verifierKey.split('+');
  const cases: [string, RegExp][] = [
    ['', /malformed verifier key: expected <name>\+<8 hex digits>\+<base64 key>/],
    [`${name}+${id}`, /malformed verifier key: expected/],
    [`${name}+${id.slice(1)}+${encoded}`, /malformed verifier key: expected/],
    [`${name} x+${id}+${encoded}`, /malformed verifier key: expected/],
    [`${name}+${id}+${encoded.slice(0, -1)}`, /malformed verifier key: the key is not valid standard base64/],
    [`${name}+${id}+${Buffer.concat([Buffer.from([2]), Buffer.from(cp.publicKeyHex, 'hex')]).toString('base64')}`, /unsupported algorithm 2/],
    [
      `${name}+${id}+${Buffer.concat([Buffer.from([1]), Buffer.from(cp.publicKeyHex, 'hex').subarray(1)]).toString('base64')}`,
      /an Ed25519 key is 32 bytes, got 31/,
    ],
    [`${name}+00000000+${encoded}`, /key id 00000000 does not match name and key \(expected 5ad75abe\)/],
    [`other.name+${id}+${encoded}`, /key id 5ad75abe does not match name and key/],
  ];
  for (const [text, message] of cases) {
    it(JSON.stringify(text.slice(0, 60)), () => {
      expect(() => parseVerifierKey(text)).toThrow(message);
    });
  }
});

describe('checkpointBody and signCheckpoint refuse bad input', () => {
  it('origin, size, root', () => {
    expect(() => checkpointBody('', 3, root)).toThrow(/invalid origin/);
    expect(() => checkpointBody('a b', 3, root)).toThrow(/invalid origin/);
    expect(() => checkpointBody('a+b', 3, root)).toThrow(/invalid origin/);
    expect(() => checkpointBody(cp.origin, -1, root)).toThrow(/invalid tree size/);
    expect(() => checkpointBody(cp.origin, 1.5, root)).toThrow(/invalid tree size/);
    expect(() => checkpointBody(cp.origin, 3, root.subarray(1))).toThrow(/32 bytes/);
    expect(() => signCheckpoint('not a body', testKey)).toThrow(/malformed checkpoint body/);
  });
});
