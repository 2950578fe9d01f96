import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { ApiKeyModel, ApiKeySecretModel } from './api-key.model.js';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyInput } from './dto/create-api-key.input.js';
import { OrganizationModel } from '../organizations/organization.model.js';

@Resolver()
export class ApiKeysResolver {
  constructor(private readonly keys: ApiKeysService) {}

  @Query(() => [ApiKeyModel], { description: "The caller's organization's API keys, newest first, revoked ones included." })
  apiKeys(@CurrentCaller() caller: Caller): Promise<ApiKeyModel[]> {
    return this.keys.list(caller);
  }

  @Mutation(() => ApiKeySecretModel, {
    description: "A new key for the caller's own organization, or, by the admin, for the organization it names; the secret is shown only here.",
  })
  createApiKey(@CurrentCaller() caller: Caller, @Args('input') input: CreateApiKeyInput): Promise<ApiKeySecretModel> {
    return this.keys.create(caller, input.label, input.organizationId);
  }

  @Mutation(() => ApiKeyModel, { description: 'Revokes one of your keys (not your last active one); the admin may revoke any key.' })
  revokeApiKey(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<ApiKeyModel> {
    return this.keys.revoke(caller, id);
  }
}

/** An organization's keys where an organization is shown: to itself and the admin only (a key's label and use are its own business). */
@Resolver(() => OrganizationModel)
export class OrganizationApiKeysResolver {
  constructor(private readonly keys: ApiKeysService) {}

  @ResolveField(() => [ApiKeyModel], {
    nullable: true,
    description: 'Its API keys, newest first, revoked ones included: shown to the organization itself and the admin; null to anyone else.',
  })
  apiKeys(@Parent() organization: OrganizationModel, @CurrentCaller() caller: Caller): Promise<ApiKeyModel[] | null> {
    return this.keys.listOf(caller, organization.id);
  }
}
