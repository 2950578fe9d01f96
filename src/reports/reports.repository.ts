import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BatchFacts, TransformationFacts } from './mock-recall-report.js';

@Injectable()
export class ReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** What the report says of each batch: the batch with its product, producer, holder, origin and cold-chain summary, in one query. */
  async describeBatches(batchIds: string[]): Promise<Map<string, BatchFacts>> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT b.id, b.custodian_id, b.lot_code, b.trace_code, b.quantity, b.unit, b.status, b.held, b.recalled, b.in_transit_quantity,
              b.reading_count, b.excursions, b.mean_kinetic_temp_c,
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
      rows.map((r) => [
        r.id as string,
        {
          id: r.id as string,
          productName: r.product_name as string,
          gtin: (r.gtin as string | null) ?? null,
          storage: r.storage as BatchFacts['storage'],
          lotCode: r.lot_code as string,
          traceCode: r.trace_code as string,
          producer: r.producer as string,
          holderId: r.custodian_id as string,
          holder: r.holder as string,
          inTransitTo: (r.in_transit_to as string | null) ?? null,
          inTransitQuantity: (r.in_transit_quantity as number | null) ?? null,
          origin: (r.origin as string | null) ?? null,
          quantity: r.quantity as number,
          unit: r.unit as string,
          status: r.status as BatchFacts['status'],
          held: r.held as boolean,
          recalled: r.recalled as boolean,
          readingCount: r.reading_count as number,
          meanKineticTempC: (r.mean_kinetic_temp_c as number | null) ?? null,
          // Stored as JSON: the instants come back as ISO strings.
          excursions: (r.excursions as { kind: 'OUT_OF_RANGE' | 'GAP'; start: string; end: string; minutes: number; minC: number; maxC: number }[]).map(
            (x) => ({
              ...x,
              start: new Date(x.start),
              end: new Date(x.end),
            }),
          ),
        },
      ]),
    );
  }

  /** Who transformed what, where and when, with every batch it took from or made (also those outside a trace). */
  async transformations(ids: string[]): Promise<TransformationFacts[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT t.id, t.event_time, o.name AS organization, nullif(concat_ws(', ', f.name, f.region), '') AS place,
              array(SELECT DISTINCT x FROM lineage_edge e CROSS JOIN LATERAL unnest(array[e.from_batch_id, e.to_batch_id]) x WHERE e.transformation_id = t.id) AS batch_ids
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
