import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../lists/page.js';
import { TRACE_DEFAULT_PAGE, TRACE_MAX_PAGE } from '../trace/trace-page.js';

/** A connection's size: `first` when given (at most the bound every list refuses past), else its default page. */
const PAGE = { listSize: DEFAULT_PAGE_SIZE, maxListSize: MAX_PAGE_SIZE } as const;

/**
 * What each field costs to answer, by `Type.field`. A field not named here costs 1 (a value already in
 * hand: a column of a row loaded by its parent, `__typename`). A test (src/limits/field-costs.spec.ts)
 * fails when a root field, or any field with a resolver of its own, has no row: a new expensive field
 * cannot silently cost 1.
 *
 * The scale: 1 a value in hand, 10–100 a database query (more when it walks lineage or writes),
 * thousands for work that grows with the ledger (every entry of a batch or a range hashed again): a
 * caller without a key may hash one batch per request, one with a key up to nine. A list multiplies what is asked of each
 * item by its `first` argument, else by `listSize` here, else by 10. A Relay connection (edges and pageInfo) counts
 * as a list of its `first` edges.
 */
export const FIELD_COSTS: Readonly<Record<string, FieldCost>> = {
  // Queries
  'Query.apiKeys': { cost: 10 },
  'Query.batch': { cost: 10 },
  'Query.batches': { cost: 20, ...PAGE }, // one keyset query over batch (filters by index or a small subquery)
  'Query.batchesWithExcursions': { cost: 50, listSize: 100, maxListSize: 1000 }, // scans readings; a query per batch found
  'Query.batchesWithExcursionsConnection': { cost: 20, ...PAGE }, // one keyset query over the batches with excursions
  'Query.consistencyProof': { cost: 20 },
  'Query.eventRules': { cost: 1 }, // a constant table
  'Query.inclusionProof': { cost: 20 },
  'Query.inspections': { cost: 20, ...PAGE }, // one keyset query over inspection (by verdict, lab or batch index)
  'Query.latestCheckpoint': { cost: 10 },
  'Query.ledgerEntries': { cost: 10, listSize: 100, maxListSize: 1000 },
  'Query.ledgerEntriesConnection': { cost: 10, listSize: 100, maxListSize: 1000 }, // one range of the ledger by seq
  'Query.ledgerInfo': { cost: 20 }, // reads the chain head
  'Query.organization': { cost: 10 }, // one row by id
  'Query.organizations': { cost: 10, ...PAGE },
  'Query.lastLedgerAudit': { cost: 10 }, // the newest row of ledger_audit_run and its organization
  'Query.witnesses': { cost: 10 }, // one query for every witness's newest cosignature
  'Query.recall': { cost: 20 }, // the affected batches and the holders' recoveries
  'Query.recalls': { cost: 10, ...PAGE }, // the page's ids; each node then costs what recall(id) does (RecallEdge.node)
  'Query.scan': { cost: 2000 }, // on a cache miss, hashes every entry of the batch again, as verifyBatch does
  'Query.trace': { cost: 100 }, // the lineage walk and the mass balance, up to TRACE_NODE_LIMIT batches
  'Query.unit': { cost: 20 }, // the unit and its lot, by index
  'Query.traceConnection': { cost: 50, listSize: TRACE_DEFAULT_PAGE, maxListSize: TRACE_MAX_PAGE }, // the lineage walk (kept between pages) and one page's lots
  'Query.verifyBatch': { cost: 2000 }, // hashes every entry of the batch again
  'Query.viewer': { cost: 10 }, // the caller's organization
  'Query.verifyLedger': { cost: 2000 }, // hashes every entry of the range again; admin and regulators only
  'Query.webhookDeliveries': { cost: 10, listSize: 50 }, // the caller's newest deliveries, one query
  // Mutations: each takes the ledger writer's lock or writes rows
  'Mutation.attachCertificate': { cost: 50 },
  'Mutation.attestCertificate': { cost: 50 },
  'Mutation.checkUnit': { cost: 20 }, // a lookup, a hash and one counter row
  'Mutation.closeRecall': { cost: 50 },
  'Mutation.commissionUnits': { cost: 100 }, // up to 1,000,000 units written, one entry
  'Mutation.createApiKey': { cost: 50 },
  'Mutation.createCheckpoint': { cost: 50 },
  'Mutation.createOrganization': { cost: 50 },
  'Mutation.initiateRecall': { cost: 100 },
  'Mutation.packUnits': { cost: 100 }, // up to 10,000 units or packages checked and written, one entry // walks everything made from the named batches
  'Mutation.receivePackage': { cost: 100 }, // custody of everything inside moves: a row per unit
  'Mutation.recordEvent': { cost: 50 },
  'Mutation.recordEvents': { cost: 100 }, // up to 1,000 events
  'Mutation.recordInspection': { cost: 50 },
  'Mutation.recordTemperatures': { cost: 100 }, // up to 10,000 readings
  'Mutation.registerBatch': { cost: 50 },
  'Mutation.registerFacility': { cost: 50 },
  'Mutation.registerProduct': { cost: 50 },
  'Mutation.registerWebhook': { cost: 50 },
  'Mutation.releaseBatch': { cost: 50 },
  'Mutation.reportRecallRecovery': { cost: 50 },
  'Mutation.revokeApiKey': { cost: 50 },
  'Mutation.setGs1CompanyPrefix': { cost: 50 },
  'Mutation.shipPackage': { cost: 50 }, // the lots inside, one query
  'Mutation.unpack': { cost: 50 },
  'Mutation.transformBatches': { cost: 100 },
  // Subscriptions: each is held open on a socket
  'Subscription.recallIssued': { cost: 10 },
  // Fields resolved on their own
  'Batch.certificates': { cost: 10 }, // a query per batch
  'Batch.commissionings': { cost: 10 }, // one query for the lot's commissionings, one for their entries
  'Batch.coldChainStatus': { cost: 1 }, // the request's product loader: one query for all batches
  'Batch.custodian': { cost: 1 }, // the request's organization loader
  'Batch.events': { cost: 20 }, // a query per batch, every entry of it
  'Batch.excursions': { cost: 1 }, // computed with the batch
  'Batch.inspections': { cost: 10 }, // a query per batch
  'Batch.meanKineticTemperatureC': { cost: 1 },
  'Batch.product': { cost: 1 }, // the request's product loader
  'Batch.shipment': { cost: 2 }, // while in transit: the request's SHIPPING-entry and organization loaders (a query each for all batches)
  'Batch.withheldFields': { cost: 1 }, // computed from the batch row
  'Facility.organization': { cost: 10 },
  'Organization.apiKeys': { cost: 10 }, // a query per organization, for itself and the admin
  'Inspection.batch': { cost: 1 }, // the request's batch loader: one query for a page's batches
  'Inspection.inspectedBy': { cost: 1 }, // the request's organization loader
  'Organization.gs1CompanyPrefix': { cost: 10 }, // a query per organization, for those who may see it
  'Package.custodian': { cost: 1 }, // the request's organization loader
  'Package.inTransitTo': { cost: 1 },
  'Package.packer': { cost: 1 },
  'Unit.holder': { cost: 10 },
  'RecallEdge.node': { cost: 20 }, // read as recall(id) reads it: its batches and the holders' recoveries
  'Unit.events': { cost: 10 }, // the entries that named the unit (unit_event), one query shared with Unit.sale
  'Unit.sale': { cost: 10 },
  'Viewer.apiKeys': { cost: 10 },
  'Viewer.batches': { cost: 20, ...PAGE },
  'Viewer.inboundPackages': { cost: 10, ...PAGE }, // one keyset range of package by in_transit_to_id, one query for the page's entries
  'Viewer.packages': { cost: 10, ...PAGE }, // one keyset range of package by custodian_id, one query for the page's entries
  'Viewer.facilities': { cost: 10, ...PAGE },
  'Viewer.inboundBatches': { cost: 20, ...PAGE }, // the batches in transit to the viewer (a partial index) and each one's SHIPPING entry by its chain index
  'Viewer.products': { cost: 10, ...PAGE },
  'Viewer.recalls': { cost: 20, ...PAGE }, // the page's ids (the viewer's batches and units joined to recall_batch); each node then costs what recall(id) does
  'LedgerEntry.errorDeclaration': { cost: 1 }, // the request's loader: one query for the declarations of every batch asked about
  // Replays the whole ledger under verifyLedger (null under verifyBatch and the scan, but the table is per field, not per path)
  'Verification.projections': { cost: 2000 },
  'Product.certificates': { cost: 10 }, // a query per product
  'Product.geographicIndicationStanding': { cost: 10 }, // a query for the product's certificates
  'Product.geographicIndicationVerified': { cost: 10 },
  'ScanResult.geographicIndicationStanding': { cost: 20 }, // the lot's lookup and its page's certificates
  'ScanResult.timeline': { cost: 20, listSize: 50, maxListSize: 500 }, // past the cached first 100 events, a query over the lot's story
};

export interface FieldCost {
  /** What answering the field costs once, whatever is asked below it. */
  cost: number;
  /** For a list without a `first` argument: how many items to count it as (its default page). */
  listSize?: number;
  /** The largest `first` the field takes: a larger one counts as this, and the field refuses it itself, naming the argument. */
  maxListSize?: number;
}
