import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '../database/database.js';

/** A unit asked to be packed, as the rules need it: null members when the unit was never commissioned. */
export interface UnitForPacking {
  serial: string;
  exists: boolean;
  batchId: string | null;
  lotCode: string | null;
  /** Who holds it: the organization that last received a package it was in, else its lot's custodian. */
  custodianId: string | null;
  /** True when its custody is its lot's (no package of it was received) and the lot is in transit. */
  lotInTransit: boolean;
  /** The organization whose product the GTIN is. */
  gtinOwnerId: string | null;
  /** The package it is in now, if any. */
  packedIn: string | null;
  /** The RETAIL_SELLING entry that sold it, if one did. */
  soldSeq: number | null;
}

export type PackageStatus = 'PACKED' | 'IN_TRANSIT' | 'UNPACKED';

export interface StoredPackage {
  sscc: string;
  organizationId: string;
  facilityId: string;
  packedSeq: number;
  childCount: number;
  custodianId: string;
  status: PackageStatus;
  inTransitToId: string | null;
  shippedById: string | null;
  /** The package it is in now, if any. */
  parentSscc: string | null;
}

/** How many of a package's units (at any depth) are of one lot, and that lot's state. */
export interface LotInPackage {
  batchId: string;
  lotCode: string;
  /** Held or recalled (the flags behind the ON_HOLD and RECALLED statuses, kept while in transit too). */
  held: boolean;
  recalled: boolean;
  units: number;
}

/** A package's direct children: its units by GTIN, and its packages. */
export interface DirectChildren {
  units: { gtin: string; serials: string[] }[];
  childSsccs: string[];
}

export interface PackageEvent {
  sscc: string;
  seq: number;
  type: string;
}

const gtin14 = (value: unknown) => String(value).padStart(14, '0');

/** The packages inside `$1` (itself included), at any depth, packed now. */
const TREE = `WITH RECURSIVE tree(sscc) AS (
  SELECT $1::character(18)
  UNION ALL SELECT pc.child_sscc FROM package_child pc JOIN tree t ON pc.parent_sscc = t.sscc WHERE pc.unpacked_seq IS NULL)`;

/** Packages (SSCC, AI 00) of serialized units and of other packages: what packing, shipping and a unit's scan read and write. */
@Injectable()
export class PackagesRepository {
  constructor(private readonly db: Database) {}

  async facilityOwner(tx: Tx, facilityId: string): Promise<string | null> {
    const { rows } = await tx.query<{ organization_id: string }>('SELECT organization_id FROM facility WHERE id = $1', [facilityId]);
    return rows[0]?.organization_id ?? null;
  }

  async organizationExists(tx: Tx, id: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM organization WHERE id = $1', [id])).rowCount === 1;
  }

  /** The package entry `seq` made, found by the SSCC the entry names: its SSCC and how many children went in. */
  async packedBy(tx: Tx, sscc: string, seq: number): Promise<{ sscc: string; childCount: number } | null> {
    const { rows } = await tx.query<{ sscc: string; child_count: number }>('SELECT sscc, child_count FROM package WHERE sscc = $1 AND packed_seq = $2', [
      sscc,
      seq,
    ]);
    return rows[0] ? { sscc: rows[0].sscc, childCount: Number(rows[0].child_count) } : null;
  }

