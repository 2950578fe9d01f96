import { Injectable } from '@nestjs/common';
import type { OrganizationCaller } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { BusinessTransactionsRecordedPayload, EventDeclaredErroneousPayload, newEntry } from '../ledger/entry-types.js';
import type { LedgerEntry } from '../ledger/ledger-entry.js';
import type { AppendContext } from '../ledger/ledger-writer.js';
import { linkedTransactions, notLinked } from './business-transactions.js';
import { CaptureRepository } from './capture.repository.js';
import type { CaptureStep } from './capture-plan.js';
import { CorrectionsRepository, RecordedDeclaration } from './corrections.repository.js';
import { declarationPayloads, sameDeclaration } from './error-declaration.js';

type DeclarationStep = Extract<CaptureStep, { kind: 'declare-erroneous' }>;
type TransactionStep = Extract<CaptureStep, { kind: 'transactions' }>;

/**
 * The two EPCIS captures that add to what is recorded rather than record a step: error declarations
 * (append-only corrections of an event captured before) and TransactionEvents (lots linked to business
 * transactions). Both run inside the capture's ledger command; `appended` is what the capture appended before
 * them, not in the table until the writer's group commits, so an event may name what an earlier one of the
 * same document recorded.
 */
@Injectable()
export class CorrectionsService {
  constructor(
    private readonly captures: CaptureRepository,
    private readonly repository: CorrectionsRepository,
  ) {}

  /**
   * Declares the organization's own captured event `id` erroneous: an EVENT_DECLARED_ERRONEOUS entry on each
   * batch chain its entries are on. Only the organization that captured it may: a declaration says "our record
   * was wrong", which no one else can say of it (a regulator who doubts a record holds the lot or recalls it).
   * The declaration must repeat the event as captured (the same CBV 2.0 hash ID, which leaves errorDeclaration
   * out). The same declaration again is a repeat; another declaration of a declared event is a conflict.
   */
  async declareInContext(
    ctx: AppendContext,
    org: OrganizationCaller,
    step: DeclarationStep,
    identity: { id: string; hashId: string },
    appended: readonly LedgerEntry[],
  ): Promise<{ batchIds: string[]; repeat: boolean }> {
    const captured = (await this.captures.priorCapturesInTx(ctx.tx, org.organizationId, [identity.id])).get(identity.id);
    if (!captured) {
      throw new DomainError(
        'EVENT_NOT_FOUND',
        `errorDeclaration: your organization has captured no event ${identity.id}; an error declaration names an event you captured before, by its eventID`,
      );
    }
    if (captured.hashId !== identity.hashId) {
      throw new DomainError(
        'EVENT_ID_CONFLICT',
        `errorDeclaration: event ${identity.id} was captured with other content (hash ID ${captured.hashId}, the declaration's ${identity.hashId}); ` +
          'an error declaration repeats the event as it was captured, with errorDeclaration added',
        { eventID: identity.id, hashId: identity.hashId, capturedHashId: captured.hashId },
      );
    }
    const earlier = [
      ...(await this.repository.declarationsOfEventInTx(ctx.tx, org.organizationId, identity.id, captured.batchIds)),
      ...appended
        .filter((e) => e.type === 'EVENT_DECLARED_ERRONEOUS')
        .map(asDeclaration)
        .filter((d) => d.payload.eventID === identity.id),
    ];
    if (earlier.length > 0) {
      if (earlier.every((d) => sameDeclaration(d.payload, step.declaration))) return { batchIds: [...new Set(earlier.map((d) => d.batchId))], repeat: true };
      throw new DomainError(
        'EVENT_ID_CONFLICT',
        `errorDeclaration: event ${identity.id} was declared erroneous before (entry ${earlier[0].seq}), ` +
          'with another declarationTime, reason or correctiveEventIDs',
        { eventID: identity.id, declarationSeq: earlier[0].seq },
      );
    }
    const entries = [
      ...(await this.repository.entriesInTx(ctx.tx, captured.seqs)),
      ...appended.filter((e) => captured.seqs.includes(e.seq)).map((e) => ({ seq: e.seq, hash: e.hash, batchId: e.batchId })),
    ];
    const drafts = declarationPayloads(identity.id, step.declaration, entries).map(({ batchId, payload }) =>
      newEntry('EVENT_DECLARED_ERRONEOUS', batchId, payload),
    );
    // A package's event (an AggregationEvent) is on no lot's chain, where declarations are kept: refused rather than a declaration of nothing.
    if (drafts.length === 0)
      throw new DomainError(
        'EPCIS_NOT_MODELLED',
        `errorDeclaration: event ${identity.id} is a packing or unpacking event; declaring it erroneous is not modelled: ` +
          'undo it with the opposite event (DELETE, or ADD)',
      );
    await ctx.append(drafts);
    return { batchIds: drafts.map((d) => d.batchId!), repeat: false };
  }

