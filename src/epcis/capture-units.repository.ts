import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/database.js';

/** What capturing a serialized event looks up: the lot each named unit belongs to. */
@Injectable()
export class CaptureUnitsRepository {
  /** The lot (batch id) of each of these serials of a GTIN that is a commissioned unit (its entry in the ledger); missing ones are absent. */
  async lotsOfUnitsInTx(tx: Tx, gtin: string, serials: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await tx.query<{ serial: string; batch_id: string }>(
      `SELECT u.serial, c.batch_id FROM unit u JOIN unit_commissioning c ON c.id = u.commissioning_id
       WHERE u.gtin = $1 AND u.serial = ANY($2::text[]) AND c.entry_seq IS NOT NULL`,
      [gtin, serials],
    );
    return new Map(rows.map((r) => [r.serial, r.batch_id]));
  }
}
