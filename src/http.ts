import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';

/** Body size for GraphQL (recordEvents takes 1,000 events, each with up to 16 KiB of details) and EPCIS capture. */
export const MAX_REQUEST_BODY = '20mb';

/** HTTP settings shared by the service and the tests' copy of it. */
export function configureHttp(app: INestApplication): void {
  // EPCIS documents come as application/ld+json.
  (app as NestExpressApplication).useBodyParser('json', { limit: MAX_REQUEST_BODY, type: ['application/json', 'application/ld+json'] });
}
