import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('ApiKey', { description: "One of an organization's API keys; its secret is never shown after creation." })
export class ApiKeyModel {
  @Field(() => ID) id: string;
  @Field() label: string;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) revokedAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the key was last used, to the minute' }) lastUsedAt: Date | null;
}

@ObjectType('ApiKeySecret', { description: 'Returned once, when a key is created: the secret is never shown again.' })
export class ApiKeySecretModel {
  @Field(() => ApiKeyModel) apiKey: ApiKeyModel;
  @Field() secret: string;
}
