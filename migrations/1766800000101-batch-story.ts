import { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLE } from './1765446400000-service-role.js';

/**
 * A summary of each batch's own story (src/scan/lot-story.ts), so that a lot's scan and page read what
 * changed since it was kept instead of every event: `story` holds the batch's event count, counts per
 * step, the first event of each step, the newest 10, the first 100 and its inspection totals, folded
 * from every entry of the batch up to `through_seq`. `verified_*` is the point through which the
 * batch's chain was checked (its newest checked entry's seq and hash, and how many entries up to it):
 * a read hashes only the entries after it again, linked to that hash.
 *
 * A projection kept by its readers, not by the writer (scan.repository.ts, "lot stories"): it is exact
 * for the entries up to `through_seq`, and a read always folds in the entries after it, so a summary
 * that is behind or absent costs time, never a wrong answer. Rows only move forward.
 *
 * The backfill folds the whole ledger in one statement (window functions over the event entries; a
 * 1,000,000-entry ledger is one sort of its ~600,000 event entries). It leaves `verified_*` empty: vouching
 * for a chain here would need a frozen copy of the hash rule, and a lot's first read after it checks its
 * whole chain once, as every read did before, then keeps the point.
 */
export class BatchStory1766800000101 implements MigrationInterface {
  name = 'BatchStory1766800000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE batch_story (
        batch_id uuid NOT NULL,
        through_seq bigint NOT NULL,
        story jsonb NOT NULL,
        verified_seq bigint,
        verified_hash character(64),
        verified_entries integer,
        CONSTRAINT pk_batch_story PRIMARY KEY (batch_id),
        CONSTRAINT fk_batch_story_batch FOREIGN KEY (batch_id) REFERENCES batch (id),
        CONSTRAINT chk_batch_story_verified CHECK ((verified_seq IS NULL) = (verified_hash IS NULL) AND (verified_seq IS NULL) = (verified_entries IS NULL))
      )`);
    // The same events, steps and times as the scan's whole-story read (scan.repository.ts, publicTimelineSql), as of this migration.
    await q.query(`
      INSERT INTO batch_story (batch_id, through_seq, story)
      WITH ev AS (
        SELECT l.batch_id, l.seq,
               CASE l.type WHEN 'BATCH_REGISTERED' THEN 'COMMISSIONING' WHEN 'INSPECTION_RECORDED' THEN 'INSPECTING'
                           ELSE l.payload::jsonb ->> 'bizStep' END AS step,
               (extract(epoch FROM COALESCE((l.payload::jsonb ->> 'eventTime')::timestamptz, (l.payload::jsonb ->> 'producedAt')::timestamptz,
                                            l.recorded_at)) * 1000000)::bigint AS at,
               CASE WHEN l.type = 'INSPECTION_RECORDED' THEN l.payload::jsonb ->> 'verdict' END AS verdict
        FROM ledger_entry l
        WHERE l.batch_id IS NOT NULL AND l.type IN ('BATCH_REGISTERED', 'EVENT_RECORDED', 'INSPECTION_RECORDED', 'RECALLING') AND l.payload IS NOT NULL),
      ranked AS (
        SELECT ev.*, jsonb_build_object('seq', seq, 'at', at, 'step', step) AS event,
               row_number() OVER (PARTITION BY batch_id ORDER BY at, seq) AS from_first,
               row_number() OVER (PARTITION BY batch_id ORDER BY at DESC, seq DESC) AS from_newest,
               row_number() OVER (PARTITION BY batch_id, step ORDER BY at, seq) AS of_step
        FROM ev),
      steps AS (
        SELECT batch_id, jsonb_object_agg(step, n) AS counts FROM (SELECT batch_id, step, count(*) AS n FROM ev GROUP BY batch_id, step) c GROUP BY batch_id),
      stories AS (
        SELECT batch_id, count(*) AS events,
               jsonb_agg(event ORDER BY at, seq) FILTER (WHERE of_step = 1) AS firsts,
               jsonb_agg(event ORDER BY at DESC, seq DESC) FILTER (WHERE from_newest <= 10) AS newest,
               jsonb_agg(event ORDER BY at, seq) FILTER (WHERE from_first <= 100) AS head,
               count(*) FILTER (WHERE verdict IS NOT NULL) AS inspections,
               count(*) FILTER (WHERE verdict = 'FAIL') AS failed,
               (array_agg(jsonb_build_object('seq', seq, 'verdict', verdict) ORDER BY seq DESC) FILTER (WHERE verdict IS NOT NULL))[1] AS latest
        FROM ranked GROUP BY batch_id),
      heads AS (SELECT batch_id, max(seq) AS through_seq FROM ledger_entry WHERE batch_id IS NOT NULL GROUP BY batch_id)
      SELECT h.batch_id, h.through_seq, jsonb_build_object(
               'sizes', jsonb_build_object('head', 100, 'newest', 10),
               'eventCount', coalesce(s.events, 0),
               'stepCounts', coalesce(st.counts, '{}'),
               'firsts', coalesce(s.firsts, '[]'),
               'newest', coalesce(s.newest, '[]'),
               'head', coalesce(s.head, '[]'),
               'inspections', jsonb_build_object('total', coalesce(s.inspections, 0), 'failed', coalesce(s.failed, 0), 'latest', s.latest))
      FROM heads h JOIN batch b ON b.id = h.batch_id LEFT JOIN stories s ON s.batch_id = h.batch_id LEFT JOIN steps st ON st.batch_id = h.batch_id`);
    // Its readers keep it (they never delete a row).
    await q.query(`GRANT SELECT, INSERT, UPDATE ON TABLE batch_story TO ${SERVICE_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE batch_story`);
  }
}
