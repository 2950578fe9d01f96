import { Injectable } from '@nestjs/common';
import { type Caller, requireAdminOr } from '../auth/caller.js';
import type { StoredBatch } from '../batches/batch-row.js';
import { DomainError } from '../common/domain-error.js';
import type { LedgerEntry } from '../ledger/ledger-entry.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { MAX_ENTRIES_PAGE } from '../ledger/ledger.service.js';
import type { Facility } from '../facilities/facilities.repository.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import { type Organization, OrganizationsRepository } from '../organizations/organizations.repository.js';
import { type Product, ProductsRepository } from '../products/products.repository.js';
import { RecallsService, type RecallView } from '../recalls/recalls.service.js';
import { type BatchQuery, type Keyed, ListsRepository } from './lists.repository.js';
import { namesOneLot } from './lot-lookup.js';
import { type Connection, type CursorKind, type CursorScope, decodeCursor, type PageKey, pageSize, toConnection } from './page.js';

/** The ledger's pages are as ledgerEntries has always served them: 100 entries unless asked, at most 1,000. */
const DEFAULT_ENTRIES_PAGE = 100;

/** A page request as GraphQL passes it. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/**
 * Who may list what. A viewer's lists are its own organization's (the admin key has none, so they are
 * empty); the lists across organizations are for regulators and the admin. Batches are listed as rows
 * and leave here as Batch nodes, so the schema's field rule (batch-field-policy) withholds their
 * private fields exactly as it does under batch(id).
 */
@Injectable()
export class ListsService {
  constructor(
    private readonly lists: ListsRepository,
    private readonly recalls: RecallsService,
    private readonly ledger: LedgerRepository,
    private readonly products: ProductsRepository,
    private readonly organizationRows: OrganizationsRepository,
  ) {}

  viewerBatches(organizationId: string | null, filter: Omit<BatchQuery, 'partyId'>, args: PageArgs): Promise<Connection<StoredBatch>> {
    if (!organizationId) return Promise.resolve(emptyConnection());
    return this.batchPage({ ...filter, partyId: organizationId }, args);
  }

  /** The batches in transit to the viewer's organization (it reads each as its custodian does: batches/batch-access.ts), newest shipment first. */
  viewerInboundBatches(organizationId: string | null, args: PageArgs): Promise<Connection<StoredBatch>> {
    if (!organizationId) return Promise.resolve(emptyConnection());
    return this.pageOf('inboundBatch', { organizationId }, args, (after, limit) => this.lists.inboundBatches(organizationId, after, limit));
  }

  /** The recalls the viewer's organization may read (recall(id)'s rule), each as recall(id) answers it. */
  async viewerRecalls(caller: Caller, organizationId: string | null, status: string | undefined, args: PageArgs): Promise<Connection<RecallView>> {
    if (!organizationId) return emptyConnection();
    const ids = await this.pageOf('recall', { status, organizationId }, args, (after, limit) => this.lists.recallIdsOf(organizationId, status, after, limit));
    return this.recallViews(caller, ids);
  }

  viewerFacilities(organizationId: string | null, args: PageArgs): Promise<Connection<Facility>> {
    return organizationId
      ? this.pageOf('facility', { organizationId }, args, (after, limit) => this.lists.facilitiesOf(organizationId, after, limit))
      : Promise.resolve(emptyConnection());
  }

  viewerProducts(organizationId: string | null, args: PageArgs): Promise<Connection<Product>> {
    return organizationId
      ? this.pageOf('product', { organizationId }, args, (after, limit) => this.lists.productsOf(organizationId, after, limit))
      : Promise.resolve(emptyConnection());
  }

  allBatches(caller: Caller, filter: Omit<BatchQuery, 'partyId'>, args: PageArgs): Promise<Connection<StoredBatch>> {
    // A lab finds the one lot it is about to inspect (it reads any batch by id already), but does not browse.
    if (caller.kind === 'organization' && caller.organizationKind === 'LAB') {
      if (!namesOneLot(filter))
        throw new DomainError('LOT_LOOKUP_ONLY', 'a LAB lists batches only by a filter that names one lot: { traceCode } or { gtin, lotCode }, nothing else');
    } else requireAdminOr(caller, ['REGULATOR'], 'batches (across organizations)');
    return this.batchPage(filter, args);
  }

