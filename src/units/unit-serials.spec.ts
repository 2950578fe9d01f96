import { describe, expect, it } from '@jest/globals';
import {
  givenSerialsProblem,
  mintSerials,
  packSerials,
  SERIAL_LENGTH,
  serialAt,
  serialOrder,
  serialProblem,
  UNIT_ALPHABET,
  unpackSerials,
} from './unit-serials.js';

describe('unit serials', () => {
  it('mints serials of the unambiguous alphabet that are valid GS1 AI 21 values', () => {
    const serials = mintSerials(1000);
    expect(serials.length).toBe(1000 * SERIAL_LENGTH);
    for (let i = 0; i < 1000; i++) {
      const serial = serialAt(serials, i);
      expect(serial).toMatch(/^[2-9A-HJ-NP-Z]{16}$/);
      expect(serialProblem(serial)).toBeNull();
    }
    expect(UNIT_ALPHABET).toHaveLength(32);
    expect(UNIT_ALPHABET).not.toMatch(/[01IO]/);
  });

  it('mints serials that are not sequential nor repeated, each character used about equally', () => {
    const serials = mintSerials(20_000);
    const seen = new Set(Array.from({ length: 20_000 }, (_, i) => serialAt(serials, i)));
    expect(seen.size).toBe(20_000);
    const counts = new Map<number, number>();
    for (const byte of serials) counts.set(byte, (counts.get(byte) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // 10,000 expected per letter; ±5 % is over 9 standard deviations.
    for (const n of counts.values()) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });

  it('refuses serials outside AI 21: too long, empty, or characters outside set 82', () => {
    expect(serialProblem('A'.repeat(20))).toBeNull();
    expect(serialProblem('AZaz09!"%&\'()*+,-./:')).toBeNull();
    expect(serialProblem('A'.repeat(21))).toMatch(/AI 21/);
    expect(serialProblem('')).toMatch(/AI 21/);
    expect(serialProblem('ABC DEF')).toMatch(/AI 21/);
    expect(serialProblem('序列号')).toMatch(/AI 21/);
    expect(serialProblem('ABC#')).toMatch(/AI 21/);
  });

  it('stores given serials 20 bytes each, space-padded, and reads them back as given (set 82 has no space)', () => {
    const given = ['2017', 'A,B"1', '12345678901234567890', 'x'];
    const packed = packSerials(given);
    expect(packed.length).toBe(80);
    expect(packed.toString('latin1', 0, 20)).toBe('2017                ');
    expect(unpackSerials(packed, 20)).toEqual(given);
    expect(unpackSerials(packed.subarray(20, 60), 20)).toEqual(['A,B"1', '12345678901234567890']);
    // Minted serials read the same way at their own width.
    const minted = mintSerials(3);
    expect(unpackSerials(minted, SERIAL_LENGTH)).toEqual([0, 1, 2].map((i) => serialAt(minted, i)));
  });

  it('names the first given serial outside AI 21 or repeated, with its place', () => {
    expect(givenSerialsProblem(['A', 'B'])).toBeNull();
    expect(givenSerialsProblem(['A', ''])).toMatch(/^serials\[1\]: serial "" is not a GS1 serial number/);
    expect(givenSerialsProblem(['A', 'has space'])).toMatch(/^serials\[1\]: /);
    expect(givenSerialsProblem(['A', 'B', 'A'], 'events[2].serials')).toBe('events[2].serials[2]: serial "A" is named twice (also events[2].serials[0])');
  });

  it('orders minted serials as the index sorts them, each position once, the minted buffer untouched', () => {
    const serials = mintSerials(5000);
    const minted = Buffer.from(serials);
    const order = serialOrder(serials, 5000);
    expect(new Set(order).size).toBe(5000);
    expect(Math.max(...order)).toBe(4999);
    const inOrder = Array.from(order, (p) => serialAt(serials, p));
    // Compared on the characters the order reads; equal prefixes (rare) may come in either order.
    const prefixes = inOrder.map((s) => s.slice(0, 6));
    expect(prefixes).toEqual([...prefixes].sort());
    expect(serials).toEqual(minted);
  });

  it('sorts serials sharing a prefix too, and by the alphabet in ASCII order', () => {
    const serials = Buffer.from(['ZZZZZZ2222222222', '222222ZZZZZZZZZZ', '222222AAAAAAAAAA', '9AAAAAAAAAAAAAAA'].join(''), 'latin1');
    expect(Array.from(serialOrder(serials, 4))).toEqual([1, 2, 3, 0]);
  });
});
