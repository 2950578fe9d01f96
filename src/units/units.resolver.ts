import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { CommissionUnitsInput } from './dto/commission-units.input.js';
import { UnitCommissioningModel } from './unit.models.js';
import { UnitsService } from './units.service.js';

@Resolver()
export class UnitsResolver {
  constructor(
    private readonly units: UnitsService,
    private readonly ledger: LedgerRepository,
  ) {}

  @Mutation(() => UnitCommissioningModel, {
    description: "The batch's producer commissions up to 1,000,000 serialized units of a GTIN lot; one ledger entry per call. GET /units/<id>.csv downloads them.",
  })
  async commissionUnits(@CurrentCaller() caller: Caller, @Args('input') input: CommissionUnitsInput): Promise<UnitCommissioningModel> {
    const c = await this.units.commission(caller, input);
    const entry = (await this.ledger.findBySeq(c.entrySeq))!;
    return { id: c.id, batchId: c.batchId, count: c.count, serialsRoot: c.serialsRoot.toString('hex'), entry: LedgerEntryModel.from(entry) };
  }
}
