/** No control characters, no bidirectional overrides, no lone surrogates (PostgreSQL would store U+FFFD instead). */
export const PRINTABLE = /^[^\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]*$/u;
export const TRIMMED = /^\S(.*\S)?$/su;

/** What IsPlainText accepts, for text that arrives outside an input class (a URL path, an EPCIS identifier). */
export function isPlainText(value: string, min: number, max: number): boolean {
  const length = [...value].length; // as class-validator's Length counts: a surrogate pair is one character
  return length >= min && length <= max && PRINTABLE.test(value) && TRIMMED.test(value);
}
