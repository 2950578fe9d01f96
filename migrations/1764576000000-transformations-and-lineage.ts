import { MigrationInterface, QueryRunner } from 'typeorm';

/** Transformations (milling, pooling, packing, splitting, mixing) and the lineage edges input → output they leave for trace. */
export class TransformationsAndLineage1764576000000 implements MigrationInterface {
  name = 'TransformationsAndLineage1764576000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE transformation (
        id uuid NOT NULL,
        organization_id uuid NOT NULL,
        facility_id uuid NOT NULL,
        event_time timestamp(3) with time zone NOT NULL,
        created_seq bigint NOT NULL,
        CONSTRAINT pk_transformation PRIMARY KEY (id),
        CONSTRAINT fk_transformation_organization FOREIGN KEY (organization_id) REFERENCES organization (id),
        CONSTRAINT fk_transformation_facility FOREIGN KEY (facility_id) REFERENCES facility (id)
      )`);
    await q.query(`
      CREATE TABLE lineage_edge (
        transformation_id uuid NOT NULL,
        from_batch_id uuid NOT NULL,
        to_batch_id uuid NOT NULL,
        quantity double precision,
        CONSTRAINT pk_lineage_edge PRIMARY KEY (transformation_id, from_batch_id, to_batch_id),
        CONSTRAINT fk_lineage_edge_transformation FOREIGN KEY (transformation_id) REFERENCES transformation (id),
        CONSTRAINT fk_lineage_edge_from_batch FOREIGN KEY (from_batch_id) REFERENCES batch (id),
        CONSTRAINT fk_lineage_edge_to_batch FOREIGN KEY (to_batch_id) REFERENCES batch (id),
        CONSTRAINT chk_lineage_edge_quantity CHECK (quantity IS NULL OR quantity > 0),
        CONSTRAINT chk_lineage_edge_not_self CHECK (from_batch_id <> to_batch_id)
      )`);
    await q.query(`CREATE INDEX idx_lineage_edge_from ON lineage_edge (from_batch_id)`);
    await q.query(`CREATE INDEX idx_lineage_edge_to ON lineage_edge (to_batch_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lineage_edge`);
    await q.query(`DROP TABLE transformation`);
  }
}
