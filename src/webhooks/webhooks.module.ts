import { Global, Module } from '@nestjs/common';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksResolver } from './webhooks.resolver.js';
import { WebhooksService } from './webhooks.service.js';

@Global()
@Module({ providers: [WebhooksRepository, WebhooksService, WebhooksResolver], exports: [WebhooksRepository] })
export class WebhooksModule {}
