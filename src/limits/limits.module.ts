import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { SecurityHeadersMiddleware } from '../common/security-headers.js';
import { RateLimitMiddleware } from './limits.middleware.js';

@Module({})
export class LimitsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SecurityHeadersMiddleware, RateLimitMiddleware).forRoutes('*');
  }
}
