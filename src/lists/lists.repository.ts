import { Injectable } from '@nestjs/common';
import { batchColumns, rowToBatch, type StoredBatch } from '../batches/batch-row.js';
import { LATEST_SHIPPING } from '../batches/batches.repository.js';
import type { ShippingEntry } from '../batches/shipment.model.js';
import type { BatchStatus } from '../batches/batch-status.js';
import { Database } from '../database/database.js';
import { Parameters } from '../database/parameters.js';
import type { Facility } from '../facilities/facilities.repository.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import type { Organization } from '../organizations/organizations.repository.js';
import { PRODUCT_COLUMNS, toProduct, type Product } from '../products/products.repository.js';
import type { PageKey } from './page.js';

/** A row of a list and where it sits in the list's order. */
export type Keyed<T> = T & { pageKey: PageKey };

/** What a batch list is narrowed to: every field given must hold. */
export interface BatchQuery {
  /** Only batches this organization made or holds now (a viewer's own list). */
  partyId?: string;
  status?: BatchStatus;
  productId?: string;
  gtin?: string;
  lotCode?: string;
  traceCode?: string;
  producerId?: string;
  region?: string;
  producedFrom?: Date;
  producedTo?: Date;
  /** Only batches whose cold chain broke (out of range too long, or a gap in the readings). */
  hasExcursions?: boolean;
}

/**
 * The SQL of every list: keyset pages in one order, newest first — (created_seq, id) descending, the
 * indexes of migration 1766500000101 — reading `limit` rows (the caller asks one more than it shows).
 */
@Injectable()
export class ListsRepository {
  constructor(private readonly db: Database) {}

  async batches(query: BatchQuery, after: PageKey | null, limit: number): Promise<Keyed<StoredBatch>[]> {
    const { text, values } = batchPageStatement(query, after, limit);
    const { rows } = await this.db.read<Record<string, unknown>>(text, values);
    return rows.map((r) => ({ ...rowToBatch(r), pageKey: keyOf(r) }));
  }

  async facilitiesOf(organizationId: string, after: PageKey | null, limit: number): Promise<Keyed<Facility>[]> {
    const p = new Parameters();
    const where = [`facility.organization_id = ${p.bind(organizationId, 'uuid')}`];
    const rows = await this.page('facility', 'SELECT id, organization_id, name, region, gln, created_seq FROM facility', where, p, after, limit);
    return rows.map((r) => ({
      id: r.id as string,
      organizationId: r.organization_id as string,
      name: r.name as string,
      region: (r.region as string | null) ?? null,
      gln: (r.gln as string | null) ?? null,
      pageKey: keyOf(r),
    }));
  }

  async productsOf(organizationId: string, after: PageKey | null, limit: number): Promise<Keyed<Product>[]> {
    const p = new Parameters();
    const where = [`product.organization_id = ${p.bind(organizationId, 'uuid')}`];
    const rows = await this.page('product', `SELECT ${PRODUCT_COLUMNS}, created_seq FROM product`, where, p, after, limit);
    return rows.map((r) => ({ ...toProduct(r), pageKey: keyOf(r) }));
  }

  async organizations(kind: OrganizationKind | undefined, after: PageKey | null, limit: number): Promise<Keyed<Organization>[]> {
    const p = new Parameters();
    const where = kind ? [`organization.kind = ${p.bind(kind, 'text')}`] : [];
    const rows = await this.page('organization', 'SELECT id, name, kind, uscc, created_seq FROM organization', where, p, after, limit);
    return rows.map((r) => ({
      id: r.id as string,
      name: r.name as string,
      kind: r.kind as OrganizationKind,
      uscc: (r.uscc as string | null) ?? null,
      pageKey: keyOf(r),
    }));
  }

  /** Recall ids of a page; the recall itself is read as `recall(id)` reads it, so both answer alike. */
  async recallIds(status: string | undefined, after: PageKey | null, limit: number): Promise<{ id: string; pageKey: PageKey }[]> {
    const p = new Parameters();
    const where = status ? [`recall.status = ${p.bind(status, 'text')}`] : [];
    const rows = await this.page('recall', 'SELECT id, created_seq FROM recall', where, p, after, limit);
    return rows.map((r) => ({ id: r.id as string, pageKey: keyOf(r) }));
  }