  /** Units of one GTIN by serial, in the order asked, with what the packing rules read of each. */
  async unitsForPacking(tx: Tx, gtin: string, serials: string[]): Promise<UnitForPacking[]> {
    const { rows } = await tx.query<Record<string, unknown>>(
      `SELECT s.serial, c.id IS NOT NULL AS exists, c.batch_id, b.lot_code, p.organization_id AS gtin_owner,
              COALESCE(h.custodian_id, b.custodian_id) AS custodian_id, h.custodian_id IS NULL AND b.status = 'IN_TRANSIT' AS lot_in_transit,
              pu.sscc AS packed_in, sale.entry_seq AS sold_seq
       FROM unnest($2::text[]) WITH ORDINALITY AS s(serial, i)
       LEFT JOIN unit u ON u.gtin = $1::bigint AND u.serial = s.serial
       LEFT JOIN unit_commissioning c ON c.id = u.commissioning_id AND c.entry_seq IS NOT NULL
       LEFT JOIN batch b ON b.id = c.batch_id
       LEFT JOIN product p ON p.id = b.product_id
       LEFT JOIN unit_holder h ON h.gtin = $1::bigint AND h.serial = s.serial
       LEFT JOIN package_unit pu ON pu.gtin = $1::bigint AND pu.serial = s.serial AND pu.unpacked_seq IS NULL
       LEFT JOIN unit_sale sale ON sale.gtin = $1::bigint AND sale.serial = s.serial
       ORDER BY s.i`,
      [gtin, serials],
    );
    return rows.map((r) => ({
      serial: r.serial as string,
      exists: r.exists as boolean,
      batchId: (r.batch_id as string | null) ?? null,
      lotCode: (r.lot_code as string | null) ?? null,
      custodianId: (r.custodian_id as string | null) ?? null,
      lotInTransit: r.lot_in_transit === true,
      gtinOwnerId: (r.gtin_owner as string | null) ?? null,
      packedIn: (r.packed_in as string | null) ?? null,
      soldSeq: r.sold_seq == null ? null : Number(r.sold_seq),
    }));
  }

  async findPackages(tx: Tx, ssccs: string[]): Promise<Map<string, StoredPackage>> {
    const { rows } = await tx.query<Record<string, unknown>>(
      `SELECT p.sscc, p.organization_id, p.facility_id, p.packed_seq, p.child_count, p.custodian_id, p.status, p.in_transit_to_id, p.shipped_by_id,
              pc.parent_sscc
       FROM package p LEFT JOIN package_child pc ON pc.child_sscc = p.sscc AND pc.unpacked_seq IS NULL
       WHERE p.sscc = ANY($1::character(18)[])`,
      [ssccs],
    );
    return new Map(
      rows.map((r) => [
        r.sscc as string,
        {
          sscc: r.sscc as string,
          organizationId: r.organization_id as string,
          facilityId: r.facility_id as string,
          packedSeq: Number(r.packed_seq),
          childCount: r.child_count as number,
          custodianId: r.custodian_id as string,
          status: r.status as PackageStatus,
          inTransitToId: (r.in_transit_to_id as string | null) ?? null,
          shippedById: (r.shipped_by_id as string | null) ?? null,
          parentSscc: (r.parent_sscc as string | null) ?? null,
        },
      ]),
    );
  }

  async findPackage(tx: Tx, sscc: string): Promise<StoredPackage | null> {
    return (await this.findPackages(tx, [sscc])).get(sscc) ?? null;
  }

  /** A package as it stands now, outside any command (what an answer shows of it). */
  findPackageNow(sscc: string): Promise<StoredPackage | null> {
    return this.findPackage(this.db, sscc);
  }

  /** The next number of the organization's SSCCs (from 0), taken in the writer's transaction: a refused packing takes none. */
  async takeSsccNumber(tx: Tx, organizationId: string): Promise<bigint> {
    const { rows } = await tx.query<{ n: string }>(
      `INSERT INTO sscc_counter (organization_id, next) VALUES ($1, 1)
       ON CONFLICT (organization_id) DO UPDATE SET next = sscc_counter.next + 1 RETURNING next - 1 AS n`,
      [organizationId],
    );
    return BigInt(rows[0].n);
  }

  async ssccTaken(tx: Tx, sscc: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM package WHERE sscc = $1', [sscc])).rowCount === 1;
  }

