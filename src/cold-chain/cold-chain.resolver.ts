import { Args, Field, Float, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { BatchModel } from '../batches/batch.model.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { ColdChainService } from './cold-chain.service.js';
import { RecordTemperaturesInput } from './dto/record-temperatures.input.js';

@ObjectType('ColdChainExcursion')
export class ExcursionModel {
  @Field({ description: 'OUT_OF_RANGE, or GAP when readings stopped for longer than allowed' }) kind: string;
  @Field() start: Date;
  @Field() end: Date;
  @Field(() => Float) minutes: number;
  @Field(() => Float) minC: number;
  @Field(() => Float) maxC: number;
}

@Resolver(() => BatchModel)
export class ColdChainResolver {
  constructor(
    private readonly coldChain: ColdChainService,
    private readonly batches: BatchesRepository,
  ) {}

  @Mutation(() => LedgerEntryModel, {
    description: 'Up to 10,000 temperature readings of a batch, by its custodian (or the organization it is in transit to).',
  })
  async recordTemperatures(@CurrentCaller() caller: Caller, @Args('input') input: RecordTemperaturesInput): Promise<LedgerEntryModel> {
    return LedgerEntryModel.from(await this.coldChain.record(caller, input));
  }

  @Query(() => [BatchModel], { description: 'Admin or regulator: batches with cold-chain excursions, newest first.' })
  async batchesWithExcursions(@CurrentCaller() caller: Caller, @Args('first', { type: () => Int, nullable: true }) first?: number): Promise<BatchModel[]> {
    const ids = await this.coldChain.batchIdsWithExcursions(caller, first ?? 100);
    return (await Promise.all(ids.map((id) => this.batches.findById(id)))).filter((b) => b !== null);
  }

  @ResolveField(() => [ExcursionModel], { description: 'Runs out of range longer than the product tolerates, and gaps in the readings' })
  excursions(@Parent() batch: BatchModel): ExcursionModel[] {
    return (batch.excursions ?? []).map((e) => ({ ...e, start: new Date(e.start), end: new Date(e.end) }));
  }

  @ResolveField(() => Float, { nullable: true, description: 'Mean kinetic temperature of all readings (ΔH/R = 10,000 K)' })
  meanKineticTemperatureC(@Parent() batch: BatchModel): number | null {
    return batch.meanKineticTempC ?? null;
  }
}
