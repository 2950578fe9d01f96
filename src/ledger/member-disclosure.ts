import { canonicalJson, CanonicalJsonError } from './canonical-json.js';
import {
  MEMBER_NAME_PATTERN,
  memberHashesText,
  memberLeafInput,
  memberSaltInput,
  memberSaltOf,
  payloadRootInput,
  Sha256Hex,
  splitPayloadMembers,
} from './hash-rule.js';

/**
 * Checking what the service discloses of a v2 entry (docs/ledger-format.md §3): the hash of every member,
 * hidden or not, and the name, value and salt of the disclosed ones. Pure and storage-free, so the
 * phone's bundle, the CLI and the service run the same check. It imports no SHA-256 of its own.
 */

/** A member opened: its value (any JSON) and its 16-byte salt in hex. */
export interface DisclosedMember {
  name: string;
  value: unknown;
  salt: string;
}

export interface MemberDisclosure {
  /** Every member's leaf hash, by name: what the entry's payloadHash commits to. */
  memberHashes: Record<string, string>;
  disclosed: DisclosedMember[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;

/**
 * Why a disclosure does not prove its members against `payloadHash` (null when it does): the member
 * hashes must rebuild the payloadHash, and each disclosed member's leaf, recomputed from its name, value
 * and salt, must be the hash listed for that name.
 */
export async function disclosureProblem(
  sha256: Sha256Hex<string | Promise<string>>,
  payloadHash: string,
  disclosure: MemberDisclosure,
): Promise<string | null> {
  const hashes = disclosure?.memberHashes;
  if (typeof hashes !== 'object' || hashes === null || Array.isArray(hashes)) return 'memberHashes is not an object';
  // Own members only, in canonical order: a name such as "constructor" is an ordinary member here.
  const names = Object.keys(hashes).sort();
  for (const name of names) {
    if (!MEMBER_NAME_PATTERN.test(name)) return `member name ${JSON.stringify(name)} is not an identifier`;
    if (typeof hashes[name] !== 'string' || !HEX64.test(hashes[name])) return `the hash of member ${name} is not 32 bytes of lowercase hex`;
  }
  const root = await sha256(payloadRootInput(memberHashesText(names.map((name) => [name, hashes[name]] as const))));
  if (root !== payloadHash) return 'the member hashes do not make the entry’s payloadHash';
  if (!Array.isArray(disclosure.disclosed)) return 'disclosed is not a list';
  for (const member of disclosure.disclosed) {
    const name = member?.name;
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(hashes, name)) {
      return `disclosed member ${JSON.stringify(name)} is not one of the entry’s members`;
    }
    if (typeof member.salt !== 'string' || !HEX32.test(member.salt)) return `the salt of member ${name} is not 16 bytes of lowercase hex`;
    let text: string;
    try {
      text = `"${name}":${canonicalJson(member.value, name)}`;
    } catch (err) {
      if (err instanceof CanonicalJsonError) return `member ${name}: ${err.message}`;
      throw err;
    }
    if ((await sha256(memberLeafInput(hexBytes(member.salt), text))) !== hashes[name])
      return `member ${name} does not match its hash (its value or salt was changed)`;
  }
  return null;
}

/** The disclosed members as an object, once disclosureProblem found nothing wrong. */
export function disclosedValues(disclosure: Pick<MemberDisclosure, 'disclosed'>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const m of disclosure.disclosed) out[m.name] = m.value;
  return out;
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * What the service discloses of a v2 entry: every member's hash, and the name, value and derived salt of
 * the members `isPublic` names. The entry salt itself never leaves the service (a member salt does not
 * reveal it, nor any other member's salt).
 */
export function discloseMembers(
  sha256: Sha256Hex<string>,
  entrySalt: Uint8Array,
  canonicalPayload: string,
  isPublic: (name: string) => boolean,
): MemberDisclosure {
  const members = splitPayloadMembers(canonicalPayload);
  if (typeof members === 'string') throw new Error(`not a v2 payload: ${members}`);
  const memberHashes: Record<string, string> = {};
  const disclosed: DisclosedMember[] = [];
  for (const m of members) {
    const saltHex = sha256(memberSaltInput(entrySalt, m.name)).slice(0, 32);
    // defineProperty: a member named __proto__ is a member like any other.
    Object.defineProperty(memberHashes, m.name, { value: sha256(memberLeafInput(memberSaltOf(saltHex), m.text)), enumerable: true, writable: true });
    // The value parsed from the member's own canonical text, so it is exactly what was hashed.
    if (isPublic(m.name)) disclosed.push({ name: m.name, value: JSON.parse(m.text.slice(m.name.length + 3)), salt: saltHex });
  }
  return { memberHashes, disclosed };
}

/** An entry's members opened the compact way: the disclosed ones in full, every other one by its hash alone. */
export interface OpenedMembers {
  disclosed: DisclosedMember[];
  /** The hash of each member not disclosed, by name. */
  hidden: Record<string, string>;
}

/**
 * The payloadHash that opened members make (docs/ledger-format.md §7), or why they make none: each disclosed
 * member's leaf is recomputed from its name, value and salt, and with the hidden members' hashes gives the root.
 * The caller compares it with nothing: it goes into the envelope whose hash the checkpoint's tree proves.
 */
export async function openedPayloadHash(
  sha256: Sha256Hex<string | Promise<string>>,
  opened: OpenedMembers,
): Promise<{ payloadHash: string } | { problem: string }> {
  const hidden = opened?.hidden;
  if (typeof hidden !== 'object' || hidden === null || Array.isArray(hidden)) return { problem: 'hidden is not an object' };
  if (!Array.isArray(opened.disclosed)) return { problem: 'disclosed is not a list' };
  const leaves = new Map<string, string>();
  for (const name of Object.keys(hidden)) {
    if (!MEMBER_NAME_PATTERN.test(name)) return { problem: `member name ${JSON.stringify(name)} is not an identifier` };
    if (typeof hidden[name] !== 'string' || !HEX64.test(hidden[name])) return { problem: `the hash of member ${name} is not 32 bytes of lowercase hex` };
    leaves.set(name, hidden[name]);
  }
  for (const member of opened.disclosed) {
    const name = member?.name;
    if (typeof name !== 'string' || !MEMBER_NAME_PATTERN.test(name)) return { problem: `disclosed member name ${JSON.stringify(name)} is not an identifier` };
    if (leaves.has(name)) return { problem: `member ${name} is given twice` };
    if (typeof member.salt !== 'string' || !HEX32.test(member.salt)) return { problem: `the salt of member ${name} is not 16 bytes of lowercase hex` };
    let text: string;
    try {
      text = `"${name}":${canonicalJson(member.value, name)}`;
    } catch (err) {
      if (err instanceof CanonicalJsonError) return { problem: `member ${name}: ${err.message}` };
      throw err;
    }
    leaves.set(name, await sha256(memberLeafInput(hexBytes(member.salt), text)));
  }
  const names = [...leaves.keys()].sort();
  const payloadHash = await sha256(payloadRootInput(memberHashesText(names.map((name) => [name, leaves.get(name)!] as const))));
  return { payloadHash };
}

/** discloseMembers in the compact form: the hidden members by hash, the disclosed ones not repeated there. */
export function openMembers(sha256: Sha256Hex<string>, entrySalt: Uint8Array, canonicalPayload: string, isShown: (name: string) => boolean): OpenedMembers {
  const { memberHashes, disclosed } = discloseMembers(sha256, entrySalt, canonicalPayload, isShown);
  const shown = new Set(disclosed.map((m) => m.name));
  const hidden: Record<string, string> = {};
  for (const name of Object.keys(memberHashes)) {
    if (!shown.has(name)) Object.defineProperty(hidden, name, { value: memberHashes[name], enumerable: true, writable: true });
  }
  return { disclosed, hidden };
}
