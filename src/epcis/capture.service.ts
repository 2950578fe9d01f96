import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Caller, OrganizationCaller, requireOrganization } from '../auth/caller.js';
import { BatchesService } from '../batches/batches.service.js';
import { RegisterBatchInput } from '../batches/dto/register-batch.input.js';
import { ColdChainService } from '../cold-chain/cold-chain.service.js';
import { RecordTemperaturesInput } from '../cold-chain/dto/record-temperatures.input.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { RecordEventInput } from '../events/dto/record-event.input.js';
import { EventsService } from '../events/events.service.js';
import type { LedgerEntry } from '../ledger/ledger-entry.js';
import { AppendContext, LedgerWriter } from '../ledger/ledger-writer.js';
import { TransformBatchesInput } from '../transformations/dto/transform-batches.input.js';
import { TransformationsService } from '../transformations/transformations.service.js';
import { CaptureRepository } from './capture.repository.js';
import { CorrectionsService } from './corrections.service.js';
import { CaptureStep, DocumentProblem, planCapture, QuantityLine } from './capture-plan.js';
import { CaptureTooCostly } from './capture-work.js';
import { GlnOrId, LotRef, uomOf } from './epcis-identifiers.js';
import { isErrorDeclaration } from './error-declaration.js';
import { eventHash, EventHashError, prefixesOf } from './event-hash.js';

export interface CapturedEvent {
  index: number;
  eventID: string | null;
  /** The batches the event registered or recorded on. */
  batchIds: string[];
  /** Present (true) when the event had been captured before, same id and same content: answered from that record, nothing written. */
  repeat?: true;
  /** Present (true) for an error declaration: the event it names was declared erroneous (batchIds: the chains marked). */
  declaredErroneous?: true;
}

/** The longest eventID kept as an event's id (longer ones are refused, not cut). */
export const MAX_EVENT_ID_LENGTH = 2048;

/** How capture knows an event again: its eventID, or its CBV 2.0 hash ID when it has none; the hash ID is its content's fingerprint. */
interface EventIdentity {
  /** The eventID as sent, or null. */
  eventID: string | null;
  id: string;
  hashId: string;
  /** The earlier event of the same document this one repeats (same id, same content), if any. */
  sameAs: number | null;
  /** An error declaration: `id` names the event it declares erroneous, not an event of its own. */
  declaration: boolean;
}

/**
 * EPCIS 2.0 capture: a document's events become the same registrations, events, temperature
 * records and transformations GraphQL makes, under the same rules (the same input classes and
 * validation, the same services), all in one ledger command, so the document is captured whole or
 * not at all.
 */
