import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { LedgerEntry } from './ledger-entry.js';
import { GENESIS_PREV_HASH } from './ledger-hash.js';
import { LEDGER_ENTRY_COLUMNS, latestBatchHashesSql, ledgerEntryColumns, rowToLedgerEntry } from './ledger-row.js';

/** Entries per SQL verification chunk, and chunks checked at once (one connection each). */
const VERIFY_CHUNK = 250_000;
const VERIFY_PARALLEL = 2;

@Injectable()
export class LedgerRepository {
  constructor(private readonly db: Database) {}

  async head(): Promise<{ size: number; hash: string }> {
    const { rows } = await this.db.query<{ seq: string; hash: string }>('SELECT seq, hash FROM ledger_head WHERE id = 1');
    return { size: Number(rows[0].seq), hash: rows[0].hash };
  }

  /**
   * The entries with afterSeq < seq ≤ min(afterSeq + count, toSeq), in order: a window of seq
   * numbers rather than a LIMIT, because seq is gapless and a window's plan is a short index range
   * whatever the planner's statistics say (on a freshly filled table a LIMIT query sorted the rest).
   */
  async findRange(afterSeq: number, toSeq: number, count: number): Promise<LedgerEntry[]> {
    const { rows } = await this.db.query(`SELECT ${LEDGER_ENTRY_COLUMNS} FROM ledger_entry WHERE seq > $1 AND seq <= $2 ORDER BY seq`, [
      afterSeq,
      Math.min(afterSeq + count, toSeq),
    ]);
    return rows.map((row) => rowToLedgerEntry(row));
  }

  /**
   * The first entry of fromSeq..toSeq that PostgreSQL, recomputing in SQL what the verifier recomputes
   * (payloadHash, the canonical envelope's hash, the prevHash and batchPrevHash links, gapless seq),
   * finds wrong or missing; null when every entry checks out. A fast first pass over millions of
   * entries: the verifier in Node then names the exact problem from there. Chunks run in parallel,
   * each linking its first entry to the stored entry before it (which the chunk before checks).
   */
  async firstSuspectSeq(fromSeq: number, toSeq: number): Promise<number | null> {
    // At least VERIFY_PARALLEL chunks, so a smaller ledger uses every connection too.
    const size = Math.min(VERIFY_CHUNK, Math.max(1000, Math.ceil((toSeq - fromSeq + 1) / VERIFY_PARALLEL)));
    const chunks: [number, number][] = [];
    for (let start = fromSeq; start <= toSeq; start += size) chunks.push([start, Math.min(start + size - 1, toSeq)]);
    const suspects: number[] = [];
    for (let i = 0; i < chunks.length; i += VERIFY_PARALLEL) {
      const found = await Promise.all(chunks.slice(i, i + VERIFY_PARALLEL).map(([from, to]) => this.firstSuspectInChunk(from, to)));
      suspects.push(...found.filter((s): s is number => s !== null));
      if (suspects.length > 0) break; // later chunks cannot come first
    }
    return suspects.length > 0 ? Math.min(...suspects) : null;
  }

