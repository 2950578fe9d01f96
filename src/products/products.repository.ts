import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { Tx } from '../database/database.js';
import { ProductEntity } from './product.entity.js';
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
  constructor(private readonly dataSource: DataSource) {}

  async findById(id: string): Promise<Product | null> {
    const found = await this.dataSource.getRepository(ProductEntity).findOne({ where: { id } });
    return found && withoutCreatedSeq(found);
  }

  async findByIds(ids: string[]): Promise<Map<string, Product>> {
    const found = await this.dataSource.getRepository(ProductEntity).findBy({ id: In(ids) });
    return new Map(found.map((p) => [p.id, withoutCreatedSeq(p)]));
  }

  async findOwnerInTx(tx: Tx, id: string): Promise<string | null> {
    const { rows } = await tx.query<{ organization_id: string }>('SELECT organization_id FROM product WHERE id = $1', [id]);
    return rows[0]?.organization_id ?? null;
  }

  async gtinTaken(tx: Tx, gtin: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM product WHERE gtin = $1', [gtin])).rowCount === 1;
  }

  async insert(tx: Tx, p: Product & { createdSeq: number }): Promise<void> {
    await tx.query(
      `INSERT INTO product (id, organization_id, name, gtin, category, storage, min_temp_c, max_temp_c, geographic_indication, excursion_tolerance_minutes, max_reading_gap_minutes, created_seq)
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

function withoutCreatedSeq({ createdSeq: _seq, organization: _org, ...product }: ProductEntity): Product {
  return product;
}
