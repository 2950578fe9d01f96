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
import { jsonDepthProblem } from '../common/json-details.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { RecordEventInput } from '../events/dto/record-event.input.js';
import { EventsService } from '../events/events.service.js';
import { AppendContext, LedgerWriter } from '../ledger/ledger-writer.js';
import { TransformBatchesInput } from '../transformations/dto/transform-batches.input.js';
import { TransformationsService } from '../transformations/transformations.service.js';
import { CaptureRepository } from './capture.repository.js';
import { CaptureStep, DocumentProblem, planCapture, QuantityLine } from './capture-plan.js';
import { GlnOrId, LotRef, uomOf } from './epcis-identifiers.js';

export interface CapturedEvent {
  index: number;
  eventID: string | null;
  /** The batches the event registered or recorded on. */
  batchIds: string[];
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
  ) {}

  async capture(caller: Caller, document: unknown): Promise<CapturedEvent[]> {
    const org = requireOrganization(caller);
    // Before anything walks it: a document nested thousands deep would overflow the stack of every walk after.
    const deep = jsonDepthProblem(document);
    if (deep) throw new DomainError('INVALID_INPUT', `the EPCIS document: ${deep}`);
    let plan: ReturnType<typeof planCapture>;
    try {
      plan = planCapture(document, this.config.publicBaseUrl);
    } catch (err) {
      if (err instanceof DocumentProblem) throw new DomainError('INVALID_INPUT', err.message);
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
    const captured = await this.writer.execute({
      actor: org.organizationId,
      run: async (ctx) => {
        const done: { step: CaptureStep; batchIds: string[] }[] = [];
        for (const step of plan.steps) {
          try {
            done.push({ step, batchIds: await this.apply(ctx, org, step) });
          } catch (err) {
            // The event is named, so the producer knows which one broke the rule; nothing of the document is kept.
            if (err instanceof DomainError)
              throw new DomainError(err.code, `eventList[${step.index}]: ${err.message}`, { eventIndex: step.index, eventID: step.eventID });
            throw err;
          }
        }
        return done;
      },
    });
    // A document's event may hold several lots (several steps): one answer per event.
    const byEvent = new Map<number, CapturedEvent>();
    for (const { step, batchIds } of captured) {
      const event = byEvent.get(step.index) ?? { index: step.index, eventID: step.eventID, batchIds: [] };
      event.batchIds.push(...batchIds);
      byEvent.set(step.index, event);
    }
    return [...byEvent.values()];
  }

  private async apply(ctx: AppendContext, org: OrganizationCaller, step: CaptureStep): Promise<string[]> {
    const { tx } = ctx;
    switch (step.kind) {
      case 'register': {
        const input = await checked(RegisterBatchInput, {
          productId: await this.productId(ctx, step.gtin),
          facilityId: await this.facilityId(ctx, step.place),
          lotCode: step.lot,
          quantity: step.quantity,
          unit: step.unit,
          producedAt: step.producedAt,
          details: step.details,
        });
        return [await this.batches.registerInContext(ctx, org, input)];
      }
      case 'event': {
        const batchId = await this.lotId(ctx, step.line);
        const input = await checked(RecordEventInput, {
          batchId,
          bizStep: step.bizStep,
          eventTime: step.eventTime,
          facilityId: await this.facilityId(ctx, step.place),
          quantity: step.line.quantity,
          destinationOrganizationId: step.destination ? await this.organizationId(ctx, step.destination) : null,
          details: step.details,
        });
        await this.events.recordInContext(ctx, org, [input]);
        return [batchId];
      }
      case 'temperatures': {
        const batchIds: string[] = [];
        for (const lot of step.lots) {
          const batchId = (await this.lot(tx, lot)).id;
          await this.coldChain.recordInContext(ctx, org, await checked(RecordTemperaturesInput, { batchId, sensorId: step.sensorId, readings: step.readings }));
          batchIds.push(batchId);
        }
        return batchIds;
      }
      case 'transform': {
        const inputs = [];
        for (const line of step.inputs) inputs.push({ batchId: await this.lotId(ctx, line), quantity: line.quantity });
        const outputs = [];
        for (const line of step.outputs)
          outputs.push({ productId: await this.productId(ctx, line.gtin), lotCode: line.lot, quantity: line.quantity, unit: line.unit });
        const input = await checked(TransformBatchesInput, { facilityId: await this.facilityId(ctx, step.place), eventTime: step.eventTime, inputs, outputs });
        const outputIds = outputs.map(() => randomUUID());
        await this.transformations.transformInContext(ctx, org, input, outputIds);
        return [...inputs.map((l) => l.batchId), ...outputIds];
      }
    }
  }

  /** The lot a quantity line names, with its quantity's unit checked against the lot's. */
  private async lotId(ctx: AppendContext, line: QuantityLine): Promise<string> {
    const lot = await this.lot(ctx.tx, line.lot);
    if (line.uom !== null && uomOf(lot.unit) !== line.uom) {
      throw new DomainError('INVALID_INPUT', `uom ${line.uom} does not match the lot's unit (${lot.unit}${uomOf(lot.unit) ? `, ${uomOf(lot.unit)}` : ''})`);
    }
    return lot.id;
  }

  private async lot(tx: AppendContext['tx'], ref: LotRef): Promise<{ id: string; unit: string }> {
    const lot = await this.lookups.lotInTx(tx, ref);
    if (!lot)
      throw new DomainError(
        'BATCH_NOT_FOUND',
        'traceCode' in ref ? `no batch has trace code ${ref.traceCode}` : `no lot ${ref.lot} of GTIN ${ref.gtin} is registered`,
      );
    return lot;
  }

  private async productId(ctx: AppendContext, gtin: string): Promise<string> {
    const id = await this.lookups.productIdByGtinInTx(ctx.tx, gtin);
    if (!id) throw new DomainError('PRODUCT_NOT_FOUND', `no product has GTIN ${gtin}; register the product with its GTIN first`);
    return id;
  }

  private async facilityId(ctx: AppendContext, place: GlnOrId): Promise<string> {
    if ('id' in place) return place.id;
    const facility = await this.lookups.facilityByGlnInTx(ctx.tx, place.gln);
    if (!facility) throw new DomainError('FACILITY_NOT_FOUND', `no facility has GLN ${place.gln}; register the facility with its GLN first`);
    return facility.id;
  }

  private async organizationId(ctx: AppendContext, party: GlnOrId): Promise<string> {
    if ('id' in party) return party.id;
    const facility = await this.lookups.facilityByGlnInTx(ctx.tx, party.gln);
    if (!facility) throw new DomainError('ORGANIZATION_NOT_FOUND', `no organization has a facility with GLN ${party.gln}`);
    return facility.organizationId;
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
