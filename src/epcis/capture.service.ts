import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Caller, OrganizationCaller, requireOrganization } from '../auth/caller.js';
import { BatchesService } from '../batches/batches.service.js';
import { RegisterBatchInput } from '../batches/dto/register-batch.input.js';
import { ColdChainService } from '../cold-chain/cold-chain.service.js';
import { RecordTemperaturesInput } from '../cold-chain/dto/record-temperatures.input.js';
import { DomainError, type ErrorCode } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { RecordEventInput } from '../events/dto/record-event.input.js';
import { EventsService } from '../events/events.service.js';
import type { LedgerEntry } from '../ledger/ledger-entry.js';
import { AppendContext, LedgerWriter } from '../ledger/ledger-writer.js';
import { TransformBatchesInput } from '../transformations/dto/transform-batches.input.js';
import { TransformationsService } from '../transformations/transformations.service.js';
import { PackagesService } from '../packages/packages.service.js';
import type { AggregationStep, PackageChildren } from './capture-aggregation.js';
import { CaptureRepository, PriorCapture } from './capture.repository.js';
import {
  CaptureErrorBehaviour,
  CaptureJob,
  CaptureJobError,
  CapturedEvent,
  isCaptureId,
  JobCursor,
  pageTokenOf,
  planErrors,
  refusalErrors,
  storableJob,
} from './capture-job.js';
import { CaptureJobRepository } from './capture-job.repository.js';
import { CorrectionsService } from './corrections.service.js';
import { CaptureProblem, CaptureStep, DocumentProblem, planCapture, QuantityLine } from './capture-plan.js';
import { CaptureTooCostly } from './capture-work.js';
import { GlnOrId, LotRef, uomOf } from './epcis-identifiers.js';
import { isErrorDeclaration } from './error-declaration.js';
import { eventHash, EventHashError, prefixesOf } from './event-hash.js';
import { UnitsService } from '../units/units.service.js';
import { CaptureUnitsRepository } from './capture-units.repository.js';
import { serialsByLot } from './serial-identifiers.js';

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
  /** The event as sent (JSON text), kept so exports give it back as it was. */
  eventJson: string;
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
    private readonly jobs: CaptureJobRepository,
    private readonly corrections: CorrectionsService,
    private readonly units: UnitsService,
    private readonly unitLots: CaptureUnitsRepository,
    private readonly packages: PackagesService,
  ) {}

  /**
   * The document whole or nothing (GS1-Capture-Error-Behaviour: rollback). `onCaptured` runs last in
   * the capture's transaction, with its answer: what commits with the capture (its job) and is never
   * written if the capture is not.
   */
  private async captureWhole(
    org: OrganizationCaller,
    document: unknown,
    plan: ReturnType<typeof planCapture>,
    onCaptured?: (tx: AppendContext['tx'], events: CapturedEvent[]) => Promise<void>,
  ): Promise<CapturedEvent[]> {
    if (plan.problems.length > 0) throw planRefusal(plan.problems);
    const identities = identify(document);
    const ids = capturedIds(identities);
    return this.writer.execute({
      actor: org.organizationId,
      run: async (writerCtx) => {
        const appended: LedgerEntry[] = [];
        const ctx = noting(writerCtx, appended);
        // Under the writer's lock: a capture of the same events running at the same time sees this one's rows, or this one sees its.
        const prior = await this.lookups.priorCapturesInTx(ctx.tx, org.organizationId, ids);
        identities.forEach((identity, index) => {
          const before = !identity.declaration && prior.get(identity.id);
          if (before && before.hashId !== identity.hashId) throw changedRepeat(index, identity, before.hashId);
        });
        const fresh = withHashIds(
          freshSteps(plan.steps, (index) => identities[index].sameAs === null && !prior.has(identities[index].id)),
          identities,
        );
        const lookups = new NameLookups(this.lookups, ctx.tx);
        const done = await this.writeSteps(ctx, lookups, org, fresh, appended);
        const events = await this.noteCaptured(ctx, org, contextJsonOf(document), identities, prior, done, new Set());
        const declared = await this.declare(ctx, lookups, org, plan.steps, identities, appended);
        const answer = [...events, ...declared].sort((a, b) => a.index - b.index);
        await onCaptured?.(ctx.tx, answer);
        return answer;
      },
    });
  }

  /** The plan of a document; refuses, before the writer takes the lock, a document that is no EPCIS document, too deep to walk or too costly to write. */
  private plan(document: unknown): ReturnType<typeof planCapture> {
    try {
      return planCapture(document, this.config.publicBaseUrl);
    } catch (err) {
      if (err instanceof DocumentProblem) throw new DomainError(err.invalid ? 'EPCIS_INVALID' : 'INVALID_INPUT', err.message);
      if (err instanceof CaptureTooCostly) throw new DomainError('CAPTURE_TOO_COSTLY', err.message, { bounds: err.overruns });
      throw err;
    }
  }

  /**
   * Steps in document order. Events next to each other are recorded in one call, as recordEvents does:
   * the lock is held for one read of what they refer to, not one per event.
   */
  private async writeSteps(
    ctx: AppendContext,
    lookups: NameLookups,
    org: OrganizationCaller,
    steps: WrittenStep[],
    appended: readonly LedgerEntry[],
  ): Promise<DoneStep[]> {
    const done: DoneStep[] = [];
    for (let i = 0; i < steps.length;) {
      const step = steps[i];
      if (step.kind !== 'event') {
        const entries: LedgerEntry[] = [];
        const batchIds = await named(step, lookups, () => this.apply(noting(ctx, entries), lookups, org, step, appended));
        done.push({ step, batchIds, seqs: entries.map((e) => e.seq) });
        i++;
        continue;
      }
      let end = i;
      while (end < steps.length && steps[end].kind === 'event') end++;
      const run = steps.slice(i, end) as EventStep[];
      const recorded = await this.recordEvents(ctx, lookups, org, run);
      done.push(...run.map((s, k) => ({ step: s, batchIds: [recorded[k].batchId], seqs: [recorded[k].seq] })));
      i = end;
    }
    return done;
  }

  /**
   * Notes the events recorded as captured (for repeats to find, and as sent, for exports) and answers one
   * line per event of the document but those `refused`: what it was recorded as, or the earlier record it repeats.
   */
  private async noteCaptured(
    ctx: AppendContext,
    org: OrganizationCaller,
    documentContextJson: string | null,
    identities: (EventIdentity | null)[],
    prior: Map<string, PriorCapture>,
    done: DoneStep[],
    refused: ReadonlySet<number>,
  ): Promise<CapturedEvent[]> {
    // A document's event may hold several lots (several steps): one answer per event.
    const byEvent = new Map<number, CapturedEvent & { seqs: number[] }>();
    for (const { step, batchIds, seqs } of done) {
      const event = byEvent.get(step.index) ?? { index: step.index, eventID: step.eventID, batchIds: [], seqs: [] };
      // A storing event with sensor reports names its lot twice (its step, its readings): once in the answer.
      event.batchIds.push(...batchIds.filter((id) => !event.batchIds.includes(id)));
      event.seqs.push(...seqs);
      byEvent.set(step.index, event);
    }
    const isNew = (identity: EventIdentity) => identity.sameAs === null && !prior.has(identity.id);
    // Declarations are answered by declare(): they name an event captured before, and are no event of their own.
    const kept = identities.flatMap((identity, index) => (identity && !identity.declaration && !refused.has(index) ? [{ identity, index }] : []));
    const rows = kept.flatMap(({ identity, index }) => {
      if (!isNew(identity)) return [];
      const recorded = byEvent.get(index);
      return [{ eventId: identity.id, hashId: identity.hashId, seqs: recorded?.seqs ?? [], batchIds: recorded?.batchIds ?? [], eventJson: identity.eventJson }];
    });
    await this.lookups.recordCapturesInTx(ctx.tx, org.organizationId, documentContextJson, rows);
    return kept.map(({ identity, index }): CapturedEvent => {
      const { eventID } = identity;
      if (isNew(identity)) return { index, eventID, batchIds: byEvent.get(index)?.batchIds ?? [] };
      const batchIds = identity.sameAs !== null ? (byEvent.get(identity.sameAs)?.batchIds ?? []) : prior.get(identity.id)!.batchIds;
      return { index, eventID, batchIds: [...batchIds], repeat: true };
    });
  }

  /**
   * A capture as an EPCIS 2.0 capture job, run inside the request. `rollback`: the document whole
   * or nothing, the job written in the capture's transaction, or after the rollback when refused (the
   * refusal then carries its captureID). `proceed`: the events that can be captured are, each whole;
   * the job lists the others with their reasons. A document that is no EPCIS document, or costs more
   * than a capture may, is refused before any job exists.
   */
  async captureJob(caller: Caller, document: unknown, behaviour: CaptureErrorBehaviour): Promise<CaptureJob> {
    const org = requireOrganization(caller);
    const captureID = randomUUID();
    const createdAt = new Date().toISOString();
    const jobOf = (events: CapturedEvent[], errors: CaptureJobError[]): CaptureJob =>
      storableJob({
        captureID,
        createdAt,
        finishedAt: new Date(Math.max(Date.now(), Date.parse(createdAt))).toISOString(),
        running: false,
        success: errors.length === 0,
        captureErrorBehaviour: behaviour,
        errors: [...errors].sort((a, b) => (a.eventIndex ?? -1) - (b.eventIndex ?? -1)),
        captured: events.length,
        events,
      });
    if (behaviour === 'proceed') return this.captureProceeding(org, document, jobOf);
    const plan = this.plan(document);
    let job: CaptureJob | undefined;
    try {
      await this.captureWhole(org, document, plan, async (tx, events) => {
        job = jobOf(events, []);
        await this.jobs.insert(org.organizationId, job, tx);
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // Written after the rollback: the refusal is on record, what it refused is not.
      await this.jobs.insert(org.organizationId, jobOf([], refusalErrors(err)));
      throw new DomainError(err.code, err.message, { ...err.extensions, captureID });
    }
    return job!;
  }

  /**
   * GS1-Capture-Error-Behaviour: proceed. Events the plan refuses, whose id was captured with other
   * content, or that a rule refuses as they are written are left out, each with its reasons; the rest
   * are captured. All are first written together in one savepoint; if any is refused, that is undone
   * and each event is written in a savepoint of its own, so a refused event leaves nothing (not half
   * its lots, not an entry without its projection rows) and the chain has only whole events.
   */
  private async captureProceeding(
    org: OrganizationCaller,
    document: unknown,
    jobOf: (events: CapturedEvent[], errors: CaptureJobError[]) => CaptureJob,
  ): Promise<CaptureJob> {
    const plan = this.plan(document);
    const errors: CaptureJobError[] = planErrors(plan.problems);
    const refused = new Set(plan.problems.map((p) => p.index));
    const identities = identifyEach(document).map((identity, index) => {
      if (!(identity instanceof DomainError)) return identity;
      if (!refused.has(index)) errors.push(...refusalErrors(identity));
      refused.add(index);
      return null;
    });
    const ids = capturedIds(identities.flatMap((identity) => (identity ? [identity] : [])));
    return this.writer.execute({
      actor: org.organizationId,
      run: async (writerCtx) => {
        const appended: LedgerEntry[] = [];
        const ctx = noting(writerCtx, appended);
        const refuse = (index: number, err: DomainError) => {
          if (refused.has(index)) return;
          errors.push(...refusalErrors(err));
          refused.add(index);
        };
        const prior = await this.lookups.priorCapturesInTx(ctx.tx, org.organizationId, ids);
        identities.forEach((identity, index) => {
          const before = identity && !identity.declaration && prior.get(identity.id);
          if (identity && before && before.hashId !== identity.hashId) refuse(index, changedRepeat(index, identity, before.hashId));
        });
        const isFresh = (index: number) => !refused.has(index) && identities[index]!.sameAs === null && !prior.has(identities[index]!.id);
        const fresh = withHashIds(freshSteps(plan.steps, isFresh), identities);
        const lookups = new NameLookups(this.lookups, ctx.tx);
        let done: DoneStep[];
        try {
          done = await ctx.attempt(() => this.writeSteps(ctx, lookups, org, fresh, appended));
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          // Names found inside the undone attempt (a lot it registered) are no longer there.
          lookups.forget();
          done = [];
          for (const steps of stepsByEvent(fresh)) {
            try {
              done.push(...(await ctx.attempt(() => this.writeSteps(ctx, lookups, org, steps, appended))));
            } catch (eventErr) {
              if (!(eventErr instanceof DomainError)) throw eventErr;
              lookups.forget();
              refuse(steps[0].index, eventErr);
            }
          }
        }
        // A repeat within the document of an event that was refused is refused for the same reason.
        identities.forEach((identity, index) => {
          const original = identity?.sameAs != null && refused.has(identity.sameAs) ? errors.find((e) => e.eventIndex === identity.sameAs) : undefined;
          if (original)
            refuse(
              index,
              new DomainError(
                original.code as ErrorCode,
                `eventList[${index}]: repeats eventList[${identity!.sameAs}], which was refused: ${original.detail}`,
                {
                  eventIndex: index,
                  eventID: identity!.eventID,
                },
              ),
            );
        });
        const events = await this.noteCaptured(ctx, org, contextJsonOf(document), identities, prior, done, refused);
        const declarations = plan.steps.filter((step) => !refused.has(step.index));
        const declared = await this.declare(ctx, lookups, org, declarations, identities, appended, refuse);
        const job = jobOf(
          [...events, ...declared].sort((a, b) => a.index - b.index),
          errors,
        );
        await this.jobs.insert(org.organizationId, job, ctx.tx);
        return job;
      },
    });
  }

  /**
   * The document's error declarations, after its events are noted as captured (a declaration may name
   * an event of the same document). Without `refuse` a refused declaration refuses the capture; with
   * it (proceed), each is tried in a savepoint of its own and a refused one is handed to `refuse`.
   */
  private async declare(
    ctx: AppendContext,
    lookups: NameLookups,
    org: OrganizationCaller,
    steps: CaptureStep[],
    identities: (EventIdentity | null)[],
    appended: readonly LedgerEntry[],
    refuse?: (index: number, err: DomainError) => void,
  ): Promise<CapturedEvent[]> {
    const answers: CapturedEvent[] = [];
    for (const step of steps) {
      if (step.kind !== 'declare-erroneous') continue;
      const declare = () => named(step, lookups, () => this.corrections.declareInContext(ctx, org, step, identities[step.index]!, appended));
      let declared: { batchIds: string[]; repeat: boolean };
      if (!refuse) declared = await declare();
      else {
        try {
          declared = await ctx.attempt(declare);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          refuse(step.index, err);
          continue;
        }
      }
      answers.push({
        index: step.index,
        eventID: identities[step.index]!.eventID,
        batchIds: declared.batchIds,
        declaredErroneous: true,
        ...(declared.repeat ? { repeat: true as const } : {}),
      });
    }
    return answers;
  }

  /** The caller's capture job; another organization's answers as an unknown one does. */
  async job(caller: Caller, captureID: string): Promise<CaptureJob> {
    const org = requireOrganization(caller);
    const job = isCaptureId(captureID) ? await this.jobs.byId(org.organizationId, captureID) : null;
    if (!job) throw new DomainError('CAPTURE_JOB_NOT_FOUND', `no capture job ${captureID.slice(0, 64)} of your organization`);
    return job;
  }

  /** A page of the caller's capture jobs, newest first, and the token of the next page if there is one. */
  async jobPage(caller: Caller, perPage: number, after: JobCursor | null): Promise<{ jobs: CaptureJob[]; nextPageToken: string | null }> {
    const org = requireOrganization(caller);
    const jobs = await this.jobs.page(org.organizationId, perPage + 1, after);
    if (jobs.length <= perPage) return { jobs, nextPageToken: null };
    const last = jobs[perPage - 1];
    return { jobs: jobs.slice(0, perPage), nextPageToken: pageTokenOf({ createdAt: last.createdAt, id: last.captureID }) };
  }

  /**
   * Events next to each other in the document, in one call of the events service. A refusal is found
   * again event by event (nothing was written by the refused call: it checks all before it appends), so
   * it names the event that broke the rule with the same message a document of that event alone gets.
   */
  private async recordEvents(ctx: AppendContext, lookups: NameLookups, org: OrganizationCaller, run: EventStep[]): Promise<{ batchId: string; seq: number }[]> {
    const inputs: RecordEventInput[] = [];
    for (const step of run) inputs.push(await named(step, lookups, () => this.eventInput(lookups, step)));
    const alone = (i: number) => named(run[i], lookups, () => this.events.recordInContext(ctx, org, [inputs[i]]));
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
    step: Exclude<WrittenStep, EventStep>,
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
      case 'unit-event':
        return this.recordUnitEvent(ctx, lookups, org, step);
      case 'commission-units': {
        const batchId = (await this.lot(lookups, { gtin: step.gtin, lot: step.lot })).id;
        await this.units.commissionInContext(ctx, org, batchId, step.serials);
        return [batchId];
      }
      case 'pack':
      case 'unpack':
        return this.aggregate(ctx, lookups, org, step);
    }
  }

  /**
   * An OBSERVE event's units of one GTIN: each must be a commissioned unit; they are recorded as one
   * event per lot they belong to (in order of first mention), each naming its units, under the events
   * service's rules as any event (a recalled lot's units are not sold, a unit is sold once).
   */
  private async recordUnitEvent(ctx: AppendContext, lookups: NameLookups, org: OrganizationCaller, step: UnitEventStep): Promise<string[]> {
    const lots = await this.unitLots.lotsOfUnitsInTx(ctx.tx, step.gtin, step.serials);
    const missing = step.serials.find((serial) => !lots.has(serial));
    if (missing !== undefined)
      throw new DomainError('UNIT_NOT_FOUND', `epcList: no unit of GTIN ${step.gtin} has serial ${JSON.stringify(missing)}; commission it first`);
    const facilityId = await this.facilityId(lookups, step.place);
    const destinationOrganizationId = step.destination ? await this.organizationId(lookups, step.destination) : null;
    const inputs: RecordEventInput[] = [];
    for (const { batchId, serials } of serialsByLot(step.serials, (serial) => lots.get(serial)!)) {
      inputs.push(
        await checked(RecordEventInput, {
          batchId,
          bizStep: step.bizStep,
          eventTime: step.eventTime,
          facilityId,
          destinationOrganizationId,
          details: step.details,
          serials,
        }),
      );
    }
    await this.events.recordInContext(ctx, org, inputs);
    return inputs.map((input) => input.batchId);
  }

  /**
   * An AggregationEvent: packUnits (ADD) or unpack (DELETE) at the facility its place names. Answers no
   * batch: a package's event is of the package, not of a lot (its entry is ledger-scoped).
   */
  private async aggregate(ctx: AppendContext, lookups: NameLookups, org: OrganizationCaller, step: AggregationStep): Promise<string[]> {
    const facilityId = await this.facilityId(lookups, step.place);
    const units = (c: PackageChildren) => (c.gtin ? [{ gtin: c.gtin, serials: c.serials }] : []);
    if (step.kind === 'pack') {
      const { gtin, serials, childSsccs } = step.children;
      await this.packages.packInContext(ctx, org, {
        facilityId,
        sscc: step.sscc,
        gtin,
        unitSerials: serials.length > 0 ? serials : null,
        childSsccs: childSsccs.length > 0 ? childSsccs : null,
      });
      return [];
    }
    const given = step.children && { units: units(step.children), childSsccs: step.children.childSsccs };
    await this.packages.unpackInContext(ctx, org, step.sscc, facilityId, given);
    return [];
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
type UnitEventStep = Extract<CaptureStep, { kind: 'unit-event' }>;
/** The steps written as the document's events are; declarations come after them (declare). */
type WrittenStep = Exclude<CaptureStep, { kind: 'declare-erroneous' }>;

/** The steps of the events to write (`isFresh` by event index), without the document's declarations. */
function freshSteps(steps: CaptureStep[], isFresh: (index: number) => boolean): WrittenStep[] {
  return steps.filter((step): step is WrittenStep => step.kind !== 'declare-erroneous' && isFresh(step.index));
}

/** The ids of the events a capture looks up as captured before: a declaration names another event, its own id is not one. */
function capturedIds(identities: EventIdentity[]): string[] {
  return [...new Set(identities.filter((e) => !e.declaration).map((e) => e.id))];
}

/**
 * Each event's id (its eventID, else its CBV 2.0 hash ID) and hash ID; an event that repeats an earlier
 * one of the same document (same id, same content) points at it, the same id with other content is a CONFLICT.
 */
function identify(document: unknown): EventIdentity[] {
  return identifyEach(document).map((identity) => {
    if (identity instanceof DomainError) throw identity;
    return identity;
  });
}

/** Each event's identity, or the refusal of an event that has none (it cannot be hashed, its eventID is too long, it changes an earlier event's content). */
function identifyEach(document: unknown): (EventIdentity | DomainError)[] {
  const doc = document as { '@context'?: unknown; epcisBody: { eventList: unknown[] } };
  const prefixes = prefixesOf(doc['@context']);
  const firstById = new Map<string, { index: number; hashId: string }>();
  return doc.epcisBody.eventList.map((event, index): EventIdentity | DomainError => {
    let hashId: string;
    try {
      hashId = eventHash(event, prefixes).hashId;
    } catch (err) {
      if (err instanceof EventHashError) return new DomainError('INVALID_INPUT', `eventList[${index}]: ${err.message}`, { eventIndex: index });
      throw err;
    }
    const eventID = (event as { eventID?: unknown }).eventID;
    if (typeof eventID === 'string' && (eventID.length > MAX_EVENT_ID_LENGTH || eventID.includes('\u0000'))) {
      return new DomainError('INVALID_INPUT', `eventList[${index}].eventID must be at most ${MAX_EVENT_ID_LENGTH} characters, without NUL`, {
        eventIndex: index,
      });
    }
    const id = typeof eventID === 'string' && eventID.trim() !== '' ? eventID : hashId;
    const declaration = isErrorDeclaration(event);
    // A declaration has the id (and hash ID: errorDeclaration is left out of it) of the event it declares: not a repeat of it.
    const eventJson = JSON.stringify(event);
    if (declaration) return { eventID: typeof eventID === 'string' ? eventID : null, id, hashId, sameAs: null, declaration, eventJson };
    const first = firstById.get(id);
    if (first === undefined) {
      firstById.set(id, { index, hashId });
      return { eventID: typeof eventID === 'string' ? eventID : null, id, hashId, sameAs: null, declaration, eventJson };
    }
    if (first.hashId !== hashId) return changedRepeat(index, { id, hashId }, first.hashId, `eventList[${first.index}] of the same document`);
    return { eventID: typeof eventID === 'string' ? eventID : null, id, hashId, sameAs: first.index, declaration, eventJson };
  });
}

/**
 * The steps with their event's CBV 2.0 hash ID in the details of the entry they write (details.epcisHashId),
 * so the event kept as sent can be checked against the signed ledger: hash it again, compare. Temperature
 * records and transformations have no details in their payloads, so their events are not bound this way.
 */
function withHashIds<S extends CaptureStep>(steps: S[], identities: (EventIdentity | null)[]): S[] {
  return steps.map((step) => ('details' in step ? { ...step, details: { ...step.details, epcisHashId: identities[step.index]!.hashId } } : step));
}

/** The document's "@context" as JSON text (what its events' prefixed names mean), or null when it has none. */
function contextJsonOf(document: unknown): string | null {
  const context = (document as { '@context'?: unknown })['@context'];
  return context === undefined ? null : JSON.stringify(context);
}

/** What a written step was recorded as. */
interface DoneStep {
  step: CaptureStep;
  batchIds: string[];
  seqs: number[];
}

/** Steps grouped by the event they come from (an event's steps are next to each other), so an event is written or refused whole. */
function stepsByEvent(steps: WrittenStep[]): WrittenStep[][] {
  const groups: WrittenStep[][] = [];
  for (const step of steps) {
    const last = groups.at(-1);
    if (last && last[0].index === step.index) last.push(step);
    else groups.push([step]);
  }
  return groups;
}

/**
 * The refusal of a document some of whose events the plan refuses. Breaking the standard is the more
 * basic problem: it names the whole refusal when any event does.
 */
function planRefusal(problems: CaptureProblem[]): DomainError {
  const [first] = problems;
  return new DomainError(
    problems.some((p) => p.code === 'EPCIS_INVALID') ? 'EPCIS_INVALID' : 'EPCIS_NOT_MODELLED',
    `${problems.length} event(s) cannot be captured, so nothing was recorded; eventList[${first.index}]: ${first.reason}`,
    { events: problems },
  );
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

/**
 * The context, adding every entry appended through it to `appended` (the writer inserts a group's entries
 * at commit, so a later step of the capture reads what an earlier one appended from here); an attempt
 * that fails takes its entries off again, as the writer takes them off the chain.
 */
function noting(ctx: AppendContext, appended: LedgerEntry[]): AppendContext {
  return {
    tx: ctx.tx,
    prior: (key, requestHash) => ctx.prior(key, requestHash),
    attempt: async (work) => {
      const before = appended.length;
      try {
        return await ctx.attempt(work);
      } catch (err) {
        appended.length = before;
        throw err;
      }
    },
    append: async (drafts) => {
      const entries = await ctx.append(drafts);
      appended.push(...entries);
      return entries;
    },
  };
}

/**
 * A step's work, a refusal of it named by its event, so the producer knows which one broke the rule;
 * nothing of the document is kept. A lot the rule names by its internal id is named as the document
 * named it (the caller may not be one who reads that lot's id).
 */
async function named<T>(step: CaptureStep, lookups: NameLookups, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DomainError)
      throw new DomainError(err.code, `eventList[${step.index}]: ${lookups.asNamed(err.message)}`, { eventIndex: step.index, eventID: step.eventID });
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
  /** Each lot's id → the lot as the document named it. */
  private readonly names = new Map<string, string>();

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
    const lot = await this.remembered(this.lots, JSON.stringify(ref), () => this.repository.lotInTx(this.tx, ref));
    if (lot) this.names.set(lot.id, 'traceCode' in ref ? `the lot with trace code ${ref.traceCode}` : `lot ${ref.lot} of GTIN ${ref.gtin}`);
    return lot;
  }

  /** A message with every "batch <id>" of a lot the document named by GS1 name or trace code written as the document named it. */
  asNamed(message: string): string {
    let named = message;
    for (const [id, name] of this.names) named = named.replaceAll(`batch ${id}`, name);
    return named;
  }

  /** After a rollback to a savepoint: what was found inside it (a lot it registered) may be gone. */
  forget(): void {
    this.products.clear();
    this.facilities.clear();
    this.lots.clear();
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
