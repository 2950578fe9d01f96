import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database.js';
import { BusinessTransactionsRecordedPayload, EventDeclaredErroneousPayload, sqlEntryTypes } from '../ledger/entry-types.js';

/** An EVENT_DECLARED_ERRONEOUS entry: where it is, who declared, and what it says. */
export interface RecordedDeclaration {
  seq: number;
  batchId: string;
  actor: string;
  payload: EventDeclaredErroneousPayload;
}

/**
 * What error declarations and TransactionEvents read: the entries an event was captured as, the
 * declarations already made, a lot's custody and its business transactions. Read from the ledger
 * itself (by batch, on its index), so what is shown is what the ledger says.
 */
@Injectable()
export class CorrectionsRepository {
  constructor(private readonly db: Database) {}

  /** The ledger entries of these seqs: where each is chained and its hash. */
  async entriesInTx(tx: Tx, seqs: number[]): Promise<{ seq: number; hash: string; batchId: string | null }[]> {
    const { rows } = await tx.query<{ seq: string; hash: string; batch_id: string | null }>(
      'SELECT seq, hash, batch_id FROM ledger_entry WHERE seq = ANY($1::bigint[]) ORDER BY seq',
      [seqs],
    );
    return rows.map((r) => ({ seq: Number(r.seq), hash: r.hash, batchId: r.batch_id }));
  }

  /** The declarations an organization made of event `eventID`, on these batches' chains. */
  async declarationsOfEventInTx(tx: Tx, organizationId: string, eventID: string, batchIds: string[]): Promise<RecordedDeclaration[]> {
    const { rows } = await tx.query(
      `SELECT seq, batch_id, actor, payload FROM ledger_entry
       WHERE batch_id = ANY($1::uuid[]) AND type = ${sqlEntryTypes('EVENT_DECLARED_ERRONEOUS')} AND actor = $2
         AND payload IS NOT NULL AND payload::jsonb ->> 'eventID' = $3 ORDER BY seq`,
      [batchIds, organizationId, eventID],
    );
    return rows.map(toDeclaration);
  }

  /** Every declaration on these batches' chains, by batch (what trace, GraphQL and the export show). */
  async declarationsOfBatches(batchIds: string[]): Promise<Map<string, RecordedDeclaration[]>> {
    const { rows } = await this.db.query(
      `SELECT seq, batch_id, actor, payload FROM ledger_entry
       WHERE batch_id = ANY($1::uuid[]) AND type = ${sqlEntryTypes('EVENT_DECLARED_ERRONEOUS')} AND payload IS NOT NULL ORDER BY seq`,
      [batchIds],
    );
    const byBatch = new Map<string, RecordedDeclaration[]>();
    for (const declaration of rows.map(toDeclaration)) byBatch.set(declaration.batchId, [...(byBatch.get(declaration.batchId) ?? []), declaration]);
    return byBatch;
  }

  /** Who holds each lot now and whom it is shipped to, under the writer's lock. */
  async custodyInTx(tx: Tx, batchIds: string[]): Promise<Map<string, { custodianId: string; inTransitToId: string | null }>> {
    const { rows } = await tx.query<{ id: string; custodian_id: string; in_transit_to_id: string | null }>(
      'SELECT id, custodian_id, in_transit_to_id FROM batch WHERE id = ANY($1::uuid[])',
      [batchIds],
    );
    return new Map(rows.map((r) => [r.id, { custodianId: r.custodian_id, inTransitToId: r.in_transit_to_id }]));
  }

  /** A lot's BUSINESS_TRANSACTIONS_RECORDED payloads, in ledger order (those of this transaction included). */
  async transactionEntriesInTx(tx: Tx, batchId: string): Promise<BusinessTransactionsRecordedPayload[]> {
    const { rows } = await tx.query<{ payload: string }>(
      `SELECT payload FROM ledger_entry WHERE batch_id = $1 AND type = ${sqlEntryTypes('BUSINESS_TRANSACTIONS_RECORDED')} AND payload IS NOT NULL ORDER BY seq`,
      [batchId],
    );
    return rows.map((r) => JSON.parse(r.payload) as BusinessTransactionsRecordedPayload);
  }

  /** A facility's organization, or null when no facility has the id. */
  async facilityOwnerInTx(tx: Tx, facilityId: string): Promise<string | null> {
    const { rows } = await tx.query<{ organization_id: string }>('SELECT organization_id FROM facility WHERE id = $1', [facilityId]);
    return rows[0]?.organization_id ?? null;
  }
}

function toDeclaration(r: Record<string, unknown>): RecordedDeclaration {
  return {
    seq: Number(r.seq),
    batchId: r.batch_id as string,
    actor: r.actor as string,
    payload: JSON.parse(r.payload as string) as EventDeclaredErroneousPayload,
  };
}
