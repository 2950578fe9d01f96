/** Byte-level pieces the export verifier's fast path shares: it reads lines as UTF-8 bytes, never as strings. */

/** An ASCII text as its bytes, for matching and writing fixed parts of a line. */
export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

export const NULL = ascii('null');

/** Whether the bytes from `at` (stopping before `end`) begin with `text`. */
export function holds(bytes: Uint8Array, at: number, end: number, text: Uint8Array): boolean {
  if (at + text.length > end) return false;
  for (let k = 0; k < text.length; k++) if (bytes[at + k] !== text[k]) return false;
  return true;
}

/** Whether `length` bytes from `at` are lowercase hex digits. */
export function isLowerHex(bytes: Uint8Array, at: number, length: number): boolean {
  for (let k = at; k < at + length; k++) {
    const c = bytes[k];
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
