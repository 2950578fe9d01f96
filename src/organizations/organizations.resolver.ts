import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { CreateOrganizationInput } from './dto/create-organization.input.js';
import { OrganizationCredentialsModel } from './organization.model.js';
import { OrganizationsService } from './organizations.service.js';

@Resolver()
export class OrganizationsResolver {
  constructor(private readonly organizations: OrganizationsService) {}

  @Mutation(() => OrganizationCredentialsModel, { description: 'Admin only.' })
  createOrganization(@CurrentCaller() caller: Caller, @Args('input') input: CreateOrganizationInput): Promise<OrganizationCredentialsModel> {
    return this.organizations.create(caller, input);
  }
}
