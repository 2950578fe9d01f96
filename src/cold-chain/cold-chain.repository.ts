import { Injectable } from '@nestjs/common';
import type { BatchStatus } from '../batches/batch-status.js';
import { custodyColumns, rowToCustody } from '../batches/batch-row.js';
import { Database, type Tx } from '../database/database.js';
import type { StorageCondition } from '../products/product-kinds.js';
import { Excursion, ExcursionRules, Reading } from './excursions.js';

export interface ColdChainBatch {
  id: string;
  custodianId: string;
  inTransitToId: string | null;
  status: BatchStatus;
  storage: StorageCondition;
  rules: ExcursionRules;
}

@Injectable()
export class ColdChainRepository {
  constructor(private readonly db: Database) {}

  async batchInTx(tx: Tx, id: string): Promise<ColdChainBatch | null> {
    const { rows } = await tx.query<Record<string, unknown>>(
      `SELECT ${custodyColumns('b')}, p.storage, p.min_temp_c, p.max_temp_c, p.excursion_tolerance_minutes, p.max_reading_gap_minutes
       FROM batch b JOIN product p ON p.id = b.product_id WHERE b.id = $1`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    const custody = rowToCustody(r);
    return {
      id: custody.id,
      custodianId: custody.custodianId,
      inTransitToId: custody.inTransitToId,
      status: custody.status,
      storage: r.storage as StorageCondition,
      rules: {
        minTempC: (r.min_temp_c as number | null) ?? null,
        maxTempC: (r.max_temp_c as number | null) ?? null,
        toleranceMinutes: r.excursion_tolerance_minutes as number,
        maxGapMinutes: r.max_reading_gap_minutes as number,
      },
    };
  }

  /** Readings of this sensor at these instants that are already recorded. */
  async alreadyRecordedInTx(tx: Tx, batchId: string, sensorId: string, at: Date[]): Promise<Date[]> {
    const { rows } = await tx.query<{ at: Date }>(
      'SELECT at FROM temperature_reading WHERE batch_id = $1 AND sensor_id = $2 AND at = ANY($3::timestamptz[]) ORDER BY at',
      [batchId, sensorId, at],
    );
    return rows.map((r) => r.at);
  }

  async insertReadingsInTx(tx: Tx, batchId: string, sensorId: string, seq: number, readings: Reading[]): Promise<void> {
    await tx.query(
      `INSERT INTO temperature_reading (batch_id, at, celsius, sensor_id, seq)
       SELECT $1, at, celsius, $2, $3 FROM unnest($4::timestamptz[], $5::float8[]) AS r(at, celsius)`,
      [batchId, sensorId, seq, readings.map((r) => r.at), readings.map((r) => r.celsius)],
    );
  }

  /** Every reading of the batch in time order (several sensors interleaved). */
  async readingsInTx(tx: Tx, batchId: string): Promise<Reading[]> {
    const { rows } = await tx.query<{ at: Date; celsius: number }>('SELECT at, celsius FROM temperature_reading WHERE batch_id = $1 ORDER BY at', [batchId]);
    return rows.map((r) => ({ at: r.at, celsius: r.celsius }));
  }

  async saveSummaryInTx(tx: Tx, batchId: string, summary: { readingCount: number; excursions: Excursion[]; meanKineticTempC: number | null }): Promise<void> {
    await tx.query('UPDATE batch SET reading_count = $2, excursion_count = $3, mean_kinetic_temp_c = $4, excursions = $5 WHERE id = $1', [
      batchId,
      summary.readingCount,
      summary.excursions.length,
      summary.meanKineticTempC,
      JSON.stringify(summary.excursions),
    ]);
  }

  async batchIdsWithExcursions(first: number): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>('SELECT id FROM batch WHERE excursion_count > 0 ORDER BY created_seq DESC LIMIT $1', [first]);
    return rows.map((r) => r.id);
  }
}
