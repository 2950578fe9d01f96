import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { sqlEntryTypes } from '../ledger/entry-types.js';
import { PACKAGE_ENTRY_TYPES, type PackageSource } from './aggregation-export.js';

/** The package entries the query interface writes as EPCIS events, with the names their EPCIS form needs. */
@Injectable()
export class AggregationExportRepository {
  constructor(private readonly db: Database) {}

  /** These seqs' package entries (packed, unpacked, shipped, received) (the caller has applied its read rules to the seqs), in ledger order. */
  async sources(seqs: number[]): Promise<PackageSource[]> {
    if (seqs.length === 0) return [];
    const { rows } = await this.db.read<{
      seq: string;
      hash: string;
      type: PackageSource['type'];
      payload: string;
      recorded_at: string;
      gln: string | null;
      prefix: string | null;
    }>(
      `SELECT l.seq, l.hash, l.type, l.payload, f.gln, o.gs1_company_prefix AS prefix,
              to_char(l.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at
       FROM ledger_entry l
         LEFT JOIN facility f ON f.id = (l.payload::jsonb ->> 'facilityId')::uuid
         LEFT JOIN organization o ON o.id::text = l.actor
       WHERE l.seq = ANY($1::bigint[]) AND l.type IN (${sqlEntryTypes(...PACKAGE_ENTRY_TYPES)}) AND l.payload IS NOT NULL
       ORDER BY l.seq`,
      [seqs],
    );
    const payloads = rows.map((r) => JSON.parse(r.payload) as PackageSource['payload']);
    const gtins = [...new Set(payloads.flatMap((p) => (p.units ?? []).map((u) => u.gtin)))];
    const { rows: owners } = await this.db.read<{ gtin: string; prefix: string | null }>(
      `SELECT p.gtin::text AS gtin, o.gs1_company_prefix AS prefix FROM product p JOIN organization o ON o.id = p.organization_id
       WHERE p.gtin = ANY($1::bpchar[])`,
      [gtins],
    );
    const gtinPrefixes = Object.fromEntries(owners.map((o) => [o.gtin, o.prefix]));
    return rows.map((r, i) => ({
      seq: Number(r.seq),
      hash: r.hash,
      type: r.type,
      payload: payloads[i],
      recordedAt: r.recorded_at,
      facilityGln: r.gln,
      actorPrefix: r.prefix,
      gtinPrefixes,
    }));
  }
}
