import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { SecurityHeadersMiddleware } from '../common/security-headers.js';
import { RateLimitMiddleware } from './limits.middleware.js';
import { QueryLimitsPlugin } from './query-limits.plugin.js';

@Module({ providers: [QueryLimitsPlugin] })
export class LimitsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SecurityHeadersMiddleware, RateLimitMiddleware).forRoutes('*');
  }
}
