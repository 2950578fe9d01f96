/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character set (no I, O, Z, S, V); the
 * last is a check character over the first 17, weighted 3^i mod 31.
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccProblem(value: string): string | null {
  if (value.length !== 18) return `a USCC has 18 characters, got ${value.length}`;
  for (const ch of value) {
    if (!CHARSET.includes(ch)) return `"${ch}" is not a USCC character (digits and capital letters except I, O, Z, S, V)`;
  }
  const sum = WEIGHTS.reduce((acc, w, i) => acc + CHARSET.indexOf(value[i]) * w, 0);
  const expected = CHARSET[(31 - (sum % 31)) % 31];
  if (value[17] !== expected) return `the check character should be ${expected}, not ${value[17]}`;
  return null;
}
