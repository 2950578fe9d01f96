import { randomBytes } from 'node:crypto';

// The rules a serial and a list of them must meet live in serial-rules.ts (pure, also bundled into the console).
export { givenSerialsProblem, serialProblem } from './serial-rules.js';

/**
 * Serial numbers of units (GS1 AI 21). Minted ones are SERIAL_LENGTH characters of an alphabet without
 * the look-alikes 0/O and 1/I, every character from GS1's encodable set 82, so they print, scan and are
 * read aloud without mistakes. Each character is 5 random bits (crypto.randomBytes, 32 letters: no bias),
 * so a serial carries 80 bits: guessing another unit's serial from one seen is hopeless, and two lots of a
 * million units each collide with probability about 10^-12 (the database's unique index is the backstop).
 * Pure.
 */
export const UNIT_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const SERIAL_LENGTH = 16;

const ALPHABET_BYTES = Buffer.from(UNIT_ALPHABET, 'latin1');

/**
 * `count` random strings of `length` alphabet characters, end to end in one ASCII buffer: a million
 * serials as one 16 MB buffer rather than a million strings (the database takes them in that form too).
 */
export function mintCodes(count: number, length: number): Buffer {
  const out = randomBytes(count * length);
  for (let i = 0; i < out.length; i++) out[i] = ALPHABET_BYTES[out[i] & 31];
  return out;
}

export function mintSerials(count: number): Buffer {
  return mintCodes(count, SERIAL_LENGTH);
}

const RANK = new Uint8Array(256);
for (let i = 0; i < UNIT_ALPHABET.length; i++) RANK[UNIT_ALPHABET.charCodeAt(i)] = i;
/** Characters of a serial the order compares: 30 bits, with the position's 22 below them, within a double's 53. */
const ORDER_CHARACTERS = 6;
const POSITION_BITS = 2 ** 22;

/**
 * The positions of `count` minted serials in ascending order of serial (the alphabet is in ASCII order, so
 * this is the index's "C" order), compared by their first ORDER_CHARACTERS characters, ties in minted order
 * (a few hundred pairs in a million: a nearly sorted order is all it is for). Inserted in this order, a
 * million units fill the (gtin, serial) index page by page instead of at random, which roughly halves
 * PostgreSQL's work; the minted order, which the CSV and the serials tree keep, stays random.
 */
export function serialOrder(serials: Buffer, count: number): Uint32Array {
  if (count > POSITION_BITS) throw new Error(`serialOrder sorts at most ${POSITION_BITS} serials, got ${count}`);
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let key = 0;
    for (let j = 0; j < ORDER_CHARACTERS; j++) key = key * 32 + RANK[serials[i * SERIAL_LENGTH + j]];
    keys[i] = key * POSITION_BITS + i;
  }
  keys.sort();
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = keys[i] % POSITION_BITS;
  return order;
}

/** The i-th serial of a buffer mintSerials made. */
export function serialAt(serials: Buffer, index: number): string {
  return serials.toString('latin1', index * SERIAL_LENGTH, (index + 1) * SERIAL_LENGTH);
}

/**
 * Serials a producer gives (its own numbering) are stored GIVEN_SERIAL_WIDTH bytes each, right-padded
 * with spaces: AI 21 allows up to 20 characters of set 82, which has no space, so the padding is never
 * part of a serial and slices of the stored serials stay fixed-width (migrations/1767000000101).
 */
export const GIVEN_SERIAL_WIDTH = 20;
/** Serials one commissionUnits call may name (a GraphQL body of 100,000 serials is about 2.4 MB). */
export const MAX_GIVEN_SERIALS = 100_000;

/** The given serials, each padded to GIVEN_SERIAL_WIDTH, end to end. Every serial must have passed serialProblem. */
export function packSerials(serials: readonly string[]): Buffer {
  const out = Buffer.alloc(serials.length * GIVEN_SERIAL_WIDTH, 0x20);
  serials.forEach((serial, i) => out.write(serial, i * GIVEN_SERIAL_WIDTH, 'latin1'));
  return out;
}

/** The serials of a stored slice `width` bytes each (16: minted, 20: given and padded), without padding. */
export function unpackSerials(slice: Buffer, width: number): string[] {
  const out: string[] = [];
  for (let at = 0; at + width <= slice.length; at += width) out.push(slice.toString('latin1', at, at + width).trimEnd());
  return out;
}
