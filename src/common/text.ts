import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches } from 'class-validator';

/** Printable text: no control characters, no bidirectional overrides, trimmed length in range. */
export function IsPlainText(min: number, max: number) {
  return applyDecorators(
    IsString(),
    Length(min, max),
    Matches(/^[^\p{Cc}\u202a-\u202e\u2066-\u2069]*$/u, { message: ({ property }) => `${property} must not contain control characters or direction overrides` }),
    Matches(/^\S(.*\S)?$/su, { message: ({ property }) => `${property} must not start or end with white space` }),
  );
}
