import { Args, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ApiKeyModel } from '../api-keys/api-key.model.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import { AuthRepository } from '../auth/auth.repository.js';
import type { Caller } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { OrganizationKindEnum, RecallStatusEnum } from '../graphql/enums.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { MAX_ENTRIES_PAGE } from '../ledger/ledger.service.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import {
  BatchConnection,
  BatchFilterInput,
  FacilityConnection,
  LedgerEntryConnection,
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

  @Query(() => BatchConnection, {
    description:
      `Regulators and admin: batches across organizations matching the filter, ${PAGE}. ` +
      'Labs: only with a filter that names one lot — { traceCode } or { gtin, lotCode } — to find the lot they inspect ' +
      '(any other filter is refused, LOT_LOOKUP_ONLY).',
  })
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

  @Query(() => BatchConnection, {
    description: `Admin or regulator: batches with cold-chain excursions, ${PAGE} (batchesWithExcursions as a connection, so it pages past 1,000).`,
  })
  batchesWithExcursionsConnection(@CurrentCaller() caller: Caller, @first() first?: number, @after() after?: string) {
    return this.lists.excursionBatches(caller, { first, after });
  }

  @Query(() => LedgerEntryConnection, {
    description:
      `Admin or regulator: the ledger oldest first, at most \`first\` (1–${MAX_ENTRIES_PAGE}, default 100) entries after the \`after\` cursor ` +
      '(ledgerEntries as a connection).',
  })
  async ledgerEntriesConnection(@CurrentCaller() caller: Caller, @first() first?: number, @after() after?: string) {
    const page = await this.lists.ledgerEntries(caller, { first, after });
    return { ...page, edges: page.edges.map(({ cursor, node }) => ({ cursor, node: LedgerEntryModel.from(node) })) };
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

  @ResolveField(() => BatchConnection, {
    description:
      `Batches in transit to your organization (shipped to it, not yet received), ${PAGE.replace('newest first', 'newest shipment first')}: ` +
      'each with its shipment (who shipped it, when, how much); you read each as its custodian does until you receive it.',
  })
  inboundBatches(@Parent() viewer: ViewerModel, @first() first?: number, @after() after?: string) {
    return this.lists.viewerInboundBatches(viewer.organizationId, { first, after });
  }

  @ResolveField(() => RecallConnection, {
    description:
      'The recalls your organization reads with recall(id), found without knowing their ids: those reaching a batch it made, holds, ' +
      `has in transit to it or holds units of (a package of them received), and those it started; of one status if given, ${PAGE}.`,
  })
  recalls(
    @CurrentCaller() caller: Caller,
    @Parent() viewer: ViewerModel,
    @first() first?: number,
    @after() after?: string,
    @Args('status', { type: () => RecallStatusEnum, nullable: true }) status?: string,
  ) {
    return this.lists.viewerRecalls(caller, viewer.organizationId, status, { first, after });
  }

  @ResolveField(() => [ApiKeyModel], { description: "Your organization's API keys, newest first, revoked ones included (empty for the admin key)." })
  apiKeys(@Parent() viewer: ViewerModel) {
    return viewer.organizationId ? this.keys.keysOf(viewer.organizationId) : [];
  }
}