  organizations(caller: Caller, kind: OrganizationKind | undefined, args: PageArgs): Promise<Connection<Organization>> {
    requireAdminOr(caller, ['REGULATOR'], 'organizations');
    return this.pageOf('organization', { kind }, args, (after, limit) => this.lists.organizations(kind, after, limit));
  }

  async recallPage(caller: Caller, status: string | undefined, args: PageArgs): Promise<Connection<RecallView>> {
    requireAdminOr(caller, ['REGULATOR'], 'recalls');
    const ids = await this.pageOf('recall', { status }, args, (after, limit) => this.lists.recallIds(status, after, limit));
    return this.recallViews(caller, ids);
  }

  private async recallViews(caller: Caller, ids: Connection<{ id: string }>): Promise<Connection<RecallView>> {
    // Each recall as recall(id) answers it (its affected batches and effectiveness), under the same rule,
    // read for the whole page at once: a fixed number of statements, not three a recall.
    const views = new Map(
      (
        await this.recalls.getMany(
          caller,
          ids.edges.map((edge) => edge.node.id),
        )
      ).map((view) => [view.id, view]),
    );
    const edges = ids.edges.flatMap((edge) => (views.has(edge.node.id) ? [{ cursor: edge.cursor, node: views.get(edge.node.id)! }] : []));
    return { edges, pageInfo: ids.pageInfo };
  }

  excursionBatches(caller: Caller, args: PageArgs): Promise<Connection<StoredBatch>> {
    requireAdminOr(caller, ['REGULATOR'], 'listing batches with excursions');
    return this.batchPage({ hasExcursions: true }, args);
  }

  /** The ledger in its own order, oldest first (a reader catching up follows it), by sequence number. */
  async ledgerEntries(caller: Caller, args: PageArgs): Promise<Connection<LedgerEntry>> {
    requireAdminOr(caller, ['REGULATOR'], 'reading the whole ledger');
    const size = pageSize(args.first, MAX_ENTRIES_PAGE, DEFAULT_ENTRIES_PAGE);
    const afterSeq = args.after === undefined || args.after === null ? 0 : Number(decodeCursor('ledgerEntry', {}, args.after).seq);
    const rows = await this.ledger.findRange(afterSeq, Number.MAX_SAFE_INTEGER, size + 1);
    return toConnection('ledgerEntry', {}, rows, size, (entry) => ({ seq: String(entry.seq), id: '' }));
  }

  private async batchPage(query: BatchQuery, args: PageArgs): Promise<Connection<StoredBatch>> {
    if (query.producedFrom && query.producedTo && query.producedFrom >= query.producedTo)
      throw new DomainError('INVALID_RANGE', 'filter.producedFrom must be before filter.producedTo');
    // An id that names nothing is a mistake to point out, not a search that found nothing.
    if (query.productId && !(await this.products.findById(query.productId)))
      throw new DomainError('PRODUCT_NOT_FOUND', `filter.productId: no product ${query.productId}`);
    if (query.producerId && !(await this.organizationRows.findById(query.producerId)))
      throw new DomainError('ORGANIZATION_NOT_FOUND', `filter.producerId: no organization ${query.producerId}`);
    // The whole query is the cursor's scope: the viewer's own list (partyId) and every filter field.
    return this.pageOf('batch', { ...query }, args, (after, limit) => this.lists.batches(query, after, limit));
  }

  /** Reads one more row than the page holds, to know whether another page follows; `scope` is what the list was read with (its cursors carry it). */
  private async pageOf<T>(kind: CursorKind, scope: CursorScope, args: PageArgs, read: (after: PageKey | null, limit: number) => Promise<Keyed<T>[]>) {
    const size = pageSize(args.first);
    const after = args.after === undefined || args.after === null ? null : decodeCursor(kind, scope, args.after);
    const rows = await read(after, size + 1);
    const connection = toConnection(kind, scope, rows, size, (row) => row.pageKey);
    return { ...connection, edges: connection.edges.map(({ cursor, node }) => ({ cursor, node: withoutKey(node) as T })) };
  }
}

function withoutKey<T>(row: Keyed<T>): T {
  const { pageKey: _pageKey, ...rest } = row;
  return rest as T;
}

function emptyConnection<T>(): Connection<T> {
  return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
}