@Injectable()
export class CaptureService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: LedgerWriter,
    private readonly lookups: CaptureRepository,
    private readonly batches: BatchesService,
    private readonly events: EventsService,
    private readonly coldChain: ColdChainService,
    private readonly transformations: TransformationsService,
    private readonly corrections: CorrectionsService,
  ) {}

  async capture(caller: Caller, document: unknown): Promise<CapturedEvent[]> {
    const org = requireOrganization(caller);
    // The plan refuses, before the writer takes the lock, a document too deep to walk or too costly to write.
    let plan: ReturnType<typeof planCapture>;
    try {
      plan = planCapture(document, this.config.publicBaseUrl);
    } catch (err) {
      if (err instanceof DocumentProblem) throw new DomainError('INVALID_INPUT', err.message);
      if (err instanceof CaptureTooCostly) throw new DomainError('CAPTURE_TOO_COSTLY', err.message, { bounds: err.overruns });
      throw err;
    }
    if (plan.problems.length > 0) {
      const [first] = plan.problems;
      throw new DomainError(
        'EPCIS_NOT_MODELLED',
        `${plan.problems.length} event(s) cannot be captured, so nothing was recorded; eventList[${first.index}]: ${first.reason}`,
        { events: plan.problems },
      );
    }
    const identities = identify(document);
    const ids = [...new Set(identities.filter((e) => !e.declaration).map((e) => e.id))];
    return this.writer.execute({
      actor: org.organizationId,
      run: async (writerCtx) => {
        // The entries this capture appends are inserted when the writer's group commits, so a later event of the
        // document that reads what an earlier one appended (a declaration, a DELETE of a link) reads them from here.
        const appended: LedgerEntry[] = [];
        const ctx = noting(writerCtx, (entries) => appended.push(...entries));
        // Under the writer's lock: a capture of the same events running at the same time sees this one's rows, or this one sees its.
        const prior = await this.lookups.priorCapturesInTx(ctx.tx, org.organizationId, ids);
        identities.forEach((identity, index) => {
          if (identity.declaration) return;
          const before = prior.get(identity.id);
          if (before && before.hashId !== identity.hashId) throw changedRepeat(index, identity, before.hashId);
        });
        const fresh = plan.steps.filter(
          (step) => step.kind !== 'declare-erroneous' && identities[step.index].sameAs === null && !prior.has(identities[step.index].id),
        ) as Exclude<CaptureStep, DeclarationStep>[];
        const lookups = new NameLookups(this.lookups, ctx.tx);
        const done: { step: CaptureStep; batchIds: string[]; seqs: number[] }[] = [];
        for (let i = 0; i < fresh.length;) {
          const step = fresh[i];
          if (step.kind !== 'event') {
            const seqs: number[] = [];
            const batchIds = await named(step, () =>
              this.apply(
                noting(ctx, (entries) => seqs.push(...entries.map((e) => e.seq))),
                lookups,
                org,
                step,
                appended,
              ),
            );
            done.push({ step, batchIds, seqs });
            i++;
            continue;
          }
          // Events next to each other are recorded in one call, as recordEvents does: the lock is held for one read of what they refer to, not one per event.
          let end = i;
          while (end < fresh.length && fresh[end].kind === 'event') end++;
          const run = fresh.slice(i, end) as EventStep[];
          const recorded = await this.recordEvents(ctx, lookups, org, run);
          done.push(...run.map((s, k) => ({ step: s, batchIds: [recorded[k].batchId], seqs: [recorded[k].seq] })));
          i = end;
        }
        // A document's event may hold several lots (several steps): one answer per event.
        const byEvent = new Map<number, CapturedEvent & { seqs: number[] }>();
        for (const { step, batchIds, seqs } of done) {
          const event = byEvent.get(step.index) ?? { index: step.index, eventID: step.eventID, batchIds: [], seqs: [] };
          // A storing event with sensor reports names its lot twice (its step, its readings): once in the answer.
          event.batchIds.push(...batchIds.filter((id) => !event.batchIds.includes(id)));
          event.seqs.push(...seqs);
          byEvent.set(step.index, event);
        }
        const isNew = (identity: EventIdentity) => !identity.declaration && identity.sameAs === null && !prior.has(identity.id);
        const rows = identities.flatMap((identity, index) => {
          if (!isNew(identity)) return [];
          const recorded = byEvent.get(index);
          return [{ eventId: identity.id, hashId: identity.hashId, seqs: recorded?.seqs ?? [], batchIds: recorded?.batchIds ?? [] }];
        });
        await this.lookups.recordCapturesInTx(ctx.tx, org.organizationId, rows);
        // After the document's events are noted: a declaration may name an event captured earlier in the same document.
        const declared = new Map<number, { batchIds: string[]; repeat: boolean }>();
        for (const step of plan.steps) {
          if (step.kind !== 'declare-erroneous') continue;
          declared.set(step.index, await named(step, () => this.corrections.declareInContext(ctx, org, step, identities[step.index], appended)));
        }
        return identities.map((identity, index): CapturedEvent => {
          const { eventID } = identity;
          const declaration = declared.get(index);
          if (declaration)
            return { index, eventID, batchIds: declaration.batchIds, declaredErroneous: true, ...(declaration.repeat ? { repeat: true as const } : {}) };
          if (isNew(identity)) return { index, eventID, batchIds: byEvent.get(index)?.batchIds ?? [] };
          const batchIds = identity.sameAs !== null ? (byEvent.get(identity.sameAs)?.batchIds ?? []) : prior.get(identity.id)!.batchIds;
          return { index, eventID, batchIds: [...batchIds], repeat: true };
        });
      },
    });
  }

  /**
   * Events next to each other in the document, in one call of the events service. A refusal is found
   * again event by event (nothing was written by the refused call: it checks all before it appends), so
   * it names the event that broke the rule with the same message a document of that event alone gets.
   */
  private async recordEvents(ctx: AppendContext, lookups: NameLookups, org: OrganizationCaller, run: EventStep[]): Promise<{ batchId: string; seq: number }[]> {
    const inputs: RecordEventInput[] = [];
    for (const step of run) inputs.push(await named(step, () => this.eventInput(lookups, step)));
    const alone = (i: number) => named(run[i], () => this.events.recordInContext(ctx, org, [inputs[i]]));
    let entries: LedgerEntry[];
    if (run.length === 1) entries = await alone(0);
    else {
      try {
        entries = await this.events.recordInContext(ctx, org, inputs);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        for (let i = 0; i < run.length; i++) await alone(i);
        throw err;
      }
    }
    // One entry per input, in order.
    return inputs.map((input, i) => ({ batchId: input.batchId, seq: entries[i].seq }));
  }

  private async eventInput(lookups: NameLookups, step: EventStep): Promise<RecordEventInput> {
    return checked(RecordEventInput, {
      batchId: await this.lotId(lookups, step.line),
      bizStep: step.bizStep,
      eventTime: step.eventTime,
      facilityId: await this.facilityId(lookups, step.place),
      quantity: step.line.quantity,
      destinationOrganizationId: step.destination ? await this.organizationId(lookups, step.destination) : null,
      details: step.details,
    });
  }

  private async apply(
    ctx: AppendContext,
    lookups: NameLookups,
    org: OrganizationCaller,
    step: Exclude<CaptureStep, EventStep | DeclarationStep>,
    appended: readonly LedgerEntry[],
  ): Promise<string[]> {
    switch (step.kind) {
      case 'transactions': {
        const lots = [];
        for (const line of step.lines) {
          const name = 'traceCode' in line.lot ? `with trace code ${line.lot.traceCode}` : `${line.lot.lot} of GTIN ${line.lot.gtin}`;
          lots.push({ batchId: await this.lotId(lookups, line), name, quantity: line.quantity });
        }
        const facilityId = step.place ? await this.facilityId(lookups, step.place) : null;
        return this.corrections.linkInContext(ctx, org, step, lots, facilityId, appended);
      }
      case 'register': {
        const input = await checked(RegisterBatchInput, {
          productId: await this.productId(lookups, step.gtin),
          facilityId: await this.facilityId(lookups, step.place),
          lotCode: step.lot,
          quantity: step.quantity,
          unit: step.unit,
          producedAt: step.producedAt,
          details: step.details,
        });
        return [await this.batches.registerInContext(ctx, org, input)];
      }
      case 'temperatures': {
        const batchIds: string[] = [];
        for (const lot of step.lots) {
          const batchId = (await this.lot(lookups, lot)).id;
          await this.coldChain.recordInContext(ctx, org, await checked(RecordTemperaturesInput, { batchId, sensorId: step.sensorId, readings: step.readings }));
          batchIds.push(batchId);
        }
        return batchIds;
      }
      case 'transform': {
        const inputs = [];
        for (const line of step.inputs) inputs.push({ batchId: await this.lotId(lookups, line), quantity: line.quantity });
        const outputs = [];
        for (const line of step.outputs)
          outputs.push({ productId: await this.productId(lookups, line.gtin), lotCode: line.lot, quantity: line.quantity, unit: line.unit });
        const input = await checked(TransformBatchesInput, {
          facilityId: await this.facilityId(lookups, step.place),
          eventTime: step.eventTime,
          inputs,
          outputs,
        });
        const outputIds = outputs.map(() => randomUUID());
        await this.transformations.transformInContext(ctx, org, input, outputIds);
        return [...inputs.map((l) => l.batchId), ...outputIds];
      }
    }
  }

  /** The lot a quantity line names, with its quantity's unit checked against the lot's. */
  private async lotId(lookups: NameLookups, line: QuantityLine): Promise<string> {
    const lot = await this.lot(lookups, line.lot);
    if (line.uom !== null && uomOf(lot.unit) !== line.uom) {
      throw new DomainError('INVALID_INPUT', `uom ${line.uom} does not match the lot's unit (${lot.unit}${uomOf(lot.unit) ? `, ${uomOf(lot.unit)}` : ''})`);
    }
    return lot.id;
  }

  private async lot(lookups: NameLookups, ref: LotRef): Promise<{ id: string; unit: string }> {
    const lot = await lookups.lot(ref);
    if (!lot)
      throw new DomainError(
        'BATCH_NOT_FOUND',
        'traceCode' in ref ? `no batch has trace code ${ref.traceCode}` : `no lot ${ref.lot} of GTIN ${ref.gtin} is registered`,
      );
    return lot;
  }

  private async productId(lookups: NameLookups, gtin: string): Promise<string> {
    const id = await lookups.productId(gtin);
    if (!id) throw new DomainError('PRODUCT_NOT_FOUND', `no product has GTIN ${gtin}; register the product with its GTIN first`);
    return id;
  }

  private async facilityId(lookups: NameLookups, place: GlnOrId): Promise<string> {
    if ('id' in place) return place.id;
    const facility = await lookups.facility(place.gln);
    if (!facility) throw new DomainError('FACILITY_NOT_FOUND', `no facility has GLN ${place.gln}; register the facility with its GLN first`);
    return facility.id;
  }

  private async organizationId(lookups: NameLookups, party: GlnOrId): Promise<string> {
    if ('id' in party) return party.id;
    const facility = await lookups.facility(party.gln);
    if (!facility) throw new DomainError('ORGANIZATION_NOT_FOUND', `no organization has a facility with GLN ${party.gln}`);
    return facility.organizationId;
  }
}

