/**
 * GS1 GTIN-8, -12, -13 or -14 with its check digit (GS1 General Specifications §7.9), normalised
 * to GTIN-14 as GS1 Digital Link writes it. Returns null when the value is not a valid GTIN.
 */
export function normalizeGtin(value: string): string | null {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(value)) return null;
  const gtin14 = value.padStart(14, '0');
  return gtinCheckDigit(gtin14.slice(0, 13)) === Number(gtin14[13]) ? gtin14 : null;
}

/** Weights 3 and 1 alternate from the rightmost digit of the body. */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const weight = (body.length - i) % 2 === 1 ? 3 : 1;
    sum += Number(body[i]) * weight;
  }
  return (10 - (sum % 10)) % 10;
}
