import { Args, Field, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { WebhookDeliveryModel } from './webhook-delivery.model.js';
import { WebhooksService } from './webhooks.service.js';

@ObjectType('WebhookRegistration', {
  description: 'Returned once: the secret that signs every delivery (x-suyuan-signature: sha256=<HMAC-SHA256 of the body>).',
})
export class WebhookRegistrationModel {
  @Field() url: string;
  @Field() secret: string;
}

@Resolver()
export class WebhooksResolver {
  constructor(private readonly webhooks: WebhooksService) {}

  @Mutation(() => WebhookRegistrationModel, {
    description:
      'Your organization’s endpoint for recall notices (replaces an earlier one): an https URL of at most 2,000 characters ' +
      'on a public address (no loopback, private, link-local or other internal host). Redirects are not followed.',
  })
  registerWebhook(@CurrentCaller() caller: Caller, @Args('url') url: string): Promise<WebhookRegistrationModel> {
    return this.webhooks.register(caller, url);
  }

  @Query(() => [WebhookDeliveryModel], { description: 'Your organization’s latest 50 webhook deliveries, newest first.' })
  webhookDeliveries(@CurrentCaller() caller: Caller): Promise<WebhookDeliveryModel[]> {
    return this.webhooks.deliveries(caller);
  }
}
