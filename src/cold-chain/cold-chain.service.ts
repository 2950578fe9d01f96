import { Injectable } from '@nestjs/common';
import { Caller, OrganizationCaller, requireAdminOr, requireOrganization } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { CLOCK_SKEW_MS } from '../events/key-data-elements.js';
import { newEntry } from '../ledger/entry-types.js';
import { LedgerEntry } from '../ledger/ledger-entry.js';
import { AppendContext, LedgerWriter } from '../ledger/ledger-writer.js';
import { ColdChainRepository } from './cold-chain.repository.js';
import { RecordTemperaturesInput } from './dto/record-temperatures.input.js';
import { findExcursions, meanKineticTemperature } from './excursions.js';

const DEFAULT_SENSOR = 'unnamed';

@Injectable()
export class ColdChainService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly coldChain: ColdChainRepository,
  ) {}

  /**
   * Up to 10,000 readings of one batch, by its custodian (or, while it is in transit, by the
   * organization receiving it): one ledger entry, the readings kept for queries, and the batch's
   * excursions and mean kinetic temperature recomputed from all its readings.
   */
  async record(caller: Caller, input: RecordTemperaturesInput): Promise<LedgerEntry> {
    const org = requireOrganization(caller);
    return this.writer.execute({ actor: org.organizationId, batchIds: [input.batchId], run: (ctx) => this.recordInContext(ctx, org, input) });
  }

  /** Inside a ledger command: checks the readings and who records them, appends one entry and updates the batch's cold-chain summary. */
  async recordInContext(ctx: AppendContext, org: OrganizationCaller, input: RecordTemperaturesInput): Promise<LedgerEntry> {
    const { tx, append } = ctx;
    const sensorId = input.sensorId ?? DEFAULT_SENSOR;
    const readings = [...input.readings].sort((a, b) => a.at.getTime() - b.at.getTime());
    const latest = readings[readings.length - 1].at;
    if (latest.getTime() > Date.now() + CLOCK_SKEW_MS) throw new DomainError('INVALID_INPUT', `readings: ${latest.toISOString()} is in the future`);
    for (let i = 1; i < readings.length; i++) {
      if (readings[i].at.getTime() === readings[i - 1].at.getTime()) {
        throw new DomainError('INVALID_INPUT', `readings: two readings of sensor ${sensorId} at ${readings[i].at.toISOString()}`);
      }
    }
    const batch = await this.coldChain.batchInTx(tx, input.batchId);
    if (!batch) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${input.batchId}`);
    if (org.organizationId !== batch.custodianId && org.organizationId !== batch.inTransitToId) {
      throw new DomainError('BATCH_NOT_IN_CUSTODY', `batch ${batch.id} is not in your custody (nor in transit to you); its custodian records its temperatures`);
    }
    if (batch.status === 'CONSUMED' || batch.status === 'DESTROYED')
      throw new DomainError('BATCH_CLOSED', `batch ${batch.id} is ${batch.status}: nothing more can happen to it`);
    const duplicates = await this.coldChain.alreadyRecordedInTx(
      tx,
      batch.id,
      sensorId,
      readings.map((r) => r.at),
    );
    if (duplicates.length > 0) {
      throw new DomainError(
        'DUPLICATE_READING',
        `${duplicates.length} reading(s) of sensor ${sensorId} are already recorded, the first at ${duplicates[0].toISOString()}`,
      );
    }
    const celsius = readings.map((r) => r.celsius);
    const [entry] = await append([
      newEntry('TEMPERATURES_RECORDED', batch.id, {
        sensorId,
        count: readings.length,
        from: readings[0].at.toISOString(),
        to: latest.toISOString(),
        minC: Math.min(...celsius),
        maxC: Math.max(...celsius),
        readings: readings.map((r) => ({ at: r.at.toISOString(), celsius: r.celsius })),
      }),
    ]);
    await this.coldChain.insertReadingsInTx(tx, batch.id, sensorId, entry.seq, readings);
    const all = await this.coldChain.readingsInTx(tx, batch.id);
    const excursions = batch.storage === 'AMBIENT' ? [] : findExcursions(all, batch.rules);
    await this.coldChain.saveSummaryInTx(tx, batch.id, { readingCount: all.length, excursions, meanKineticTempC: meanKineticTemperature(all) });
    return entry;
  }

  async batchIdsWithExcursions(caller: Caller, first: number): Promise<string[]> {
    requireAdminOr(caller, ['REGULATOR'], 'listing batches with excursions');
    if (!Number.isInteger(first) || first < 1 || first > 1000) throw new DomainError('INVALID_RANGE', `first must be from 1 to 1000, got ${first}`);
    return this.coldChain.batchIdsWithExcursions(first);
  }
}
