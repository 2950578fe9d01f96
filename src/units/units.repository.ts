import { Injectable } from '@nestjs/common';
import { batchColumns, rowToBatch, type StoredBatch } from '../batches/batch-row.js';
import { Database, type Tx } from '../database/database.js';
import type { BizStep } from '../events/biz-step.js';
import { CHECK_HASH_BYTES } from './check-codes.js';

/** What commissioning needs to know of a batch: who made it and the GTIN of its product. */
export interface BatchForUnits {
  producerId: string;
  gtin: string | null;
  lotCode: string;
}

export interface Commissioning {
  id: string;
  batchId: string;
  producerId: string;
  gtin: string;
  lotCode: string;
  /** The batch's product's name, which its label sheet prints. */
  productName: string;
  count: number;
  serialsRoot: Buffer;
  entrySeq: number;
  downloads: number;
  /** Bytes per serial in the stored serials: SERIAL_LENGTH (minted) or GIVEN_SERIAL_WIDTH (given, space-padded). */
  serialWidth: number;
}

/** A unit and what its page, its proof and its check read. */
export interface StoredUnit {
  commissioningId: string;
  position: number;
  checkHash: Buffer;
  count: number;
  serialsRoot: Buffer;
  blockHashes: Buffer;
  entrySeq: number;
  serialWidth: number;
  /** The unit's lot, read in the same statement: a unit's scan is one round trip, as a lot's is. */
  batch: StoredBatch;
  /** SSCCs of the packages it is in, innermost first; empty when it is in none (same statement). */
  packagePath: string[];
  /** Who holds it: the last organization that received a package it was in, else its lot's custodian. */
  holderId: string;
  /** Whether any event named it (unit_event): its page reads those events only then. */
  namedByEvents: boolean;
}

/**
 * The SSCCs of the packages a unit (u) is in now, innermost first: its package, then that one's, up to
 * a package in none. A scalar subquery, so the unit's scan stays one statement.
 */
const PACKAGE_PATH = `(WITH RECURSIVE up(sscc, depth) AS (
    SELECT pu.sscc, 0 FROM package_unit pu WHERE pu.gtin = u.gtin AND pu.serial = u.serial AND pu.unpacked_seq IS NULL
    UNION ALL SELECT pc.parent_sscc, up.depth + 1 FROM package_child pc JOIN up ON pc.child_sscc = up.sscc WHERE pc.unpacked_seq IS NULL)
  SELECT COALESCE(array_agg(sscc::text ORDER BY depth), '{}') FROM up)`;

/** A chunk of units to insert: their minted positions, their serials and check-code hashes in the same order. */
export interface UnitChunk {
  positions: number[];
  serials: Buffer;
  checkHashes: Buffer;
}

/** What the commissioning row holds, known once all its units were made. */
export interface PendingCommissioning {
  serialsRoot: Buffer;
  blockHashes: Buffer;
  serials: Buffer;
  sealedCodes: Buffer;
}

/** An event that named a unit, as its page and unit() show it. */
export interface UnitEventRow {
  seq: number;
  /** null: the entry's payload was erased. */
  bizStep: BizStep | null;
  eventTime: Date;
  facilityName: string | null;
  /** The RETAIL_SELLING that sold the unit. */
  sale: boolean;
}

export interface UnitChecks {
  checks: number;
  firstCheckedAt: Date | null;
  wrong: number;
  wrongSince: Date | null;
}

/** The unit's window of wrong checks ($3 ms long) has not begun or is over. */
const WINDOW_OVER = 'unit_check.wrong_since IS NULL OR unit_check.wrong_since < now() - make_interval(secs => $3 / 1000.0)';

@Injectable()
export class UnitsRepository {
  constructor(private readonly db: Database) {}

  async findBatch(batchId: string, tx: Tx = this.db): Promise<BatchForUnits | null> {
    const { rows } = await tx.query<{ producer_id: string; gtin: string | null; lot_code: string }>(
      'SELECT b.producer_id, p.gtin, b.lot_code FROM batch b JOIN product p ON p.id = b.product_id WHERE b.id = $1',
      [batchId],
    );
    return rows[0] ? { producerId: rows[0].producer_id, gtin: rows[0].gtin, lotCode: rows[0].lot_code } : null;
  }

