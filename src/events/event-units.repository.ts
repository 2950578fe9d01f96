import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/database.js';
import { type NamedUnit, unitKey, type UnitEventRow } from './event-units.js';

/** The units events name, read and indexed under the chain-head lock (tables unit_event and unit_sale, migrations/1767000000101). */
@Injectable()
export class EventUnitsRepository {
  /**
   * Each (lot, serial) named: the unit of that serial and the lot's GTIN, if there is one (commissioned,
   * its entry in the ledger), the lot it belongs to, its sale, and who holds it. One round trip for every event of a group.
   */
  async loadInTx(tx: Tx, named: { batchId: string; serial: string }[]): Promise<Map<string, NamedUnit>> {
    const found = new Map<string, NamedUnit>();
    if (named.length === 0) return found;
    const { rows } = await tx.query<{
      batch_id: string;
      serial: string;
      gtin: string | null;
      lot_id: string | null;
      sold_seq: string | null;
      holder_id: string | null;
    }>(
      `SELECT x.batch_id, x.serial, u.gtin::text AS gtin, c.batch_id AS lot_id, s.entry_seq AS sold_seq,
              COALESCE(h.custodian_id, lot.custodian_id) AS holder_id
       FROM unnest($1::uuid[], $2::text[]) AS x (batch_id, serial)
       JOIN batch b ON b.id = x.batch_id JOIN product p ON p.id = b.product_id
       LEFT JOIN unit u ON u.gtin = p.gtin::bigint AND u.serial = x.serial
       LEFT JOIN unit_commissioning c ON c.id = u.commissioning_id AND c.entry_seq IS NOT NULL
       LEFT JOIN unit_sale s ON s.gtin = u.gtin AND s.serial = u.serial
       LEFT JOIN batch lot ON lot.id = c.batch_id
       LEFT JOIN unit_holder h ON h.gtin = u.gtin AND h.serial = u.serial`,
      [named.map((n) => n.batchId), named.map((n) => n.serial)],
    );
    for (const r of rows) {
      const visible = r.lot_id !== null;
      found.set(unitKey(r.batch_id, r.serial), {
        batchId: r.batch_id,
        serial: r.serial,
        gtin: visible && r.gtin ? r.gtin.padStart(14, '0') : null,
        lotId: r.lot_id,
        soldSeq: visible && r.sold_seq !== null ? Number(r.sold_seq) : null,
        holderId: visible ? r.holder_id : null,
      });
    }
    return found;
  }

  /** The index rows of appended entries: which entry named which unit, and which sold it. */
  async insertInTx(tx: Tx, rows: UnitEventRow[]): Promise<void> {
    if (rows.length === 0) return;
    const column = <K extends keyof UnitEventRow>(k: K, of = rows) => of.map((r) => r[k]);
    await tx.query('INSERT INTO unit_event (gtin, serial, entry_seq) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])', [
      column('gtin'),
      column('serial'),
      column('entrySeq'),
    ]);
    const sold = rows.filter((r) => r.sold);
    if (sold.length > 0)
      await tx.query('INSERT INTO unit_sale (gtin, serial, entry_seq) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])', [
        column('gtin', sold),
        column('serial', sold),
        column('entrySeq', sold),
      ]);
  }
}