  /**
   * A TransactionEvent: for each lot, an entry linking it to (ADD, OBSERVE) or unlinking it from (DELETE) the
   * business transactions. Only the lot's custodian, or the organization it is shipped to, may; a DELETE
   * unlinks only transactions linked to the lot; a place named must be one of the caller's facilities.
   */
  async linkInContext(
    ctx: AppendContext,
    org: OrganizationCaller,
    step: TransactionStep,
    lots: { batchId: string; name: string; quantity: number | null }[],
    facilityId: string | null,
    appended: readonly LedgerEntry[],
  ): Promise<string[]> {
    if (facilityId !== null) {
      const owner = await this.repository.facilityOwnerInTx(ctx.tx, facilityId);
      if (owner === null) throw new DomainError('FACILITY_NOT_FOUND', `no facility has id ${facilityId}`);
      if (owner !== org.organizationId) throw new DomainError('NOT_OWNER', `facility ${facilityId} is not one of your facilities`);
    }
    const custody = await this.repository.custodyInTx(
      ctx.tx,
      lots.map((l) => l.batchId),
    );
    for (const lot of lots) {
      const holder = custody.get(lot.batchId);
      if (holder && holder.custodianId !== org.organizationId && holder.inTransitToId !== org.organizationId) {
        throw new DomainError(
          'BATCH_NOT_IN_CUSTODY',
          `lot ${lot.name} is held by another organization: only the lot's custodian, or the organization it is shipped to, links it to business transactions`,
        );
      }
      if (step.action === 'DELETE') {
        const before = [
          ...(await this.repository.transactionEntriesInTx(ctx.tx, lot.batchId)),
          ...appended
            .filter((e) => e.type === 'BUSINESS_TRANSACTIONS_RECORDED' && e.batchId === lot.batchId && e.payload !== null)
            .map((e) => JSON.parse(e.payload!) as BusinessTransactionsRecordedPayload),
        ];
        const missing = notLinked(linkedTransactions(before), step.bizTransactions);
        if (missing.length > 0) {
          throw new DomainError(
            'INVALID_INPUT',
            `action DELETE: lot ${lot.name} is not linked to ${missing.map((t) => JSON.stringify(t.bizTransaction)).join(', ')}; ` +
              'DELETE unlinks transactions an ADD linked',
          );
        }
      }
      // One lot at a time: a DELETE later in the same event, or document, sees what this one linked.
      await ctx.append([
        newEntry('BUSINESS_TRANSACTIONS_RECORDED', lot.batchId, {
          action: step.action,
          eventTime: step.eventTime.toISOString(),
          bizTransactions: step.bizTransactions,
          ...(facilityId !== null ? { facilityId } : {}),
          ...(lot.quantity !== null ? { quantity: lot.quantity } : {}),
          ...(Object.keys(step.details).length > 0 ? { details: step.details } : {}),
        }),
      ]);
    }
    return lots.map((l) => l.batchId);
  }
}

/** A declaration this capture appended, read as the table would give it back. */
function asDeclaration(entry: LedgerEntry): RecordedDeclaration {
  return { seq: entry.seq, batchId: entry.batchId!, actor: entry.actor, payload: JSON.parse(entry.payload!) as EventDeclaredErroneousPayload };
}