  private async firstSuspectInChunk(from: number, to: number): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      // The batch links sort the chunk by batch: in memory, not on disk.
      await tx.query(`SET LOCAL work_mem = '128MB'`);
      const { rows } = await tx.query<{ first_bad: string | null; entries: string }>(
        `WITH hashed AS MATERIALIZED (
           -- The hashes first, so the sorts below carry a narrow row, not the payload (they spilled to disk).
           SELECT seq, batch_id, batch_prev_hash, prev_hash, hash,
                  NOT ${payloadIntactSql('')} AS payload_changed,
                  ${envelopeHashSql('')} <> hash AS envelope_changed
           FROM ledger_entry WHERE seq BETWEEN $1 AND $2),
         checked AS (
           SELECT seq, batch_id, batch_prev_hash, payload_changed, envelope_changed, row_number() OVER (ORDER BY seq) AS n,
                  prev_hash IS DISTINCT FROM coalesce(lag(hash) OVER (ORDER BY seq),
                    CASE WHEN $1 = 1 THEN '${GENESIS_PREV_HASH}' ELSE (SELECT p.hash FROM ledger_entry p WHERE p.seq = $1 - 1) END) AS link_broken,
                  lag(hash) OVER (PARTITION BY batch_id ORDER BY seq) AS batch_previous
           FROM hashed)
         SELECT min(seq) FILTER (WHERE seq <> $1 + n - 1 OR payload_changed OR link_broken OR envelope_changed
                  OR (batch_id IS NULL AND batch_prev_hash IS NOT NULL)
                  OR (batch_id IS NOT NULL AND batch_prev_hash IS DISTINCT FROM coalesce(batch_previous,
                        CASE WHEN $1 > 1 THEN (SELECT p.hash FROM ledger_entry p
                                               WHERE p.batch_id = checked.batch_id AND p.seq < $1 ORDER BY p.seq DESC LIMIT 1) END)))
                  AS first_bad,
                count(*) AS entries
         FROM checked`,
        [from, to],
      );
      const firstBad = rows[0].first_bad === null ? null : Number(rows[0].first_bad);
      // Entries missing at the end of the chunk: the first absent seq.
      const missing = Number(rows[0].entries) < to - from + 1 ? from + Number(rows[0].entries) : null;
      return firstBad ?? missing;
    });
  }

  /**
   * Whether every entry of a batch checks out in SQL (its payload and envelope hashes, its batchPrevHash
   * link, and its prevHash against the recomputed hash of the entry before it), without sending the
   * payloads to Node: what a scan asks on every page view. The verifier in Node names any problem.
   */
  async batchLooksIntact(batchId: string): Promise<{ entries: number; intact: boolean }> {
    const { rows } = await this.db.query<{ entries: string; intact: boolean | null }>(batchIntactSql('$1'), [batchId]);
    return { entries: Number(rows[0].entries), intact: rows[0].intact === true };
  }

  async findBySeq(seq: number): Promise<LedgerEntry | null> {
    const { rows } = await this.db.query(`SELECT ${LEDGER_ENTRY_COLUMNS} FROM ledger_entry WHERE seq = $1`, [seq]);
    return rows[0] ? rowToLedgerEntry(rows[0]) : null;
  }

  /** The entries at these positions, in ledger order (a position past the head is simply absent). */
  async findBySeqs(seqs: number[]): Promise<LedgerEntry[]> {
    const { rows } = await this.db.query(`SELECT ${LEDGER_ENTRY_COLUMNS} FROM ledger_entry WHERE seq = ANY($1::bigint[]) ORDER BY seq`, [seqs]);
    return rows.map((row) => rowToLedgerEntry(row));
  }

  async findByBatch(batchId: string): Promise<LedgerEntry[]> {
    const { rows } = await this.db.query(`SELECT ${LEDGER_ENTRY_COLUMNS} FROM ledger_entry WHERE batch_id = $1 ORDER BY seq`, [batchId]);
    return rows.map((row) => rowToLedgerEntry(row));
  }

  /** A batch's entries, each with the ledger entry just before it (null when that one is missing). */
  async findByBatchWithPrevious(batchId: string): Promise<{ entry: LedgerEntry; previous: LedgerEntry | null }[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT ${ledgerEntryColumns('e')}, ${ledgerEntryColumns('p', 'p_')}
       FROM ledger_entry e LEFT JOIN ledger_entry p ON p.seq = e.seq - 1
       WHERE e.batch_id = $1 ORDER BY e.seq`,
      [batchId],
    );
    return rows.map((row) => ({ entry: rowToLedgerEntry(row), previous: row.p_seq === null ? null : rowToLedgerEntry(row, 'p_') }));
  }

  /** The latest entry hash of each batch before `beforeSeq`: where a range verification picks up batch links. */
  async batchHeadsBefore(batchIds: string[], beforeSeq: number): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ batch_id: string; hash: string }>(latestBatchHashesSql('$1::uuid[]', '$2'), [batchIds, beforeSeq]);
    return new Map(rows.map((r) => [r.batch_id, r.hash]));
  }
}

/**
 * One row: how many entries the batch `batchId` (an SQL expression) has, and whether all of them check
 * out: payload and envelope hashes, the batchPrevHash link, and the prevHash against the recomputed hash
 * of the entry before each. For `batchLooksIntact` and for statements that read a batch with its check.
 *
 * `after`: a point through which the batch's chain was checked before (SQL expressions for its seq and
 * hash, both null for none): only the entries after it are counted and checked, the first linked to that
 * hash, and the row also names the newest one checked (`through_seq`, `through_hash`), the next point.
 */
export function batchIntactSql(batchId: string, after?: { seq: string; hash: string }): string {
  const since = after ? ` AND e.seq > coalesce(${after.seq}, 0)` : '';
  const newest = after ? `, max(entries.seq) AS through_seq, (array_agg(entries.hash ORDER BY entries.seq DESC))[1] AS through_hash` : '';
  return `WITH entries AS (SELECT e.*, ${after ? `lag(e.hash, 1, ${after.hash})` : 'lag(e.hash)'} OVER (ORDER BY e.seq) AS batch_previous
                        FROM ledger_entry e WHERE e.batch_id = ${batchId}${since})
       SELECT count(*) AS entries, bool_and(
                ${payloadIntactSql('entries')} AND ${envelopeHashSql('entries')} = entries.hash
                AND entries.batch_prev_hash IS NOT DISTINCT FROM entries.batch_previous
                AND entries.prev_hash = CASE WHEN entries.seq = 1 THEN '${GENESIS_PREV_HASH}'
                  ELSE (SELECT ${envelopeHashSql('p')} FROM ledger_entry p WHERE p.seq = entries.seq - 1) END) AS intact${newest}
       FROM entries`;
}

/**
 * LEDGER-SPEC §2 in SQL (the rule is src/ledger/hash-rule.ts; test/integration/ledger-sql-vectors.int-spec.ts
 * holds this copy to the same vectors), for the columns of the row aliased `t` ('' for none): the canonical envelope's
 * SHA-256 (keys sorted, no whitespace; the values are hex, UUIDs, [A-Z_] types and uuid-or-"system"
 * actors, which JCS writes as they are, and to_json escapes anything else), and whether the payload
 * still matches its payloadHash (an erased payload has nothing to check), by the rule of the entry's version.
 */
function envelopeHashSql(t: string): string {
  const c = (column: string) => (t ? `${t}.${column}` : column);
  return `encode(sha256(convert_to(
    '{"actor":' || to_json(${c('actor')})::text || ',"batchId":' || coalesce('"' || ${c('batch_id')}::text || '"', 'null') ||
    ',"batchPrevHash":' || coalesce('"' || ${c('batch_prev_hash')} || '"', 'null') || ',"payloadHash":"' || ${c('payload_hash')} ||
    '","prevHash":"' || ${c('prev_hash')} || '","recordedAt":"' || to_char(${c('recorded_at')} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ||
    '","seq":' || ${c('seq')} || ',"type":' || to_json(${c('type')})::text || ',"v":' || ${c('v')} || '}', 'UTF8')), 'hex')`;
}

function payloadIntactSql(t: string): string {
  const c = (column: string) => (t ? `${t}.${column}` : column);
  return (
    `(${c('payload')} IS NULL OR ${c('salt')} IS NULL` +
    ` OR (${c('v')} = 1 AND encode(sha256(${c('salt')} || convert_to(${c('payload')}, 'UTF8')), 'hex') = ${c('payload_hash')})` +
    ` OR (${c('v')} = 2 AND coalesce(${payloadRootIntactSql(c)}, false)))`
  );
}

/**
 * docs/ledger-format.md §2 in SQL: the stored payload cut at payload_member_ends into its members
 * (`"name":value`, names being identifiers), which must make up the whole text; each member's salt
 * (SHA-256(0x10 || entry salt || name), first 16 bytes) and leaf (SHA-256(0x11 || member salt || member));
 * and the root, SHA-256(0x12 || {"name":"leaf hex",…}), equal to payload_hash.
 */
function payloadRootIntactSql(c: (column: string) => string): string {
  const members = `SELECT member_no, substr(${c('payload')}, member_start + 1, member_end - member_start) AS member
    FROM (SELECT member_no, member_end, coalesce(lag(member_end) OVER (ORDER BY member_no) + 1, 1) AS member_start
          FROM unnest(${c('payload_member_ends')}) WITH ORDINALITY AS ends(member_end, member_no)) cut`;
  const named = `SELECT member_no, member, substr(split_part(member, '":', 1), 2) AS member_name FROM (${members}) m`;
  const leaves = `SELECT member_no, member, member_name, encode(sha256('\\x11'::bytea
      || substring(sha256('\\x10'::bytea || ${c('salt')} || convert_to(member_name, 'UTF8')) FROM 1 FOR 16)
      || convert_to(member, 'UTF8')), 'hex') AS leaf FROM (${named}) n`;
  const hashesText = `'{' || coalesce(string_agg('"' || member_name || '":"' || leaf || '"', ',' ORDER BY member_no), '') || '}'`;
  return `(SELECT '{' || coalesce(string_agg(member, ',' ORDER BY member_no), '') || '}' = ${c('payload')}
      AND encode(sha256('\\x12'::bytea || convert_to(${hashesText}, 'UTF8')), 'hex') = ${c('payload_hash')}
    FROM (${leaves}) l)`;
}
