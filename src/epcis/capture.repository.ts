import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/database.js';
import type { LotRef } from './epcis-identifiers.js';

/** What an EPCIS capture looks up by the names EPCIS uses: lots by GTIN and lot number or trace code, products by GTIN, places and parties by GLN. */
@Injectable()
export class CaptureRepository {
  /** Inside the capture's transaction, so a lot registered earlier in the same document is found. */
  async lotInTx(tx: Tx, ref: LotRef): Promise<{ id: string; unit: string } | null> {
    const { rows } =
      'traceCode' in ref
        ? await tx.query<{ id: string; unit: string }>('SELECT id, unit FROM batch WHERE trace_code = $1', [ref.traceCode])
        : await tx.query<{ id: string; unit: string }>(
            'SELECT b.id, b.unit FROM batch b JOIN product p ON p.id = b.product_id WHERE p.gtin = $1 AND b.lot_code = $2',
            [ref.gtin, ref.lot],
          );
    return rows[0] ?? null;
  }

  async productIdByGtinInTx(tx: Tx, gtin: string): Promise<string | null> {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM product WHERE gtin = $1', [gtin]);
    return rows[0]?.id ?? null;
  }

  /** A GLN's facility, with the organization that has it (a party named by a location of its own). */
  async facilityByGlnInTx(tx: Tx, gln: string): Promise<{ id: string; organizationId: string } | null> {
    const { rows } = await tx.query<{ id: string; organization_id: string }>('SELECT id, organization_id FROM facility WHERE gln = $1', [gln]);
    return rows[0] ? { id: rows[0].id, organizationId: rows[0].organization_id } : null;
  }
}
