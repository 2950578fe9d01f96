import { Injectable } from '@nestjs/common';
import { batchColumns, rowToBatch } from '../batches/batch-row.js';
import { Database } from '../database/database.js';
import type { BatchFacts, TransformationFacts } from './mock-recall-model.js';

@Injectable()
export class ReportsRepository {
  constructor(private readonly db: Database) {}

  /** What the report says of each batch: the batch with its product, producer, holder, origin and cold-chain summary, in one query. */
  async describeBatches(batchIds: string[]): Promise<Map<string, BatchFacts>> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT ${batchColumns('b')},
              p.name AS product_name, p.gtin, p.storage,
              producer.name AS producer, holder.name AS holder, transit.name AS in_transit_to,
              nullif(concat_ws(', ', f.name, f.region), '') AS origin
       FROM batch b
         JOIN product p ON p.id = b.product_id
         JOIN organization producer ON producer.id = b.producer_id
         JOIN organization holder ON holder.id = b.custodian_id
         LEFT JOIN organization transit ON transit.id = b.in_transit_to_id
         JOIN facility f ON f.id = b.origin_facility_id
       WHERE b.id = ANY($1::uuid[])`,
      [batchIds],
    );
    return new Map(
      rows.map((r) => {
        const batch = rowToBatch(r);
        const facts: BatchFacts = {
          id: batch.id,
          productName: r.product_name as string,
          gtin: (r.gtin as string | null) ?? null,
          storage: r.storage as BatchFacts['storage'],
          lotCode: batch.lotCode,
          traceCode: batch.traceCode,
          producer: r.producer as string,
          producerId: batch.producerId,
          holderId: batch.custodianId,
          holder: r.holder as string,
          inTransitTo: (r.in_transit_to as string | null) ?? null,
          inTransitQuantity: batch.inTransitQuantity,
          origin: (r.origin as string | null) ?? null,
          quantity: batch.quantity,
          unit: batch.unit,
          status: batch.status,
          held: batch.held,
          recalled: batch.recalled,
          readingCount: batch.readingCount,
          meanKineticTempC: batch.meanKineticTempC,
          // Stored as JSON: the instants come back as ISO strings.
          excursions: batch.excursions.map((x) => ({ ...x, start: new Date(x.start), end: new Date(x.end) })),
        };
        return [batch.id, facts];
      }),
    );
  }

  /** Who transformed what, where and when, with every batch it took from or made (also those outside a trace). */
  async transformations(ids: string[]): Promise<TransformationFacts[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT t.id, t.event_time, o.name AS organization, nullif(concat_ws(', ', f.name, f.region), '') AS place,
              array(SELECT DISTINCT x FROM lineage_edge e CROSS JOIN LATERAL unnest(array[e.from_batch_id, e.to_batch_id]) x
                     WHERE e.transformation_id = t.id) AS batch_ids
       FROM transformation t JOIN organization o ON o.id = t.organization_id JOIN facility f ON f.id = t.facility_id
       WHERE t.id = ANY($1::uuid[]) ORDER BY t.event_time, t.id`,
      [ids],
    );
    return rows.map((r) => ({
      id: r.id as string,
      eventTime: r.event_time as Date,
      organization: r.organization as string,
      place: (r.place as string | null) ?? null,
      batchIds: r.batch_ids as string[],
    }));
  }
}