  /** A new package and its children, with its PACKED event: in the ledger writer's transaction, with its entry. */
  async insertPackage(
    tx: Tx,
    p: { sscc: string; organizationId: string; facilityId: string; seq: number; units: { gtin: string; serials: string[] }[]; childSsccs: string[] },
  ): Promise<void> {
    const childCount = p.units.reduce((n, u) => n + u.serials.length, 0) + p.childSsccs.length;
    await tx.query(`INSERT INTO package (sscc, organization_id, facility_id, packed_seq, child_count, custodian_id) VALUES ($1, $2, $3, $4, $5, $2)`, [
      p.sscc,
      p.organizationId,
      p.facilityId,
      p.seq,
      childCount,
    ]);
    for (const u of p.units) {
      await tx.query(`INSERT INTO package_unit (sscc, gtin, serial, packed_seq) SELECT $1, $2::bigint, serial, $4 FROM unnest($3::text[]) AS serial`, [
        p.sscc,
        u.gtin,
        u.serials,
        p.seq,
      ]);
    }
    if (p.childSsccs.length > 0) {
      await tx.query(`INSERT INTO package_child (parent_sscc, child_sscc, packed_seq) SELECT $1, child, $3 FROM unnest($2::character(18)[]) AS child`, [
        p.sscc,
        p.childSsccs,
        p.seq,
      ]);
    }
    await this.insertEvent(tx, [p.sscc], p.seq, 'UNITS_PACKED');
  }

  async insertEvent(tx: Tx, ssccs: string[], seq: number, type: string): Promise<void> {
    await tx.query('INSERT INTO package_event (sscc, seq, type) SELECT sscc, $2, $3 FROM unnest($1::character(18)[]) AS sscc', [ssccs, seq, type]);
  }

  async directChildren(tx: Tx, sscc: string): Promise<DirectChildren> {
    const units = await tx.query<{ gtin: string; serials: string[] }>(
      `SELECT gtin::text AS gtin, array_agg(serial ORDER BY serial) AS serials FROM package_unit
       WHERE sscc = $1 AND unpacked_seq IS NULL GROUP BY gtin ORDER BY gtin`,
      [sscc],
    );
    const children = await tx.query<{ child_sscc: string }>(
      'SELECT child_sscc FROM package_child WHERE parent_sscc = $1 AND unpacked_seq IS NULL ORDER BY child_sscc',
      [sscc],
    );
    return { units: units.rows.map((r) => ({ gtin: gtin14(r.gtin), serials: r.serials })), childSsccs: children.rows.map((r) => r.child_sscc) };
  }

  /** Frees the package's direct children and marks it emptied (its SSCC is not used again). */
  async unpack(tx: Tx, sscc: string, seq: number): Promise<void> {
    await tx.query('UPDATE package_unit SET unpacked_seq = $2 WHERE sscc = $1 AND unpacked_seq IS NULL', [sscc, seq]);
    await tx.query('UPDATE package_child SET unpacked_seq = $2 WHERE parent_sscc = $1 AND unpacked_seq IS NULL', [sscc, seq]);
    await tx.query(`UPDATE package SET status = 'UNPACKED', unpacked_seq = $2 WHERE sscc = $1`, [sscc, seq]);
    await this.insertEvent(tx, [sscc], seq, 'UNPACKED');
  }

  /** The lots of the units in a package at any depth, with how many units of each and the lot's state. */
  async lotsInside(tx: Tx, sscc: string): Promise<LotInPackage[]> {
    const { rows } = await tx.query<Record<string, unknown>>(
      `${TREE}
       SELECT b.id, b.lot_code, b.held, b.recalled, count(*)::int AS units
       FROM tree t JOIN package_unit pu ON pu.sscc = t.sscc AND pu.unpacked_seq IS NULL
       JOIN unit u ON u.gtin = pu.gtin AND u.serial = pu.serial
       JOIN unit_commissioning c ON c.id = u.commissioning_id JOIN batch b ON b.id = c.batch_id
       GROUP BY b.id, b.lot_code, b.held, b.recalled ORDER BY b.id`,
      [sscc],
    );
    return rows.map((r) => ({
      batchId: r.id as string,
      lotCode: r.lot_code as string,
      held: r.held as boolean,
      recalled: r.recalled as boolean,
      units: r.units as number,
    }));
  }

