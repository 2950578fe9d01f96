import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { OrganizationModel } from '../organizations/organization.model.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { RegisterFacilityInput } from './dto/register-facility.input.js';
import { FacilityModel } from './facility.model.js';
import { FacilitiesService } from './facilities.service.js';

@Resolver(() => FacilityModel)
export class FacilitiesResolver {
  constructor(
    private readonly facilities: FacilitiesService,
    private readonly organizations: OrganizationsRepository,
  ) {}

  @Mutation(() => FacilityModel, { description: 'An organization registers one of its own facilities.' })
  registerFacility(@CurrentCaller() caller: Caller, @Args('input') input: RegisterFacilityInput): Promise<FacilityModel> {
    return this.facilities.register(caller, input);
  }

  @ResolveField(() => OrganizationModel)
  async organization(@Parent() facility: FacilityModel): Promise<OrganizationModel> {
    return (await this.organizations.findById(facility.organizationId))!;
  }
}