  /**
   * A commissioning and its units, not yet visible (no entry): one transaction of its own, before the
   * ledger entry, so the chain-head lock is not held while a million rows go in. `chunks` is read as the
   * statements go: while PostgreSQL inserts a chunk, the next one is computed (two cores both busy). The
   * serials and hashes go as one bytea each per chunk, cut in SQL, the positions as one int[] of the chunk's.
   * `finish` gives what is known once every chunk was made (the tree's root): the commissioning row goes last.
   */
  async insertPending(
    id: string,
    c: { batchId: string; gtin: string; count: number; serialWidth: number },
    chunks: Iterable<UnitChunk>,
    finish: () => PendingCommissioning,
    /** A transaction to write in (an EPCIS capture's, which also appends the entry); else one of its own. */
    inTx?: Tx,
  ): Promise<void> {
    const within = (work: (tx: Tx) => Promise<void>) => (inTx ? work(inTx) : this.db.transaction(work));
    await within(async (tx) => {
      const inFlight: Promise<unknown>[] = [];
      try {
        for (const chunk of chunks) {
          inFlight.push(
            tx.query(
              `INSERT INTO unit (gtin, serial, commissioning_id, position, check_hash)
               SELECT $1::bigint, rtrim(convert_from(substring($2::bytea FROM i * $7::int + 1 FOR $7::int), 'UTF8'), ' '), $3::uuid, ($4::int[])[i + 1],
                      substring($5::bytea FROM i * ${CHECK_HASH_BYTES} + 1 FOR ${CHECK_HASH_BYTES})
               FROM generate_series(0, $6::int - 1) AS i`,
              [c.gtin, chunk.serials, id, chunk.positions, chunk.checkHashes, chunk.positions.length, c.serialWidth],
            ),
          );
          // At most two statements queued: one running, one ready, while the next chunk is computed.
          if (inFlight.length >= 2) await inFlight.shift();
        }
      } catch (err) {
        // Every queued statement settles before the transaction ends (a failed one fails those after it).
        await Promise.allSettled(inFlight);
        throw err;
      }
      await Promise.all(inFlight);
      const done = finish();
      await tx.query(
        'INSERT INTO unit_commissioning (id, batch_id, gtin, count, serials_root, block_hashes, serials, serial_width) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [id, c.batchId, c.gtin, c.count, done.serialsRoot, done.blockHashes, done.serials, c.serialWidth],
      );
      await tx.query('INSERT INTO unit_code_pending (commissioning_id, sealed) VALUES ($1, $2)', [id, done.sealedCodes]);
    });
  }

  /** Makes a pending commissioning visible: in the ledger writer's transaction, with its entry. */
  async finishInTx(tx: Tx, id: string, entrySeq: number): Promise<void> {
    await tx.query('UPDATE unit_commissioning SET entry_seq = $2 WHERE id = $1 AND entry_seq IS NULL', [id, entrySeq]);
  }

  async findCommissioning(id: string): Promise<Commissioning | null> {
    return (await this.commissionings('c.id = $1', [id]))[0] ?? null;
  }

  async findCommissioningBySeq(seq: number): Promise<Commissioning | null> {
    return (await this.commissionings('c.entry_seq = $1', [seq]))[0] ?? null;
  }

  /** A lot's commissionings, oldest first (by their entries). */
  async commissioningsOfBatch(batchId: string): Promise<Commissioning[]> {
    return this.commissionings('c.batch_id = $1', [batchId], 'ORDER BY c.entry_seq');
  }