  /**
   * A page of the batches in transit to this organization, newest shipment first: keyed by the SHIPPING entry's
   * seq (then the batch id), so a batch shipped while a receiver pages shows on its first page, never mid-walk.
   * The batches in transit to one organization are few (idx_batch_in_transit_to); each finds its SHIPPING entry
   * by its chain index.
   */
  async inboundBatches(organizationId: string, after: PageKey | null, limit: number): Promise<Keyed<StoredBatch & { shipping: ShippingEntry }>[]> {
    const p = new Parameters();
    const where = [`b.in_transit_to_id = ${p.bind(organizationId, 'uuid')}`];
    if (after) where.push(`(s.seq, b.id) < (${p.bind(after.seq, 'bigint')}, ${p.bind(after.id, 'uuid')})`);
    const { rows } = await this.db.read<Record<string, unknown>>(
      `SELECT ${batchColumns('b')}, s.seq AS shipping_seq, s.event_time AS shipping_event_time, s.recorded_at AS shipping_recorded_at
       FROM batch b CROSS JOIN LATERAL (${LATEST_SHIPPING}) s
       WHERE ${where.join(' AND ')} ORDER BY s.seq DESC, b.id DESC LIMIT ${p.bind(limit, 'int')}`,
      p.values,
    );
    return rows.map((r) => ({
      ...rowToBatch(r),
      shipping: {
        seq: Number(r.shipping_seq),
        eventTime: r.shipping_event_time ? new Date(r.shipping_event_time as string) : (r.shipping_recorded_at as Date),
      },
      pageKey: { seq: String(r.shipping_seq), id: r.id as string },
    }));
  }

  /**
   * Recall ids of a page of the recalls this organization may read as recall(id) lets it (recalls.service.ts,
   * mayRead): those it started and those reaching a batch it made, holds, has in transit to it, or holds units
   * of (a package of them received: unit_holder). Newest first, of one status if given.
   */
  async recallIdsOf(organizationId: string, status: string | undefined, after: PageKey | null, limit: number): Promise<{ id: string; pageKey: PageKey }[]> {
    const p = new Parameters();
    const us = p.bind(organizationId, 'uuid');
    const where = [
      `(recall.initiated_by_id = ${us}
        OR recall.id IN (SELECT rb.recall_id FROM recall_batch rb JOIN batch b ON b.id = rb.batch_id
                         WHERE b.producer_id = ${us} OR b.custodian_id = ${us} OR b.in_transit_to_id = ${us})
        OR recall.id IN (SELECT rb.recall_id FROM unit_holder h JOIN unit u ON u.gtin = h.gtin AND u.serial = h.serial
                           JOIN unit_commissioning c ON c.id = u.commissioning_id AND c.entry_seq IS NOT NULL
                           JOIN recall_batch rb ON rb.batch_id = c.batch_id
                         WHERE h.custodian_id = ${us}))`,
    ];
    if (status) where.push(`recall.status = ${p.bind(status, 'text')}`);
    const rows = await this.page('recall', 'SELECT id, created_seq FROM recall', where, p, after, limit);
    return rows.map((r) => ({ id: r.id as string, pageKey: keyOf(r) }));
  }

  /** One keyset page of `table`: the rows after `after` in (created_seq, id) descending order. */
  private async page(table: string, select: string, where: string[], p: Parameters, after: PageKey | null, limit: number) {
    const conditions = [...where];
    if (after) conditions.push(`(${table}.created_seq, ${table}.id) < (${p.bind(after.seq, 'bigint')}, ${p.bind(after.id, 'uuid')})`);
    const text =
      `${select}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ` +
      `ORDER BY ${table}.created_seq DESC, ${table}.id DESC LIMIT ${p.bind(limit, 'int')}`;
    return (await this.db.read<Record<string, unknown>>(text, p.values)).rows;
  }
}