type EventStep = Extract<CaptureStep, { kind: 'event' }>;
type DeclarationStep = Extract<CaptureStep, { kind: 'declare-erroneous' }>;

/**
 * Each event's id (its eventID, else its CBV 2.0 hash ID) and hash ID; an event that repeats an earlier
 * one of the same document (same id, same content) points at it, the same id with other content is a CONFLICT.
 */
function identify(document: unknown): EventIdentity[] {
  const doc = document as { '@context'?: unknown; epcisBody: { eventList: unknown[] } };
  const prefixes = prefixesOf(doc['@context']);
  const firstById = new Map<string, number>();
  return doc.epcisBody.eventList.map((event, index, all): EventIdentity => {
    let hashId: string;
    try {
      hashId = eventHash(event, prefixes).hashId;
    } catch (err) {
      if (err instanceof EventHashError) throw new DomainError('INVALID_INPUT', `eventList[${index}]: ${err.message}`, { eventIndex: index });
      throw err;
    }
    const eventID = (event as { eventID?: unknown }).eventID;
    const declaration = isErrorDeclaration(event);
    if (typeof eventID === 'string' && (eventID.length > MAX_EVENT_ID_LENGTH || eventID.includes('\u0000'))) {
      throw new DomainError('INVALID_INPUT', `eventList[${index}].eventID must be at most ${MAX_EVENT_ID_LENGTH} characters, without NUL`, {
        eventIndex: index,
      });
    }
    const id = typeof eventID === 'string' && eventID.trim() !== '' ? eventID : hashId;
    // A declaration has the id (and hash ID: errorDeclaration is left out of it) of the event it declares: not a repeat of it.
    if (declaration) return { eventID: typeof eventID === 'string' ? eventID : null, id, hashId, sameAs: null, declaration };
    const first = firstById.get(id);
    if (first === undefined) {
      firstById.set(id, index);
      return { eventID: typeof eventID === 'string' ? eventID : null, id, hashId, sameAs: null, declaration };
    }
    const earlier = eventHash(all[first], prefixes).hashId;
    if (earlier !== hashId) throw changedRepeat(index, { id, hashId }, earlier, `eventList[${first}] of the same document`);
    return { eventID: typeof eventID === 'string' ? eventID : null, id, hashId, sameAs: first, declaration };
  });
}

