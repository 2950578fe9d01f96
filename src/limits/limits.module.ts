import { Module } from '@nestjs/common';
import { RateLimitMiddleware } from './limits.middleware.js';
import { QueryLimitsPlugin } from './query-limits.plugin.js';

/** The rate limits (src/http.ts puts them in the request's path, before the body parser) and the query cost limits. */
@Module({
  providers: [RateLimitMiddleware, QueryLimitsPlugin],
  exports: [RateLimitMiddleware],
})
export class LimitsModule {}
