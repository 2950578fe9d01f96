import { gtinCheckDigit } from '../products/gtin.js';

/**
 * GS1 Serial Shipping Container Codes (AI 00, GS1 General Specifications §2.2.1): 18 digits, an
 * extension digit, the company prefix, a serial reference, and the GS1 mod-10 check digit (the GTIN's
 * rule, over 17 digits). Pure.
 */
export const SSCC_LENGTH = 18;

/** A GS1 company prefix: 6 to 12 digits (GS1 GenSpecs §1.4.4). */
export const GS1_COMPANY_PREFIX = /^\d{6,12}$/;

/** What is wrong with a GS1 company prefix, or null when it can be one. */
export function companyPrefixProblem(prefix: string): string | null {
  return GS1_COMPANY_PREFIX.test(prefix) ? null : `a GS1 company prefix is 6 to 12 digits, got ${JSON.stringify(prefix.slice(0, 20))}`;
}

/** What is wrong with an SSCC (length, digits, check digit), or null when it is one. */
export function ssccProblem(sscc: string): string | null {
  if (!/^\d+$/.test(sscc)) return `an SSCC is 18 digits, got ${JSON.stringify(sscc.slice(0, 40))}`;
  if (sscc.length !== SSCC_LENGTH) return `an SSCC is 18 digits, got ${sscc.length}`;
  const check = gtinCheckDigit(sscc.slice(0, 17));
  if (Number(sscc[17]) !== check) return `the check digit of SSCC ${sscc} should be ${check}, not ${sscc[17]}`;
  return null;
}

/** Whether a valid SSCC carries this company prefix (after its extension digit). */
export function ssccHasPrefix(sscc: string, prefix: string): boolean {
  return sscc.slice(1, 1 + prefix.length) === prefix;
}

/** How many SSCCs a company prefix numbers: 10 extension digits × the serial references its length leaves. */
export function ssccCapacity(prefix: string): bigint {
  return 10n ** BigInt(17 - prefix.length);
}

/**
 * The `n`th SSCC of a company prefix (n from 0): the serial reference counts up first, then the extension
 * digit, so the first 10^(16 − prefix length) are extension digit 0. Null when the prefix has no `n`th.
 */
export function nthSscc(prefix: string, n: bigint): string | null {
  if (n < 0n || n >= ssccCapacity(prefix)) return null;
  const referenceDigits = 16 - prefix.length;
  const per = 10n ** BigInt(referenceDigits);
  const body = `${n / per}${prefix}${(n % per).toString().padStart(referenceDigits, '0')}`;
  return `${body}${gtinCheckDigit(body)}`;
}

/** An SSCC as EPCIS names it (TDS 2.1 §6.3.2): urn:epc:id:sscc:<prefix>.<extension digit><serial reference>. */
export function ssccUrn(sscc: string, prefixLength: number): string {
  return `urn:epc:id:sscc:${sscc.slice(1, 1 + prefixLength)}.${sscc[0]}${sscc.slice(1 + prefixLength, 17)}`;
}
