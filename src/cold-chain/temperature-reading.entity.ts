import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BatchEntity } from '../batches/batch.entity.js';

/** One temperature reading of a batch (one per sensor and instant); the ledger entry of seq holds it too. */
@Entity('temperature_reading')
@Index('idx_temperature_reading_batch_at', ['batchId', 'at'])
@Check('chk_temperature_reading_celsius', 'celsius BETWEEN -100 AND 100')
export class TemperatureReadingEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_temperature_reading' })
  batchId: string;

  @ManyToOne(() => BatchEntity, { nullable: false })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_temperature_reading_batch' })
  batch?: BatchEntity;

  @PrimaryColumn({ type: 'timestamp with time zone', precision: 3, primaryKeyConstraintName: 'pk_temperature_reading' })
  at: Date;

  @Column({ type: 'double precision' })
  celsius: number;

  @PrimaryColumn({ type: 'character varying', length: 64, primaryKeyConstraintName: 'pk_temperature_reading' })
  sensorId: string;

  @Column({ type: 'bigint' })
  seq: string;
}
