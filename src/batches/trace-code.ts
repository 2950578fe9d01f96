import { randomInt } from 'node:crypto';

/** Digits and capitals with the look-alikes 0/O, 1/I/L and U/V left out: easy to read off a label and type. */
export const TRACE_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ';
export const TRACE_CODE_LENGTH = 12;

/** 12 characters from 29: 58 bits of randomness, uniform (randomInt rejects biased draws). */
export function mintTraceCode(): string {
  let code = '';
  for (let i = 0; i < TRACE_CODE_LENGTH; i++) code += TRACE_CODE_ALPHABET[randomInt(TRACE_CODE_ALPHABET.length)];
  return code;
}

export const TRACE_CODE_PATTERN = new RegExp(`^[${TRACE_CODE_ALPHABET}]{${TRACE_CODE_LENGTH}}$`);