  async ship(tx: Tx, sscc: string, to: string, by: string, seq: number): Promise<void> {
    await tx.query(`UPDATE package SET status = 'IN_TRANSIT', in_transit_to_id = $2, shipped_by_id = $3 WHERE sscc = $1`, [sscc, to, by]);
    await this.insertEvent(tx, [sscc], seq, 'PACKAGE_SHIPPED');
  }

  /** Custody of the package, of every package in it and of every unit in those, moves to `to`. */
  async receive(tx: Tx, sscc: string, to: string, seq: number): Promise<void> {
    await tx.query(`UPDATE package SET status = 'PACKED', in_transit_to_id = NULL, shipped_by_id = NULL WHERE sscc = $1`, [sscc]);
    await tx.query(`${TREE} UPDATE package SET custodian_id = $2 WHERE sscc IN (SELECT sscc FROM tree)`, [sscc, to]);
    await tx.query(
      `${TREE}
       INSERT INTO unit_holder (gtin, serial, custodian_id, since_seq)
       SELECT pu.gtin, pu.serial, $2, $3 FROM tree t JOIN package_unit pu ON pu.sscc = t.sscc AND pu.unpacked_seq IS NULL
       ON CONFLICT (gtin, serial) DO UPDATE SET custodian_id = EXCLUDED.custodian_id, since_seq = EXCLUDED.since_seq`,
      [sscc, to, seq],
    );
    await this.insertEvent(tx, [sscc], seq, 'PACKAGE_RECEIVED');
  }

  /**
   * A keyset page of an organization's packages, newest packing first (packed_seq: one package per packing
   * entry), `limit` rows after the one packed at `afterSeq`. `custody`: in its custody and not emptied (shipped
   * ones included until received); `inbound`: shipped to it and not yet received.
   */
  async listOf(organizationId: string, kind: PackageListKind, afterSeq: number | null, limit: number): Promise<ListedPackage[]> {
    const whose = kind === 'custody' ? `p.custodian_id = $1 AND p.status <> 'UNPACKED'` : `p.in_transit_to_id = $1 AND p.status = 'IN_TRANSIT'`;
    const { rows } = await this.db.read<Record<string, unknown>>(
      `SELECT p.sscc, p.child_count, p.packed_seq, p.status, p.organization_id, p.custodian_id, p.in_transit_to_id, pc.parent_sscc
       FROM package p LEFT JOIN package_child pc ON pc.child_sscc = p.sscc AND pc.unpacked_seq IS NULL
       WHERE ${whose} AND ($2::bigint IS NULL OR p.packed_seq < $2::bigint)
       ORDER BY p.packed_seq DESC LIMIT $3`,
      [organizationId, afterSeq, limit],
    );
    return rows.map((r) => ({
      sscc: r.sscc as string,
      childCount: r.child_count as number,
      parentSscc: (r.parent_sscc as string | null) ?? null,
      packedSeq: Number(r.packed_seq),
      status: r.status as PackageStatus,
      organizationId: r.organization_id as string,
      custodianId: r.custodian_id as string,
      inTransitToId: (r.in_transit_to_id as string | null) ?? null,
    }));
  }

  /** The events of these packages (what a unit's page lists for its package path), in ledger order. */
  async eventsOf(ssccs: string[]): Promise<PackageEvent[]> {
    if (ssccs.length === 0) return [];
    const { rows } = await this.db.read<{ sscc: string; seq: string; type: string }>(
      'SELECT sscc, seq, type FROM package_event WHERE sscc = ANY($1::character(18)[]) ORDER BY seq',
      [ssccs],
    );
    return rows.map((r) => ({ sscc: r.sscc, seq: Number(r.seq), type: r.type }));
  }
}

/** A page of packages as the viewer's lists read them, newest packing first. */
export interface ListedPackage {
  sscc: string;
  childCount: number;
  parentSscc: string | null;
  packedSeq: number;
  status: PackageStatus;
  organizationId: string;
  custodianId: string;
  inTransitToId: string | null;
}

/** Which of an organization's packages a list holds. */
export type PackageListKind = 'custody' | 'inbound';
