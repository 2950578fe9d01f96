import { gtinCheckDigit } from '../products/gtin.js';

/** A GS1 Global Location Number: 13 digits, the last a check digit computed as a GTIN's is. */
export function isValidGln(value: string): boolean {
  return /^\d{13}$/.test(value) && gtinCheckDigit(value.slice(0, 12)) === Number(value[12]);
}
