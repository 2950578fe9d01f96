/**
 * What a lot code may be. It is printed on labels, typed by people and compared byte for byte, so two
 * codes that look the same must be the same: a lot code is printable ASCII (letters, digits,
 * punctuation, single spaces inside) and Chinese characters (CJK unified ideographs), nothing else —
 * no invisible or formatting characters (zero-width, direction controls, variation selectors, tags),
 * no combining marks, no other spaces, and no letters or digits of other scripts or full-width forms,
 * which can pass for ASCII ones (Cyrillic а, Greek Ο, full-width Ａ). Under a GTIN the lot is GS1's
 * AI (10): 1 to 20 characters of GS1's AI encodable character set 82 (General Specifications §7.11).
 */

/** A producer's own codes run longer than GS1's 20. */
export const MAX_LOT_CODE_LENGTH = 64;
export const GS1_LOT_MAX_LENGTH = 20;

const ALLOWED = /^[\x20-\x7e]$|^\p{Unified_Ideograph}$/u;
const ALLOWED_TEXT = 'a lot code is printable ASCII (letters, digits, punctuation, single spaces inside) or Chinese characters';
/** GS1 AI encodable character set 82: digits, letters and ! " % & ' ( ) * + , - . / : ; < = > ? _ */
const GS1_SET_82 = /^[0-9A-Za-z!"%&'()*+,\-./:;<=>?_]$/;
const GS1_SET_82_TEXT = `letters, digits and ! " % & ' ( ) * + , - . / : ; < = > ? _`;

/** The first problem with a lot code, naming the character by code point (never echoing an invisible one); null when it is allowed. */
export function lotCodeProblem(lotCode: string, underGtin: boolean): string | null {
  const chars = [...lotCode];
  if (chars.length < 1 || chars.length > MAX_LOT_CODE_LENGTH) return `a lot code is 1 to ${MAX_LOT_CODE_LENGTH} characters, got ${chars.length}`;
  for (const [i, ch] of chars.entries()) {
    if (!ALLOWED.test(ch)) {
      return `${codePoint(ch)} at position ${i + 1} is ${whatItIs(ch)}: ${ALLOWED_TEXT}`;
    }
  }
  if (chars[0] === ' ' || chars.at(-1) === ' ') return 'a lot code must not start or end with a space';
  if (lotCode.includes('  ')) return 'a lot code must not have two spaces in a row';
  if (!underGtin) return null;
  const gs1 = gs1LotCodeProblem(lotCode);
  return gs1 && `the product has a GTIN, so its lot code is GS1's AI (10): ${gs1}`;
}

/**
 * What keeps a lot code from being GS1's AI (10) — at most 20 characters of the encodable character set 82
 * (General Specifications §7.11, figure 7.11-1) — or null when it is one, so a GS1 Digital Link may carry it.
 */
export function gs1LotCodeProblem(lotCode: string): string | null {
  const chars = [...lotCode];
  if (chars.length < 1) return 'at least 1 character, got none';
  if (chars.length > GS1_LOT_MAX_LENGTH) return `at most ${GS1_LOT_MAX_LENGTH} characters, got ${chars.length}`;
  const outside = chars.findIndex((ch) => !GS1_SET_82.test(ch));
  if (outside >= 0) return `${codePoint(chars[outside])} at position ${outside + 1} is not one of ${GS1_SET_82_TEXT}`;
  return null;
}

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function whatItIs(ch: string): string {
  if (/\p{Cc}/u.test(ch)) return 'a control character';
  if (/\p{Cs}/u.test(ch)) return 'a lone surrogate';
  if (/\p{Cf}/u.test(ch)) return 'an invisible formatting character (zero-width, direction control or tag)';
  if (/\p{M}/u.test(ch)) return 'a combining mark or variation selector';
  if (/\p{Z}/u.test(ch)) return 'a space other than the ASCII one';
  if (/[\uff01-\uff5e]/u.test(ch)) return 'a full-width form of an ASCII character';
  if (/[\p{L}\p{N}]/u.test(ch)) return 'a letter or digit outside ASCII and Chinese characters, which can pass for an ASCII one';
  return 'a character outside printable ASCII and Chinese characters';
}