/** The statement of one page of batches (exported so `npm run bench:lists` explains the very SQL the list runs). */
export function batchPageStatement(query: BatchQuery, after: PageKey | null, limit: number): { text: string; values: unknown[] } {
  const p = new Parameters();
  const where: string[] = [];
  if (query.status) where.push(`batch.status = ${p.bind(query.status, 'text')}`);
  if (query.productId) where.push(`batch.product_id = ${p.bind(query.productId, 'uuid')}`);
  // A GTIN names at most one product (uq_product_gtin): compared as a value, the page is one range of idx_batch_product_created
  // (as a join, PostgreSQL walked every batch newest first and dropped those of other products).
  if (query.gtin) where.push(`batch.product_id = (SELECT id FROM product WHERE gtin = ${p.bind(query.gtin, 'text')})`);
  if (query.lotCode) where.push(`batch.lot_code = ${p.bind(query.lotCode, 'text')}`);
  // A trace code names at most one batch (uq_batch_trace_code).
  if (query.traceCode) where.push(`batch.trace_code = ${p.bind(query.traceCode, 'text')}`);
  if (query.producerId) where.push(`batch.producer_id = ${p.bind(query.producerId, 'uuid')}`);
  const region = query.region ? p.bind(query.region, 'text') : null;
  // In a viewer's own list the region only narrows its two ranges (below); across organizations it is the ranges themselves.
  if (region && query.partyId) where.push(`batch.origin_facility_id IN (SELECT id FROM facility WHERE region = ${region})`);
  if (query.producedFrom) where.push(`batch.produced_at >= ${p.bind(query.producedFrom, 'timestamptz')}`);
  if (query.producedTo) where.push(`batch.produced_at < ${p.bind(query.producedTo, 'timestamptz')}`);
  if (query.hasExcursions !== undefined) where.push(query.hasExcursions ? 'batch.excursion_count > 0' : 'batch.excursion_count = 0');
  if (after) where.push(`(batch.created_seq, batch.id) < (${p.bind(after.seq, 'bigint')}, ${p.bind(after.id, 'uuid')})`);
  const columns = `${batchColumns('batch')}, batch.created_seq`;
  const order = 'ORDER BY batch.created_seq DESC, batch.id DESC';
  const limited = `LIMIT ${p.bind(limit, 'int')}`;
  const filtered = (extra: string[]) => {
    const all = [...where, ...extra];
    return all.length ? ` WHERE ${all.join(' AND ')}` : '';
  };
  let text = `SELECT ${columns} FROM batch${filtered([])} ${order} ${limited}`;
  if (region && !query.partyId) {
    // A region is its facilities: for each, a range of idx_batch_origin_created stopping after a page, then the
    // newest page of those — a region of f facilities reads at most f pages, not every batch newer than its last.
    text =
      `SELECT batch.* FROM facility AS origin CROSS JOIN LATERAL ` +
      `(SELECT ${columns} FROM batch${filtered(['batch.origin_facility_id = origin.id'])} ${order} ${limited}) AS batch ` +
      `WHERE origin.region = ${region} ${order} ${limited}`;
  }
  if (query.partyId) {
    // What the viewer made or holds now (what mayReadBatch lets it read whole): two ordered index ranges,
    // each stopping after a page, merged — an OR would read and sort every batch the organization ever had.
    const party = p.bind(query.partyId, 'uuid');
    const arm = (column: string) => `(SELECT batch.id, batch.created_seq FROM batch${filtered([`batch.${column} = ${party}`])} ${order} ${limited})`;
    text =
      `SELECT ${columns} FROM batch WHERE batch.id IN ` +
      `(SELECT id FROM (${arm('producer_id')} UNION ${arm('custodian_id')}) AS mine ORDER BY created_seq DESC, id DESC ${limited}) ${order}`;
  }
  return { text, values: p.values };
}

function keyOf(row: Record<string, unknown>): PageKey {
  return { seq: String(row.created_seq), id: row.id as string };
}
