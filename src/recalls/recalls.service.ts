import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, requireOrganization } from '../auth/caller.js';
import type { StoredBatch } from '../batches/batch-row.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { recall } from '../events/custody.js';
import { newEntry } from '../ledger/entry-types.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { CloseRecallInput, InitiateRecallInput, ReportRecallRecoveryInput } from './dto/initiate-recall.input.js';
import { recallDeadlines } from './recall-deadlines.js';
import { PubSub } from 'graphql-subscriptions';
import { RECALL_EVENTS, RECALL_ISSUED } from './recall-events.js';
import { WebhooksRepository } from '../webhooks/webhooks.repository.js';
import { Recall, RecallsRepository } from './recalls.repository.js';

export interface RecallIssued {
  recall: RecallView;
  holderIds: string[];
}

/** Who hears of a recall: regulators and the admin all of them, an organization those reaching a batch it holds or is receiving, or units of one it holds. */
export function hearsOf(event: RecallIssued, caller: Caller): boolean {
  if (caller.kind === 'admin') return true;
  if (caller.kind !== 'organization') return false;
  return caller.organizationKind === 'REGULATOR' || event.holderIds.includes(caller.organizationId);
}

export interface RecallView extends Recall {
  startBy: Date;
  completeBy: Date;
  affectedBatches: StoredBatch[];
  /** Per current holder and unit: recovered over what its batches held when recalled. */
  effectiveness: { organizationId: string; organization: string; unit: string; affected: number; recovered: number; percent: number | null }[];
}

