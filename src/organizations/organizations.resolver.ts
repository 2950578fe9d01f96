import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { CreateOrganizationInput } from './dto/create-organization.input.js';
import { OrganizationCredentialsModel, OrganizationModel } from './organization.model.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { OrganizationsService } from './organizations.service.js';

@Resolver(() => OrganizationModel)
export class OrganizationsResolver {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly repository: OrganizationsRepository,
  ) {}

  @Query(() => OrganizationModel, { description: 'The admin and regulators: any organization; an organization: itself. Others are NOT_FOUND.' })
  organization(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<OrganizationModel> {
    return this.organizations.get(caller, id);
  }

  @Mutation(() => OrganizationCredentialsModel, { description: 'Admin only.' })
  createOrganization(@CurrentCaller() caller: Caller, @Args('input') input: CreateOrganizationInput): Promise<OrganizationCredentialsModel> {
    return this.organizations.create(caller, input);
  }

  @Mutation(() => LedgerEntryModel, { description: "Admin only: sets or changes an organization's GS1 company prefix (6–12 digits); one ledger entry." })
  async setGs1CompanyPrefix(
    @CurrentCaller() caller: Caller,
    @Args('organizationId', { type: () => ID }, new ParseUUIDPipe()) organizationId: string,
    @Args('gs1CompanyPrefix') gs1CompanyPrefix: string,
  ): Promise<LedgerEntryModel> {
    return LedgerEntryModel.from(await this.organizations.setGs1CompanyPrefix(caller, organizationId, gs1CompanyPrefix));
  }

  /** The organization itself, regulators and the admin: null for anyone else, as for an organization without one. */
  @ResolveField(() => String, { nullable: true, description: 'Its GS1 company prefix: shown to itself, regulators and the admin; null otherwise.' })
  async gs1CompanyPrefix(@Parent() organization: OrganizationModel, @CurrentCaller() caller: Caller): Promise<string | null> {
    const allowed =
      caller.kind === 'admin' || (caller.kind === 'organization' && (caller.organizationId === organization.id || caller.organizationKind === 'REGULATOR'));
    return allowed ? this.repository.gs1CompanyPrefix(organization.id) : null;
  }
}
