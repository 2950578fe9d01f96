import { Args, Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { requestLoader } from '../graphql/request-loader.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { ViewerModel } from '../lists/connection.models.js';
import { type Connection, decodeCursor, pageSize, toConnection } from '../lists/page.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../lists/page.js';
import { OrganizationModel } from '../organizations/organization.model.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { PackageConnection, PackageModel } from './package.models.js';
import { type ListedPackage, type PackageListKind, PackagesRepository } from './packages.repository.js';

const PAGE = `At most \`first\` (1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}) after the \`after\` cursor, newest packing first`;
const first = () => Args('first', { type: () => Int, nullable: true });
const after = () => Args('after', { type: () => String, nullable: true });

/**
 * The viewer's packages: those in its custody (what it may pack, unpack and ship) and those shipped to it
 * (what it may receive). Its organization is the one the key proved, never an argument, so a list holds
 * exactly the packages packUnits, shipPackage, unpack and receivePackage would let it act on; the admin
 * key owns none.
 */
@Resolver(() => ViewerModel)
export class ViewerPackagesResolver {
  constructor(
    private readonly rows: PackagesRepository,
    private readonly ledger: LedgerRepository,
  ) {}

  @ResolveField(() => PackageConnection, {
    description: `Packages in your custody (packed by you or received), shipped ones until their receiver receives them; emptied ones are left out. ${PAGE}.`,
  })
  packages(@Parent() viewer: ViewerModel, @first() first?: number, @after() after?: string) {
    return this.page(viewer.organizationId, 'custody', first, after);
  }

  @ResolveField(() => PackageConnection, { description: `Packages shipped to you and not yet received: what receivePackage takes. ${PAGE}.` })
  inboundPackages(@Parent() viewer: ViewerModel, @first() first?: number, @after() after?: string) {
    return this.page(viewer.organizationId, 'inbound', first, after);
  }

  private async page(organizationId: string | null, kind: PackageListKind, first?: number | null, after?: string | null): Promise<Connection<PackageModel>> {
    const size = pageSize(first);
    const cursorKind = kind === 'custody' ? 'package' : 'inboundPackage';
    // The list is the organization's own: its cursors carry whose list it is, so one organization's cursor is refused by another's.
    const scope = { organizationId };
    const afterSeq = after === undefined || after === null ? null : Number(decodeCursor(cursorKind, scope, after).seq);
    if (!organizationId) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    const rows = await this.rows.listOf(organizationId, kind, afterSeq, size + 1);
    const page = toConnection(cursorKind, scope, rows, size, (row) => ({ seq: String(row.packedSeq), id: '' }));
    // The packing entries of the whole page in one statement.
    const entries = new Map((await this.ledger.findBySeqs(page.edges.map((e) => e.node.packedSeq))).map((entry) => [entry.seq, entry]));
    return { ...page, edges: page.edges.map(({ cursor, node }) => ({ cursor, node: asModel(node, LedgerEntryModel.from(entries.get(node.packedSeq)!)) })) };
  }
}

function asModel(p: ListedPackage, entry: LedgerEntryModel): PackageModel {
  return {
    sscc: p.sscc,
    childCount: p.childCount,
    parentSscc: p.parentSscc,
    entry,
    status: p.status,
    custodianId: p.custodianId,
    inTransitToId: p.inTransitToId,
    packerId: p.organizationId,
  };
}

/**
 * A package's organizations, read only when asked for (names are public, as a lot's custodian's are), through
 * the request's organization loader: a page of packages costs one query for all of them, as Batch.custodian does.
 */
@Resolver(() => PackageModel)
export class PackageFieldsResolver {
  constructor(private readonly organizations: OrganizationsRepository) {}

  private load(context: { req: object }, id: string): Promise<OrganizationModel> {
    return requestLoader(context.req, 'organization', (ids) => this.organizations.findByIds(ids))
      .load(id)
      .then((o) => o!);
  }

  @ResolveField(() => OrganizationModel, { description: 'Who holds it: its packer until a receiver received it' })
  custodian(@Parent() p: PackageModel, @Context() context: { req: object }): Promise<OrganizationModel> {
    return this.load(context, p.custodianId);
  }

  @ResolveField(() => OrganizationModel, { nullable: true, description: 'Where it was shipped, while IN_TRANSIT; else null' })
  inTransitTo(@Parent() p: PackageModel, @Context() context: { req: object }): Promise<OrganizationModel> | null {
    return p.inTransitToId ? this.load(context, p.inTransitToId) : null;
  }

  @ResolveField(() => OrganizationModel, { description: 'The organization that packed it' })
  packer(@Parent() p: PackageModel, @Context() context: { req: object }): Promise<OrganizationModel> {
    return this.load(context, p.packerId);
  }
}
