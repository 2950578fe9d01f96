import { describe, expect, it } from '@jest/globals';
import { hash } from 'node:crypto';
import { readFixtureJson } from '../../test/support/fixtures.js';
import { isPublicMember, MEMBER_VISIBILITY } from './entry-visibility.js';
import { Sha256Hex } from './hash-rule.js';
import { disclosedValues, discloseMembers, disclosureProblem, MemberDisclosure, openedPayloadHash, openMembers, OpenedMembers } from './member-disclosure.js';

const vectors = readFixtureJson('vectors/ledger-v2.json');
const v2Entries: any[] = vectors.entries.filter((e: any) => e.v === 2);
const sha256: Sha256Hex<string> = (data) => hash('sha256', data, 'hex');
const asyncSha256: Sha256Hex<Promise<string>> = async (data) => sha256(data);
const bySeq = (seq: number) => vectors.entries.find((e: any) => e.seq === seq);

describe('member disclosures against test/fixtures/vectors/ledger-v2.json', () => {
  for (const e of v2Entries) {
    it(`entry ${e.seq} (${e.type}): the vector's disclosure proves its members against payloadHash`, async () => {
      expect(await disclosureProblem(sha256, e.payloadHash, e.disclosure)).toBeNull();
      expect(await disclosureProblem(asyncSha256, e.payloadHash, e.disclosure)).toBeNull();
    });

    it(`entry ${e.seq}: the service discloses, by the visibility table, exactly the vector's disclosure`, () => {
      const disclosure = discloseMembers(sha256, Buffer.from(e.salt, 'hex'), e.canonicalPayload, (name) => isPublicMember(e.type, name));
      expect(disclosure).toEqual(e.disclosure);
    });
  }

  it.each(vectors.invalidDisclosures.map((d: any) => [d.why, d]))('refuses a disclosure with %s', async (_why, d: any) => {
    expect(await disclosureProblem(sha256, bySeq(d.seq).payloadHash, d.disclosure)).toEqual(expect.any(String));
  });

  it('names what is wrong, and hides nothing it discloses: private members are absent, public ones readable', async () => {
    const e = bySeq(3);
    const changed: MemberDisclosure = structuredClone(e.disclosure);
    changed.disclosed.find((m) => m.name === 'quantity')!.value = 700;
    expect(await disclosureProblem(sha256, e.payloadHash, changed)).toBe('member quantity does not match its hash (its value or salt was changed)');
    const values = disclosedValues(e.disclosure);
    expect(values.bizStep).toBe('SHIPPING');
    expect('details' in values).toBe(false);
    expect(JSON.stringify(e.disclosure)).not.toContain('PO-2026-10-0117');
    expect(JSON.stringify(e.disclosure)).not.toContain(e.salt);
  });

  it('refuses malformed disclosures with a reason, never a throw', async () => {
    const e = bySeq(3);
    const bad: unknown[] = [
      null,
      { memberHashes: [] },
      { memberHashes: { 'not a name': 'ab' }, disclosed: [] },
      { ...e.disclosure, disclosed: 'x' },
      { ...e.disclosure, disclosed: [{ name: 'constructor', value: 1, salt: '00'.repeat(16) }] },
      { ...e.disclosure, disclosed: [{ name: 'quantity', value: 600, salt: 'zz' }] },
      { ...e.disclosure, disclosed: [{ name: 'quantity', value: Number.NaN, salt: '00'.repeat(16) }] },
    ];
    for (const d of bad) expect(await disclosureProblem(sha256, e.payloadHash, d as MemberDisclosure)).toEqual(expect.any(String));
  });
});

/** The compact form of a vector's disclosure: the disclosed members, and the hashes of the others only. */
function compact(disclosure: MemberDisclosure): OpenedMembers {
  const shown = new Set(disclosure.disclosed.map((m) => m.name));
  return { disclosed: disclosure.disclosed, hidden: Object.fromEntries(Object.entries(disclosure.memberHashes).filter(([name]) => !shown.has(name))) };
}

describe('opened members (the page proof’s compact form) against test/fixtures/vectors/ledger-v2.json', () => {
  for (const e of v2Entries) {
    it(`entry ${e.seq} (${e.type}): the disclosed members and the others' hashes make the vector's payloadHash, with either SHA-256`, async () => {
      expect(await openedPayloadHash(sha256, compact(e.disclosure))).toEqual({ payloadHash: e.payloadHash });
      expect(await openedPayloadHash(asyncSha256, compact(e.disclosure))).toEqual({ payloadHash: e.payloadHash });
      // Nothing disclosed: every member by its hash alone still makes it.
      expect(await openedPayloadHash(sha256, { disclosed: [], hidden: e.disclosure.memberHashes })).toEqual({ payloadHash: e.payloadHash });
    });

    it(`entry ${e.seq}: the service opens, by the visibility table, exactly that compact form`, () => {
      expect(openMembers(sha256, Buffer.from(e.salt, 'hex'), e.canonicalPayload, (name) => isPublicMember(e.type, name))).toEqual(compact(e.disclosure));
    });
  }

  it('makes another payloadHash from a changed value or salt, and refuses what is malformed with a reason', async () => {
    const e = bySeq(3);
    const changed = structuredClone(compact(e.disclosure));
    changed.disclosed.find((m) => m.name === 'quantity')!.value = 700;
    expect(await openedPayloadHash(sha256, changed)).not.toEqual({ payloadHash: e.payloadHash });
    const resalted = structuredClone(compact(e.disclosure));
    resalted.disclosed[0].salt = '00'.repeat(16);
    expect(await openedPayloadHash(sha256, resalted)).not.toEqual({ payloadHash: e.payloadHash });
    const twice = { disclosed: e.disclosure.disclosed, hidden: e.disclosure.memberHashes };
    expect(await openedPayloadHash(sha256, twice)).toEqual({ problem: `member ${e.disclosure.disclosed[0].name} is given twice` });
    const bad: unknown[] = [
      null,
      { disclosed: [], hidden: [] },
      { disclosed: 'x', hidden: {} },
      { disclosed: [], hidden: { 'not a name': 'ab'.repeat(32) } },
      { disclosed: [], hidden: { quantity: 'AB'.repeat(32) } },
      { disclosed: [{ name: 'quantity', value: 1, salt: 'zz' }], hidden: {} },
      { disclosed: [{ name: 'quantity', value: Number.NaN, salt: '00'.repeat(16) }], hidden: {} },
    ];
    for (const opened of bad) expect(await openedPayloadHash(sha256, opened as OpenedMembers)).toEqual({ problem: expect.any(String) });
  });
});

describe('the visibility table', () => {
  it('keeps prices, orders and phones private: every details member and the raw readings', () => {
    expect(MEMBER_VISIBILITY.EVENT_RECORDED.details).toBe('private');
    expect(MEMBER_VISIBILITY.BATCH_REGISTERED.details).toBe('private');
    expect(MEMBER_VISIBILITY.TEMPERATURES_RECORDED.readings).toBe('private');
    expect(isPublicMember('INSPECTION_RECORDED', 'verdict')).toBe(true);
    expect(isPublicMember('EVENT_RECORDED', 'details')).toBe(false);
    expect(isPublicMember('EVENT_RECORDED', 'price')).toBe(false);
    expect(isPublicMember('NO_SUCH_TYPE', 'name')).toBe(false);
    expect(isPublicMember('EVENT_RECORDED', 'toString')).toBe(false);
  });
});
