import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every statement that appends to the ledger tells listeners which batches it touched, on channel
 * `ledger_appended`: their ids joined by commas, or `*` when an entry names no batch (a recall
 * closed, an organization registered: anything may have changed) or the list would not fit in a
 * notice. NOTIFY is transactional, so the notice goes out when, and only if, the append commits;
 * a trigger rather than the writer, so that every process and tool that appends is covered.
 * The service's caches of public views listen (see src/ledger/ledger-changes.ts).
 */
export class LedgerAppendedNotice1765619200000 implements MigrationInterface {
  name = 'LedgerAppendedNotice1765619200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION ledger_entry_notify_appended() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        touched text;
      BEGIN
        SELECT CASE WHEN bool_or(batch_id IS NULL) THEN '*' ELSE string_agg(DISTINCT batch_id::text, ',') END INTO touched FROM appended;
        IF touched IS NOT NULL THEN
          -- A notice holds at most 8000 bytes; 7,000 is about 190 batch ids.
          PERFORM pg_notify('ledger_appended', CASE WHEN length(touched) > 7000 THEN '*' ELSE touched END);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER ledger_entry_notify_appended AFTER INSERT ON ledger_entry
      REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_notify_appended()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER ledger_entry_notify_appended ON ledger_entry`);
    await q.query(`DROP FUNCTION ledger_entry_notify_appended`);
  }
}
