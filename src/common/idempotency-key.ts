import { applyDecorators } from '@nestjs/common';
import { IsOptional, Matches } from 'class-validator';

/** A client's idempotency key: 1–128 printable ASCII characters. */
export function IsIdempotencyKey() {
  return applyDecorators(IsOptional(), Matches(/^[\x21-\x7e]{1,128}$/, { message: 'idempotencyKey must be 1 to 128 printable ASCII characters' }));
}