@Injectable()
export class RecallsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: LedgerWriter,
    private readonly recalls: RecallsRepository,
    private readonly batches: BatchesRepository,
    @Inject(RECALL_EVENTS) private readonly events: PubSub,
    private readonly webhooks: WebhooksRepository,
  ) {}

  /**
   * A regulator, or the producer of every named batch, recalls them and everything made from them:
   * a RECALLING entry on each affected batch and its status RECALLED, in one transaction, so every
   * scan shows the notice at once.
   */
  async initiate(caller: Caller, input: InitiateRecallInput): Promise<RecallView> {
    const org = requireOrganization(caller);
    const named = [...new Set(input.batchIds)];
    const recallId = randomUUID();
    const initiatedAt = new Date();
    const affected = await this.writer.execute({
      actor: org.organizationId,
      batchIds: named,
      run: async ({ tx, append }) => {
        const producers = await this.recalls.producersInTx(tx, named);
        const unknown = named.find((id) => !producers.has(id));
        if (unknown) throw new DomainError('BATCH_NOT_FOUND', `batchIds: no batch has id ${unknown}`);
        if (org.organizationKind !== 'REGULATOR') {
          const foreign = named.find((id) => producers.get(id) !== org.organizationId);
          if (foreign)
            throw new DomainError('NOT_OWNER', `batchIds: batch ${foreign} was not produced by your organization; only its producer or a regulator recalls it`);
        }
        const scope = await this.recalls.scopeInTx(tx, named);
        const states = await this.batches.custodyInTx(tx, scope);
        // A destroyed batch is gone from the shelves: there is nothing left to recall.
        const reached = scope.map((id) => states.get(id)!).filter((s) => s.status !== 'DESTROYED');
        if (reached.length === 0)
          throw new DomainError('BATCH_CLOSED', `batchIds: nothing to recall; every batch named, and everything made from them, was destroyed`);
        const [first] = await append(
          reached.map((s) =>
            newEntry('RECALLING', s.id, { recallId, bizStep: 'RECALLING', level: input.level, reason: input.reason, recalledBatchIds: named }),
          ),
        );
        for (const state of reached) await this.batches.saveCustodyInTx(tx, recall(state));
        // Measured against what each batch held (a batch in transit: what was shipped).
        const held = reached.map((s) => ({ id: s.id, quantity: s.inTransitQuantity ?? s.quantity, unit: s.unit }));
        await this.recalls.insertInTx(
          tx,
          { id: recallId, level: input.level, reason: input.reason, status: 'OPEN', initiatedById: org.organizationId, initiatedAt, createdSeq: first.seq },
          held,
        );
        // The webhook outbox, in the same transaction: each holder is told of the batches it holds, has on its way to it,
        // or holds units of (a package of them received: src/packages).
        const heldBatches = new Map<string, Set<string>>();
        const tell = (holder: string, batchId: string) => heldBatches.set(holder, (heldBatches.get(holder) ?? new Set()).add(batchId));
        for (const s of reached) tell(s.custodianId, s.id);
        // A batch on its way is told to where it is going too: that organization reads it as its custodian does, and receives it recalled.
        for (const s of reached) if (s.inTransitToId) tell(s.inTransitToId, s.id);
        const unitHolders = await this.recalls.unitHoldersInTx(
          tx,
          reached.map((s) => s.id),
        );
        for (const [holder, ids] of unitHolders) heldBatches.set(holder, new Set([...(heldBatches.get(holder) ?? []), ...ids]));
        const bodies = new Map<string, string>();
        for (const [holder, held] of heldBatches) {
          const batchIds = reached.filter((s) => held.has(s.id)).map((s) => s.id);
          bodies.set(
            holder,
            JSON.stringify({ type: 'recall.issued', recallId, level: input.level, reason: input.reason, initiatedAt: initiatedAt.toISOString(), batchIds }),
          );
        }
        await this.webhooks.enqueueInTx(tx, bodies);
        return { ids: reached.map((s) => s.id), holderIds: [...heldBatches.keys()] };
      },
    });
    const recallRow: Recall = { id: recallId, level: input.level, reason: input.reason, status: 'OPEN', initiatedById: org.organizationId, initiatedAt };
    const view = await this.view(recallRow, affected.ids);
    // Told after the commit: every organization holding an affected batch, receiving one, or holding units of one, and regulators.
    await this.events.publish(RECALL_ISSUED, { recall: view, holderIds: affected.holderIds } satisfies RecallIssued);
    return view;
  }

  /** The batch's custodian reports a quantity of a recalled batch returned or destroyed. */
  async reportRecovery(caller: Caller, input: ReportRecallRecoveryInput): Promise<RecallView> {
    const org = requireOrganization(caller);
    await this.writer.execute({
      actor: org.organizationId,
      batchIds: [input.batchId],
      run: async ({ tx, append }) => {
        const line = await this.recalls.recallBatchInTx(tx, input.recallId, input.batchId);
        if (!line) throw new DomainError('BATCH_NOT_FOUND', `batch ${input.batchId} is not in recall ${input.recallId}`);
        if (line.status !== 'OPEN') throw new DomainError('RECALL_CLOSED', `recall ${input.recallId} is closed`);
        if (line.custodianId !== org.organizationId)
          throw new DomainError('BATCH_NOT_IN_CUSTODY', `batch ${input.batchId} is in another organization's custody; its custodian reports what it recovered`);
        const left = line.affected - line.recovered;
        if (input.quantity > left) {
          throw new DomainError(
            'INSUFFICIENT_QUANTITY',
            `reporting ${input.quantity} ${line.unit} is more than the ${left} ${line.unit} still to recover of batch ${input.batchId}`,
          );
        }
        const [entry] = await append([
          newEntry('RECALL_RECOVERY', input.batchId, { recallId: input.recallId, quantity: input.quantity, unit: line.unit, disposition: input.disposition }),
        ]);
        await this.recalls.insertRecoveryInTx(tx, {
          id: randomUUID(),
          recallId: input.recallId,
          batchId: input.batchId,
          organizationId: org.organizationId,
          quantity: input.quantity,
          disposition: input.disposition,
          createdSeq: entry.seq,
        });
      },
    });
    return (await this.get(caller, input.recallId))!;
  }

  /** A regulator closes a recall, with a note; its batches stay RECALLED, the notice leaves their pages. */
  async close(caller: Caller, input: CloseRecallInput): Promise<RecallView> {
    const org = requireOrganization(caller);
    if (org.organizationKind !== 'REGULATOR') throw new DomainError('ROLE_NOT_ALLOWED', 'only a REGULATOR closes a recall');
    await this.writer.execute({
      actor: org.organizationId,
      run: async ({ tx, append }) => {
        const status = await this.recalls.statusInTx(tx, input.recallId);
        if (!status) throw new DomainError('RECALL_NOT_FOUND', `no recall has id ${input.recallId}`);
        if (status !== 'OPEN') throw new DomainError('RECALL_CLOSED', `recall ${input.recallId} is already closed`);
        await append([newEntry('RECALL_CLOSED', null, { recallId: input.recallId, note: input.note })]);
        await this.recalls.closeInTx(tx, input.recallId, input.note, new Date());
      },
    });
    return (await this.get(caller, input.recallId))!;
  }

  /** Regulators and the admin see any recall; others the ones they started or that reach a batch they hold or made. */
  async get(caller: Caller, id: string): Promise<RecallView | null> {
    if (caller.kind === 'anonymous')
      throw new DomainError('AUTHENTICATION_REQUIRED', 'recall needs an API key; consumers see recalls on the scan page and at /recalls');
    const found = await this.recalls.findById(id);
    if (!found) return null;
    const [view] = await this.views([found]);
    if (!(await this.readable(caller, [view])).has(view.id))
      throw new DomainError('NOT_OWNER', `recall ${id} does not reach a batch your organization made or holds`);
    return view;
  }

  /**
   * Recalls as get() answers each, for a page of a list: read together in a fixed number of statements
   * however many there are (not get() once each). Those the caller may not read, or that do not exist,
   * are left out; the rest keep the order of `ids`.
   */
  async getMany(caller: Caller, ids: string[]): Promise<RecallView[]> {
    if (caller.kind === 'anonymous') throw new DomainError('AUTHENTICATION_REQUIRED', 'recalls need an API key');
    if (ids.length === 0) return [];
    const found = new Map((await this.recalls.findByIds(ids)).map((row) => [row.id, row]));
    const rows = ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
    const views = await this.views(rows);
    const readable = await this.readable(caller, views);
    return views.filter((view) => readable.has(view.id));
  }

  /**
   * The ids of the recalls the caller may read: by the batches' rows (mayRead), else because it holds
   * serialized units of an affected batch — the units' holders are told of a recall by webhook with its id
   * (initiate), so they read it too. One query for all the views the rows did not decide.
   */
  private async readable(caller: Caller, views: RecallView[]): Promise<Set<string>> {
    const decided = new Set(views.filter((view) => mayRead(caller, view)).map((view) => view.id));
    const open = views.filter((view) => !decided.has(view.id));
    if (caller.kind !== 'organization' || open.length === 0) return decided;
    const held = await this.recalls.batchesWithUnitsHeldBy(caller.organizationId, [...new Set(open.flatMap((v) => v.affectedBatches.map((b) => b.id)))]);
    for (const view of open) if (view.affectedBatches.some((b) => held.has(b.id))) decided.add(view.id);
    return decided;
  }

  private async view(row: Recall, batchIds: string[]): Promise<RecallView> {
    return (await this.views([{ ...row, batchIds }]))[0];
  }

  /** Each recall with its batches and effectiveness: two statements for all of them. */
  private async views(rows: (Recall & { batchIds: string[] })[]): Promise<RecallView[]> {
    const [byId, holdings] = await Promise.all([
      this.batches.findByIds([...new Set(rows.flatMap((row) => row.batchIds))]),
      this.recalls.effectiveness(rows.map((row) => row.id)),
    ]);
    return rows.map(({ batchIds, ...row }) => {
      const affectedBatches = batchIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
      const effectiveness = (holdings.get(row.id) ?? []).map((h) => ({
        ...h,
        percent: h.affected > 0 ? Math.round((h.recovered / h.affected) * 1000) / 10 : null,
      }));
      return { ...row, ...recallDeadlines(row.level, row.initiatedAt, this.config.recallHolidays), affectedBatches, effectiveness };
    });
  }
}

/**
 * The rule of recall(id), as far as the batches' rows decide it: regulators and the admin read any recall;
 * others one they started or that reaches a batch they made, hold, or have in transit to them (the receiver
 * reads that batch as its custodian does). Holders of units: RecallsService.readable.
 */
function mayRead(caller: Caller, view: RecallView): boolean {
  if (caller.kind === 'admin') return true;
  if (caller.kind !== 'organization') return false;
  const us = caller.organizationId;
  if (caller.organizationKind === 'REGULATOR' || view.initiatedById === us) return true;
  return view.affectedBatches.some((b) => b.producerId === us || b.custodianId === us || b.inTransitToId === us);
}
