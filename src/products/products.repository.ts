import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '../database/database.js';
import type { ProductCategory, StorageCondition } from './product-kinds.js';

export interface Product {
  id: string;
  organizationId: string;
  name: string;
  gtin: string | null;
  category: ProductCategory;
  storage: StorageCondition;
  minTempC: number | null;
  maxTempC: number | null;
  geographicIndication: string | null;
  excursionToleranceMinutes: number;
  maxReadingGapMinutes: number;
}

@Injectable()
export class ProductsRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<Product | null> {
    return (await this.findByIds([id])).get(id) ?? null;
  }

  async findByIds(ids: string[]): Promise<Map<string, Product>> {
    const { rows } = await this.db.query(`SELECT ${PRODUCT_COLUMNS} FROM product WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id as string, toProduct(r)]));
  }

  async findOwnerInTx(tx: Tx, id: string): Promise<string | null> {
    const { rows } = await tx.query<{ organization_id: string }>('SELECT organization_id FROM product WHERE id = $1', [id]);
    return rows[0]?.organization_id ?? null;
  }

  /** Who owns the product and its GTIN, if any (a lot of a product with a GTIN follows GS1's AI 10). */
  async findOwnerAndGtinInTx(tx: Tx, id: string): Promise<{ organizationId: string; gtin: string | null } | null> {
    const { rows } = await tx.query<{ organization_id: string; gtin: string | null }>('SELECT organization_id, gtin FROM product WHERE id = $1', [id]);
    return rows[0] ? { organizationId: rows[0].organization_id, gtin: rows[0].gtin } : null;
  }

  async gtinTaken(tx: Tx, gtin: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM product WHERE gtin = $1', [gtin])).rowCount === 1;
  }

  async insert(tx: Tx, p: Product & { createdSeq: number }): Promise<void> {
    await tx.query(
      `INSERT INTO product (id, organization_id, name, gtin, category, storage, min_temp_c, max_temp_c, geographic_indication,
                            excursion_tolerance_minutes, max_reading_gap_minutes, created_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        p.id,
        p.organizationId,
        p.name,
        p.gtin,
        p.category,
        p.storage,
        p.minTempC,
        p.maxTempC,
        p.geographicIndication,
        p.excursionToleranceMinutes,
        p.maxReadingGapMinutes,
        p.createdSeq,
      ],
    );
  }
}

export const PRODUCT_COLUMNS =
  'id, organization_id, name, gtin, category, storage, min_temp_c, max_temp_c, geographic_indication, excursion_tolerance_minutes, max_reading_gap_minutes';

export function toProduct(r: Record<string, unknown>): Product {
  return {
    id: r.id as string,
    organizationId: r.organization_id as string,
    name: r.name as string,
    gtin: (r.gtin as string | null) ?? null,
    category: r.category as ProductCategory,
    storage: r.storage as StorageCondition,
    minTempC: (r.min_temp_c as number | null) ?? null,
    maxTempC: (r.max_temp_c as number | null) ?? null,
    geographicIndication: (r.geographic_indication as string | null) ?? null,
    excursionToleranceMinutes: r.excursion_tolerance_minutes as number,
    maxReadingGapMinutes: r.max_reading_gap_minutes as number,
  };
}
