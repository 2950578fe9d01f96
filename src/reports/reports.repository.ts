import { Injectable } from '@nestjs/common';
import { batchColumns, rowToBatch } from '../batches/batch-row.js';
import { Database } from '../database/database.js';
import type { BatchFacts, TemperatureFacts, TransformationFacts } from './mock-recall-model.js';

/** Most points one chart draws: each the most extreme reading of its stretch, so a spike still shows and a long record stays small. */
export const REPORT_CHART_POINTS = 240;

@Injectable()
export class ReportsRepository {
  constructor(private readonly db: Database) {}

  /** What the report says of each batch: the batch with its product, producer, holder, origin and cold-chain summary, in one query. */
  async describeBatches(batchIds: string[]): Promise<Map<string, BatchFacts>> {
    const { rows } = await this.db.read<Record<string, unknown>>(
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
          inTransitToId: batch.inTransitToId,
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
    const { rows } = await this.db.read<Record<string, unknown>>(
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

  /** The temperature records of these batches (those with readings), each thinned to REPORT_CHART_POINTS, with the product's limits. */
  async temperatures(batchIds: string[]): Promise<TemperatureFacts[]> {
    const { rows } = await this.db.read<{
      batch_id: string;
      min_temp_c: number | null;
      max_temp_c: number | null;
      readings: { at: string; celsius: number }[];
    }>(
      `SELECT b.id AS batch_id, p.min_temp_c, p.max_temp_c,
              (SELECT json_agg(json_build_object('at', kept.at, 'celsius', kept.celsius) ORDER BY kept.at) FROM (
                 SELECT DISTINCT ON (stretch) at, celsius FROM (
                   SELECT at, celsius, ntile(${REPORT_CHART_POINTS}) OVER (ORDER BY at) AS stretch FROM temperature_reading WHERE batch_id = b.id) r
                 ORDER BY stretch, abs(celsius) DESC, at) kept) AS readings
       FROM batch b JOIN product p ON p.id = b.product_id
       WHERE b.id = ANY($1::uuid[]) AND b.reading_count > 0`,
      [batchIds],
    );
    return rows.map((r) => ({
      batchId: r.batch_id,
      minTempC: r.min_temp_c === null ? null : Number(r.min_temp_c),
      maxTempC: r.max_temp_c === null ? null : Number(r.max_temp_c),
      readings: (r.readings ?? []).map((x) => ({ at: new Date(x.at), celsius: Number(x.celsius) })),
    }));
  }
}
