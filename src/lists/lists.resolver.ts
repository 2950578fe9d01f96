import { Args, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ApiKeyModel } from '../api-keys/api-key.model.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import { AuthRepository } from '../auth/auth.repository.js';
import type { Caller } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { OrganizationKindEnum, RecallStatusEnum } from '../graphql/enums.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import {
  BatchConnection,
  BatchFilterInput,
  FacilityConnection,
  OrganizationConnection,
  ProductConnection,
  RecallConnection,
  ViewerModel,
} from './connection.models.js';
import { ListsService } from './lists.service.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page.js';

const PAGE = `at most \`first\` (1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}) after the \`after\` cursor, newest first`;
const first = () => Args('first', { type: () => Int, nullable: true });
const after = () => Args('after', { type: () => String, nullable: true });

@Resolver()
export class ListsResolver {
  constructor(
    private readonly lists: ListsService,
    private readonly organizationRows: OrganizationsRepository,
  ) {}

  @Query(() => ViewerModel, { description: "Any key: the caller's organization and what it owns." })
  async viewer(@CurrentCaller() caller: Caller): Promise<ViewerModel> {
    if (caller.kind === 'anonymous') throw new DomainError('AUTHENTICATION_REQUIRED', 'viewer needs an API key (Authorization: Bearer <key>)');
    if (caller.kind === 'admin') return { organizationId: null, organization: null };
    return { organizationId: caller.organizationId, organization: await this.organizationRows.findById(caller.organizationId) };
  }

  @Query(() => BatchConnection, { description: `Regulators and admin: batches across organizations matching the filter, ${PAGE}.` })
  batches(
    @CurrentCaller() caller: Caller,
    @first() first?: number,
    @after() after?: string,
    @Args('filter', { type: () => BatchFilterInput, nullable: true }) filter?: BatchFilterInput,
  ) {
    return this.lists.allBatches(caller, filter ?? {}, { first, after });
  }

  @Query(() => RecallConnection, { description: `Regulators and admin: recalls, ${PAGE}.` })
  recalls(
    @CurrentCaller() caller: Caller,
    @first() first?: number,
    @after() after?: string,
    @Args('status', { type: () => RecallStatusEnum, nullable: true }) status?: string,
  ) {
    return this.lists.recallPage(caller, status, { first, after });
  }

  @Query(() => OrganizationConnection, { description: `Regulators and admin: organizations, of one kind if given, ${PAGE}.` })
  organizations(
    @CurrentCaller() caller: Caller,
    @first() first?: number,
    @after() after?: string,
    @Args('kind', { type: () => OrganizationKindEnum, nullable: true }) kind?: OrganizationKind,
  ) {
    return this.lists.organizations(caller, kind, { first, after });
  }
}

/** The viewer's own lists: its organization is the one the key proved, never an argument. */
@Resolver(() => ViewerModel)
export class ViewerResolver {
  constructor(
    private readonly lists: ListsService,
    private readonly keys: AuthRepository,
  ) {}

  @ResolveField(() => FacilityConnection, { description: `Your organization's facilities, ${PAGE}.` })
  facilities(@Parent() viewer: ViewerModel, @first() first?: number, @after() after?: string) {
    return this.lists.viewerFacilities(viewer.organizationId, { first, after });
  }

  @ResolveField(() => ProductConnection, { description: `Your organization's products, ${PAGE}.` })
  products(@Parent() viewer: ViewerModel, @first() first?: number, @after() after?: string) {
    return this.lists.viewerProducts(viewer.organizationId, { first, after });
  }

  @ResolveField(() => BatchConnection, { description: `Batches your organization made or holds now, matching the filter, ${PAGE}.` })
  batches(
    @Parent() viewer: ViewerModel,
    @first() first?: number,
    @after() after?: string,
    @Args('filter', { type: () => BatchFilterInput, nullable: true }) filter?: BatchFilterInput,
  ) {
    return this.lists.viewerBatches(viewer.organizationId, filter ?? {}, { first, after });
  }

  @ResolveField(() => [ApiKeyModel], { description: "Your organization's API keys, newest first, revoked ones included (empty for the admin key)." })
  apiKeys(@Parent() viewer: ViewerModel) {
    return viewer.organizationId ? this.keys.keysOf(viewer.organizationId) : [];
  }
}