/** The same event id with other content: refused, naming the event and both fingerprints. */
function changedRepeat(index: number, identity: { id: string; hashId: string }, earlierHashId: string, earlier = 'an earlier capture'): DomainError {
  return new DomainError(
    'EVENT_ID_CONFLICT',
    `eventList[${index}]: event ${identity.id} was captured by ${earlier} with other content ` +
      `(hash ID ${earlierHashId}, this one ${identity.hashId}); nothing was recorded`,
    { eventIndex: index, eventID: identity.id, hashId: identity.hashId, capturedHashId: earlierHashId },
  );
}

/** The context, telling `note` of every entry appended through it. */
function noting(ctx: AppendContext, note: (entries: LedgerEntry[]) => void): AppendContext {
  return {
    tx: ctx.tx,
    prior: (key, requestHash) => ctx.prior(key, requestHash),
    append: async (drafts) => {
      const entries = await ctx.append(drafts);
      note(entries);
      return entries;
    },
  };
}

/** A step's work, a refusal of it named by its event, so the producer knows which one broke the rule; nothing of the document is kept. */
async function named<T>(step: CaptureStep, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DomainError)
      throw new DomainError(err.code, `eventList[${step.index}]: ${err.message}`, { eventIndex: step.index, eventID: step.eventID });
    throw err;
  }
}