  private async commissionings(where: string, params: unknown[], order = ''): Promise<Commissioning[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT c.id, c.batch_id, b.producer_id, c.gtin::text AS gtin, b.lot_code, p.name AS product_name, c.count, c.serials_root, c.entry_seq,
              c.downloads, c.serial_width
       FROM unit_commissioning c JOIN batch b ON b.id = c.batch_id JOIN product p ON p.id = b.product_id
       WHERE ${where} AND c.entry_seq IS NOT NULL ${order}`,
      params,
    );
    return rows.map((r) => ({
      id: r.id as string,
      batchId: r.batch_id as string,
      producerId: r.producer_id as string,
      gtin: (r.gtin as string).padStart(14, '0'),
      lotCode: r.lot_code as string,
      productName: r.product_name as string,
      count: r.count as number,
      serialsRoot: r.serials_root as Buffer,
      entrySeq: Number(r.entry_seq),
      downloads: r.downloads as number,
      serialWidth: r.serial_width as number,
    }));
  }

  /** Serials `from` .. `from + limit` of a commissioning in CSV order, as ASCII bytes end to end, `width` bytes each (Commissioning.serialWidth). */
  async serialsSlice(id: string, from: number, limit: number, width: number): Promise<Buffer> {
    const { rows } = await this.db.read<{ slice: Buffer }>(
      'SELECT substring(serials FROM $2::int * $4::int + 1 FOR $3::int * $4::int) AS slice FROM unit_commissioning WHERE id = $1',
      [id, from, limit, width],
    );
    return rows[0]?.slice ?? Buffer.alloc(0);
  }

  /** The sealed codes, if no download has taken them: claimed atomically, so two downloads at once cannot both get them. */
  async claimCodes(id: string): Promise<Buffer | null> {
    const { rows } = await this.db.query<{ sealed: Buffer }>(
      'UPDATE unit_code_pending SET claimed_at = now() WHERE commissioning_id = $1 AND claimed_at IS NULL AND sealed IS NOT NULL RETURNING sealed',
      [id],
    );
    return rows[0]?.sealed ?? null;
  }

  /** The download that claimed the codes finished: they are overwritten, and exist nowhere now. */
  async dropCodes(id: string): Promise<void> {
    await this.db.query('UPDATE unit_code_pending SET sealed = NULL, delivered_at = now() WHERE commissioning_id = $1', [id]);
  }

  /** The commissioning an earlier request of `actor` with this idempotency key made, and that request's fingerprint. */
  async findByIdempotencyKey(actor: string, key: string): Promise<{ entrySeq: number; requestHash: string } | null> {
    const { rows } = await this.db.query<{ seq: string; request_hash: string }>(
      'SELECT seq, request_hash FROM ledger_entry WHERE actor = $1 AND idempotency_key = $2',
      [actor, key],
    );
    return rows[0] ? { entrySeq: Number(rows[0].seq), requestHash: rows[0].request_hash } : null;
  }

  /** The download that claimed the codes broke off: the next one gets them. */
  async releaseCodes(id: string): Promise<void> {
    await this.db.query('UPDATE unit_code_pending SET claimed_at = NULL WHERE commissioning_id = $1 AND sealed IS NOT NULL', [id]);
  }

  async countDownload(id: string): Promise<void> {
    await this.db.query('UPDATE unit_commissioning SET downloads = downloads + 1 WHERE id = $1', [id]);
  }

  async findUnit(gtin: string, serial: string): Promise<StoredUnit | null> {
    const { rows } = await this.db.read<Record<string, unknown>>(
      `SELECT u.commissioning_id, u.position, u.check_hash, c.count, c.serials_root, c.block_hashes, c.entry_seq, c.serial_width,
              ${batchColumns('b')}, ${PACKAGE_PATH} AS package_path, COALESCE(h.custodian_id, b.custodian_id) AS holder_id,
              EXISTS (SELECT 1 FROM unit_event ue WHERE ue.gtin = u.gtin AND ue.serial = u.serial) AS named_by_events
       FROM unit u JOIN unit_commissioning c ON c.id = u.commissioning_id JOIN batch b ON b.id = c.batch_id
       LEFT JOIN unit_holder h ON h.gtin = u.gtin AND h.serial = u.serial
       WHERE u.gtin = $1 AND u.serial = $2 AND c.entry_seq IS NOT NULL`,
      [gtin, serial],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      commissioningId: r.commissioning_id as string,
      position: r.position as number,
      checkHash: r.check_hash as Buffer,
      count: r.count as number,
      serialsRoot: r.serials_root as Buffer,
      blockHashes: r.block_hashes as Buffer,
      entrySeq: Number(r.entry_seq),
      serialWidth: r.serial_width as number,
      batch: rowToBatch(r),
      packagePath: r.package_path as string[],
      holderId: r.holder_id as string,
      namedByEvents: r.named_by_events as boolean,
    };
  }

  /** The first of these serials another unit of the GTIN has (a visible unit or one of a refused commissioning), or null. */
  async takenSerial(gtin: string, serials: readonly string[], tx: Tx = this.db): Promise<string | null> {
    const { rows } = await tx.query<{ serial: string }>('SELECT serial FROM unit WHERE gtin = $1 AND serial = ANY($2::text[]) LIMIT 1', [gtin, serials]);
    return rows[0]?.serial ?? null;
  }

  /**
   * The events that named the unit (unit_event), oldest first, with the public facts of each (step, time,
   * place) and whether it is the unit's sale. An entry whose payload was erased gives its recording time and no step.
   */
  async unitEvents(gtin: string, serial: string): Promise<UnitEventRow[]> {
    const { rows } = await this.db.read<{ seq: string; payload: string | null; recorded_at: Date; facility_name: string | null; sale: boolean }>(
      `SELECT e.seq, e.payload, e.recorded_at, f.name AS facility_name, s.entry_seq IS NOT NULL AS sale
       FROM unit_event ue JOIN ledger_entry e ON e.seq = ue.entry_seq
       LEFT JOIN facility f ON f.id = (e.payload::jsonb ->> 'facilityId')::uuid
       LEFT JOIN unit_sale s ON s.gtin = ue.gtin AND s.serial = ue.serial AND s.entry_seq = ue.entry_seq
       WHERE ue.gtin = $1 AND ue.serial = $2
       ORDER BY e.seq`,
      [gtin, serial],
    );
    return rows.map((r) => {
      const payload = r.payload === null ? null : (JSON.parse(r.payload) as { bizStep?: BizStep; eventTime?: string });
      return {
        seq: Number(r.seq),
        bizStep: payload?.bizStep ?? null,
        eventTime: payload?.eventTime ? new Date(payload.eventTime) : r.recorded_at,
        facilityName: r.facility_name,
        sale: r.sale,
      };
    });
  }

  async checksOf(gtin: string, serial: string): Promise<UnitChecks | null> {
    const { rows } = await this.db.query<{ checks: number; first_checked_at: Date | null; wrong: number; wrong_since: Date | null }>(
      'SELECT checks, first_checked_at, wrong, wrong_since FROM unit_check WHERE gtin = $1 AND serial = $2',
      [gtin, serial],
    );
    const r = rows[0];
    return r ? { checks: r.checks, firstCheckedAt: r.first_checked_at, wrong: r.wrong, wrongSince: r.wrong_since } : null;
  }

  /** A correct check: counted, the first one's time kept. Answers the unit's checks after it. */
  async recordCorrectCheck(gtin: string, serial: string): Promise<{ checks: number; firstCheckedAt: Date }> {
    const { rows } = await this.db.query<{ checks: number; first_checked_at: Date }>(
      `INSERT INTO unit_check (gtin, serial, checks, first_checked_at) VALUES ($1, $2, 1, now())
       ON CONFLICT (gtin, serial) DO UPDATE SET checks = unit_check.checks + 1, first_checked_at = COALESCE(unit_check.first_checked_at, now())
       RETURNING checks, first_checked_at`,
      [gtin, serial],
    );
    return { checks: rows[0].checks, firstCheckedAt: rows[0].first_checked_at };
  }

  /** A wrong code for an existing unit: counted in a window that starts again `windowMs` after its first wrong guess. */
  async recordWrongCheck(gtin: string, serial: string, windowMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO unit_check (gtin, serial, wrong, wrong_since) VALUES ($1, $2, 1, now())
       ON CONFLICT (gtin, serial) DO UPDATE SET
         wrong = CASE WHEN ${WINDOW_OVER} THEN 1 ELSE unit_check.wrong + 1 END,
         wrong_since = CASE WHEN ${WINDOW_OVER} THEN now() ELSE unit_check.wrong_since END`,
      [gtin, serial, windowMs],
    );
  }
}
