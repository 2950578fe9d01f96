import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { ApiKeyModel, ApiKeySecretModel } from './api-key.model.js';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyInput } from './dto/create-api-key.input.js';

@Resolver()
export class ApiKeysResolver {
  constructor(private readonly keys: ApiKeysService) {}

  @Query(() => [ApiKeyModel], { description: "The caller's organization's API keys, newest first, revoked ones included." })
  apiKeys(@CurrentCaller() caller: Caller): Promise<ApiKeyModel[]> {
    return this.keys.list(caller);
  }

  @Mutation(() => ApiKeySecretModel, { description: "A new key for the caller's own organization; the secret is shown only here." })
  createApiKey(@CurrentCaller() caller: Caller, @Args('input') input: CreateApiKeyInput): Promise<ApiKeySecretModel> {
    return this.keys.create(caller, input.label);
  }

  @Mutation(() => ApiKeyModel, { description: 'Revokes one of your keys (not your last active one); the admin may revoke any key.' })
  revokeApiKey(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<ApiKeyModel> {
    return this.keys.revoke(caller, id);
  }
}
