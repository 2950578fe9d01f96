import { LedgerEntry } from './ledger-entry.js';
import type { LedgerFormatVersion } from './ledger-hash.js';

const COLUMNS = ['v', 'seq', 'prev_hash', 'type', 'batch_id', 'batch_prev_hash', 'actor', 'recorded_at', 'payload_hash', 'hash', 'salt', 'payload'];

/** The columns that make a LedgerEntry, as SQL, from table alias `table` with names prefixed by `prefix`. */
export function ledgerEntryColumns(table = '', prefix = ''): string {
  const source = table ? `${table}.` : '';
  return COLUMNS.map((c) => {
    if (c === 'salt') return `encode(${source}salt, 'hex') AS ${prefix}salt`;
    // The exact string that was hashed, whatever the session's time zone or the driver's date parsing.
    if (c === 'recorded_at') return `to_char(${source}recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${prefix}recorded_at`;
    return `${source}${c} AS ${prefix}${c}`;
  }).join(', ');
}

export const LEDGER_ENTRY_COLUMNS = ledgerEntryColumns();

/** A row read with ledgerEntryColumns (directly or through json_agg). */
export function rowToLedgerEntry(row: Record<string, unknown>, prefix = ''): LedgerEntry {
  return {
    v: Number(row[`${prefix}v`]) as LedgerFormatVersion,
    seq: Number(row[`${prefix}seq`]),
    prevHash: row[`${prefix}prev_hash`] as string,
    type: row[`${prefix}type`] as string,
    batchId: (row[`${prefix}batch_id`] as string | null) ?? null,
    batchPrevHash: (row[`${prefix}batch_prev_hash`] as string | null) ?? null,
    actor: row[`${prefix}actor`] as string,
    recordedAt: row[`${prefix}recorded_at`] as string,
    payloadHash: row[`${prefix}payload_hash`] as string,
    hash: row[`${prefix}hash`] as string,
    salt: (row[`${prefix}salt`] as string | null) ?? null,
    payload: (row[`${prefix}payload`] as string | null) ?? null,
  };
}

/**
 * SQL for the hash of each listed batch's latest entry (before `beforeSeq` when given): one index
 * probe per batch, however long its story, where DISTINCT ON would read every entry of the batch.
 */
export function latestBatchHashesSql(batchIdsArray: string, beforeSeq?: string): string {
  return `SELECT b.batch_id, e.hash FROM unnest(${batchIdsArray}) AS b(batch_id)
    CROSS JOIN LATERAL (SELECT hash FROM ledger_entry WHERE batch_id = b.batch_id${beforeSeq ? ` AND seq < ${beforeSeq}` : ''} ORDER BY seq DESC LIMIT 1) e`;
}
