import { BadRequestException } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';

/**
 * body-parser's `verify` hook: a JSON body must be UTF-8 (RFC 8259 §8.1). Without it, invalid bytes
 * were decoded to U+FFFD and stored in their place, so what the ledger kept was not what was sent.
 * (Nest's option types leave `verify` out, as Nest uses it for `rawBody`, which this service does not
 * turn on; src/http.ts spreads it in.)
 */
export function refuseInvalidUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw new BadRequestException('the request body is not valid UTF-8');
}
