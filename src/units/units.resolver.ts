import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { addressKey } from '../common/client-address.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { OrganizationModel } from '../organizations/organization.model.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { BatchModel } from '../batches/batch.model.js';
import { UnitsRepository } from './units.repository.js';
import { CommissionUnitsInput } from './dto/commission-units.input.js';
import { UnitCheckModel, UnitCommissioningModel, UnitModel } from './unit.models.js';
import { UnitsService } from './units.service.js';

/** A unit's holder: public, as a lot's custodian is (PUBLIC_BATCH_FIELDS), read only when asked for. */
@Resolver(() => UnitModel)
export class UnitFieldsResolver {
  constructor(private readonly organizations: OrganizationsRepository) {}

  @ResolveField(() => OrganizationModel, {
    description: 'Who holds it: the organization that last received a package it was in, else its lot’s custodian',
  })
  async holder(@Parent() unit: UnitModel): Promise<OrganizationModel> {
    return (await this.organizations.findById(unit.holderId))!;
  }
}

/**
 * A lot's commissionings (how many units each, its serials' root and entry): a private field of Batch, so
 * batch-field-policy.ts withholds it (empty, named in withheldFields) from whoever may not read the lot,
 * as it does the lot's entries, which include each commissioning's. The CSV and label sheet stay the producer's.
 */
@Resolver(() => BatchModel)
export class BatchCommissioningsResolver {
  constructor(
    private readonly units: UnitsRepository,
    private readonly ledger: LedgerRepository,
  ) {}

  @ResolveField(() => [UnitCommissioningModel], {
    description:
      'Its serialized units, one commissioning per commissionUnits call, oldest first; its producer downloads each as GET /units/<id>.csv and ' +
      '/units/<id>.pdf. Withheld (empty, named in withheldFields) from callers that may not read the batch.',
  })
  async commissionings(@Parent() batch: BatchModel): Promise<UnitCommissioningModel[]> {
    const found = await this.units.commissioningsOfBatch(batch.id);
    if (found.length === 0) return [];
    const entries = new Map((await this.ledger.findBySeqs(found.map((c) => c.entrySeq))).map((e) => [e.seq, e]));
    return found.map((c) => ({
      id: c.id,
      batchId: c.batchId,
      count: c.count,
      serialsRoot: c.serialsRoot.toString('hex'),
      entry: LedgerEntryModel.from(entries.get(c.entrySeq)!),
    }));
  }
}

@Resolver()
export class UnitsResolver {
  constructor(
    private readonly units: UnitsService,
    private readonly ledger: LedgerRepository,
  ) {}

  @Query(() => UnitModel, { nullable: true, description: 'Public, public fields only. Null for an unknown unit.' })
  async unit(@Args('gtin') gtin: string, @Args('serial') serial: string): Promise<UnitModel | null> {
    const unit = await this.units.find(gtin, serial);
    if (!unit) return null;
    // The lot as every path shows it: its private fields are withheld from whoever may not read it (batch-field-policy.ts).
    return {
      gtin: unit.gtin,
      serial: unit.serial,
      digitalLink: unit.digitalLink,
      batch: unit.batch,
      packagePath: unit.packagePath,
      recalled: unit.batch.recalled,
      holderId: unit.holderId,
    };
  }

  @Mutation(() => UnitCommissioningModel, {
    description:
      "The batch's producer commissions up to 1,000,000 serialized units of a GTIN lot; one ledger entry per call. GET /units/<id>.csv downloads them.",
  })
  async commissionUnits(@CurrentCaller() caller: Caller, @Args('input') input: CommissionUnitsInput): Promise<UnitCommissioningModel> {
    const c = await this.units.commission(caller, input);
    const entry = (await this.ledger.findBySeq(c.entrySeq))!;
    return { id: c.id, batchId: c.batchId, count: c.count, serialsRoot: c.serialsRoot.toString('hex'), entry: LedgerEntryModel.from(entry) };
  }

  @Mutation(() => UnitCheckModel, {
    description: 'Public, rate-limited: is this the code under the unit’s scratch panel? A wrong code and an unknown serial answer alike.',
  })
  checkUnit(
    @Args('gtin') gtin: string,
    @Args('serial') serial: string,
    @Args('checkCode') checkCode: string,
    @Context('req') req: { ip?: string },
  ): Promise<UnitCheckModel> {
    return this.units.check(gtin, serial, checkCode, addressKey(req.ip));
  }
}
