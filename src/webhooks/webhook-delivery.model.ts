import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum WebhookDeliveryStatus {
  DELIVERED = 'DELIVERED',
  RETRYING = 'RETRYING',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'DELIVERED: the endpoint answered 2xx. RETRYING: not yet, tried again at nextAttemptAt. FAILED: every attempt failed; no more are made.',
});

@ObjectType('WebhookDelivery', {
  description: 'One notice sent (or being sent) to your webhook; a refused destination, a timeout or a redirect shows as lastError.',
})
export class WebhookDeliveryModel {
  @Field(() => ID, { description: 'The x-suyuan-delivery header of each attempt' }) id: string;
  @Field() createdAt: Date;
  @Field(() => WebhookDeliveryStatus) status: WebhookDeliveryStatus;
  @Field(() => Int) attempts: number;
  @Field(() => Date, { nullable: true }) deliveredAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the next attempt is due (RETRYING only)' }) nextAttemptAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Why the latest failed attempt failed' }) lastError: string | null;
}
