import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches } from 'class-validator';
import { PRINTABLE, TRIMMED } from './plain-text.js';

/** Printable text: no control characters, no bidirectional overrides, no lone surrogates, trimmed length in range. */
export function IsPlainText(min: number, max: number) {
  return applyDecorators(
    IsString(),
    Length(min, max),
    Matches(PRINTABLE, { message: ({ property }) => `${property} must not contain control characters, direction overrides or lone surrogates` }),
    Matches(TRIMMED, { message: ({ property }) => `${property} must not start or end with white space` }),
  );
}
