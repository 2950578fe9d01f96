import { Module } from '@nestjs/common';
import { RateLimitMiddleware } from './limits.middleware.js';

/** The rate limits; src/http.ts puts them in the request's path, before the body parser. */
@Module({
  providers: [RateLimitMiddleware],
  exports: [RateLimitMiddleware],
})
export class LimitsModule {}
