import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { refuseInvalidUtf8 } from './common/utf8-body.js';
import { requestLogging } from './logging/request-logging.middleware.js';

/** Body size for GraphQL (recordEvents takes 1,000 events, each with up to 16 KiB of details) and EPCIS capture. */
export const MAX_REQUEST_BODY = '20mb';

/** HTTP settings shared by the service and the tests' copy of it. */
export function configureHttp(app: INestApplication): void {
  // First, so that every request, one the body parser refuses too, gets its id and its log line.
  app.use(requestLogging);
  // Nothing in an answer names the framework it runs on.
  (app as NestExpressApplication).disable('x-powered-by');
  // EPCIS documents come as application/ld+json.
  (app as NestExpressApplication).useBodyParser('json', {
    limit: MAX_REQUEST_BODY,
    type: ['application/json', 'application/ld+json'],
    ...{ verify: refuseInvalidUtf8 },
  });
}