/**
 * The capture's look-ups by EPCIS names, each asked once per document: products, places and lots that
 * were found stay found for the rest of the capture (a lot not found yet may be registered by a later event).
 */
class NameLookups {
  private readonly products = new Map<string, string>();
  private readonly facilities = new Map<string, { id: string; organizationId: string }>();
  private readonly lots = new Map<string, { id: string; unit: string }>();

  constructor(
    private readonly repository: CaptureRepository,
    private readonly tx: AppendContext['tx'],
  ) {}

  async productId(gtin: string): Promise<string | null> {
    return this.remembered(this.products, gtin, () => this.repository.productIdByGtinInTx(this.tx, gtin));
  }

  async facility(gln: string): Promise<{ id: string; organizationId: string } | null> {
    return this.remembered(this.facilities, gln, () => this.repository.facilityByGlnInTx(this.tx, gln));
  }

  async lot(ref: LotRef): Promise<{ id: string; unit: string } | null> {
    return this.remembered(this.lots, JSON.stringify(ref), () => this.repository.lotInTx(this.tx, ref));
  }

  private async remembered<V>(found: Map<string, V>, key: string, find: () => Promise<V | null>): Promise<V | null> {
    const known = found.get(key);
    if (known !== undefined) return known;
    const value = await find();
    if (value !== null) found.set(key, value);
    return value;
  }
}

/** The input as GraphQL would receive it: the same class, checked by the same class-validator rules. */
async function checked<T extends object>(type: new () => T, plain: Record<string, unknown>): Promise<T> {
  const input = plainToInstance(type, plain);
  const errors = await validate(input, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) throw new DomainError('INVALID_INPUT', messagesOf(errors).join('; '));
  return input;
}

function messagesOf(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (path ? `${path}.${m}` : m)),
    ...messagesOf(e.children ?? [], path ? `${path}.${e.property}` : e.property),
  ]);
}
