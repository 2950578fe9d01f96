import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

/** A lot as the resolver links it: public facts only. */
export interface ResolvedLot {
  traceCode: string;
  productName: string;
  /** The newest open recall naming the lot (the one its page shows), if any. */
  recallId: string | null;
  /** Whether its page shows certificates (of the lot or of its product). */
  hasCertificates: boolean;
}

/** A product as its public product page shows it. */
export interface ResolvedProduct {
  gtin: string;
  name: string;
  producer: string;
}

/** The resolver's reads: a lot by GTIN and lot code, a product by GTIN. */
@Injectable()
export class DigitalLinkRepository {
  constructor(private readonly db: Database) {}

  async findLot(gtin: string, lotCode: string): Promise<ResolvedLot | null> {
    const { rows } = await this.db.read<{ trace_code: string; product_name: string; recall_id: string | null; has_certificates: boolean }>(
      `SELECT b.trace_code, p.name AS product_name,
              (SELECT r.id FROM recall r JOIN recall_batch rb ON rb.recall_id = r.id
               WHERE rb.batch_id = b.id AND r.status = 'OPEN' ORDER BY r.initiated_at DESC LIMIT 1) AS recall_id,
              EXISTS (SELECT 1 FROM certificate c WHERE c.batch_id = b.id OR c.product_id = b.product_id) AS has_certificates
       FROM batch b JOIN product p ON p.id = b.product_id
       WHERE p.gtin = $1 AND b.lot_code = $2`,
      [gtin, lotCode],
    );
    const r = rows[0];
    return r ? { traceCode: r.trace_code, productName: r.product_name, recallId: r.recall_id, hasCertificates: r.has_certificates } : null;
  }

  /** A commissioned unit's lot, as findLot answers it, and its lot code. */
  async findUnitLot(gtin: string, serial: string): Promise<(ResolvedLot & { lotCode: string }) | null> {
    const { rows } = await this.db.read<{ lot_code: string; trace_code: string; product_name: string; recall_id: string | null; has_certificates: boolean }>(
      `SELECT b.lot_code, b.trace_code, p.name AS product_name,
              (SELECT r.id FROM recall r JOIN recall_batch rb ON rb.recall_id = r.id
               WHERE rb.batch_id = b.id AND r.status = 'OPEN' ORDER BY r.initiated_at DESC LIMIT 1) AS recall_id,
              EXISTS (SELECT 1 FROM certificate c WHERE c.batch_id = b.id OR c.product_id = b.product_id) AS has_certificates
       FROM unit u JOIN unit_commissioning uc ON uc.id = u.commissioning_id AND uc.entry_seq IS NOT NULL
            JOIN batch b ON b.id = uc.batch_id JOIN product p ON p.id = b.product_id
       WHERE u.gtin = $1 AND u.serial = $2`,
      [gtin, serial],
    );
    const r = rows[0];
    return r ? { lotCode: r.lot_code, traceCode: r.trace_code, productName: r.product_name, recallId: r.recall_id, hasCertificates: r.has_certificates } : null;
  }

  async findProduct(gtin: string): Promise<ResolvedProduct | null> {
    const { rows } = await this.db.read<ResolvedProduct>(
      `SELECT p.gtin, p.name, o.name AS producer FROM product p JOIN organization o ON o.id = p.organization_id WHERE p.gtin = $1`,
      [gtin],
    );
    return rows[0] ?? null;
  }
}
