import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { PackUnitsInput, ReceivePackageInput, ShipPackageInput } from './dto/package.inputs.js';
import { PackageModel } from './package.models.js';
import { PackagesRepository } from './packages.repository.js';
import { PackagesService } from './packages.service.js';

@Resolver()
export class PackagesResolver {
  constructor(
    private readonly packages: PackagesService,
    private readonly rows: PackagesRepository,
  ) {}

  @Mutation(() => PackageModel, {
    description: 'The custodian packs up to 10,000 units (of one GTIN) and/or packages into a package named by an SSCC; one ledger entry per call.',
  })
  async packUnits(@CurrentCaller() caller: Caller, @Args('input') input: PackUnitsInput): Promise<PackageModel> {
    const packed = await this.packages.pack(caller, input);
    // As it stands now: a retried call's package may have been packed into another, shipped or received since.
    const now = (await this.rows.findPackageNow(packed.sscc))!;
    return {
      sscc: packed.sscc,
      childCount: packed.childCount,
      parentSscc: now.parentSscc,
      entry: LedgerEntryModel.from(packed.entry),
      status: now.status,
      custodianId: now.custodianId,
      inTransitToId: now.inTransitToId,
      packerId: now.organizationId,
    };
  }

  @Mutation(() => LedgerEntryModel, { description: "The package's custodian takes its direct children out (a package inside another: unpack that first)." })
  async unpack(
    @CurrentCaller() caller: Caller,
    @Args('sscc') sscc: string,
    @Args('facilityId', { type: () => ID }, new ParseUUIDPipe()) facilityId: string,
  ): Promise<LedgerEntryModel> {
    return LedgerEntryModel.from(await this.packages.unpack(caller, sscc, facilityId));
  }

  @Mutation(() => LedgerEntryModel, {
    description: 'The custodian ships a package and everything in it to another organization; refused while a unit inside is of a recalled or held lot.',
  })
  async shipPackage(@CurrentCaller() caller: Caller, @Args('input') input: ShipPackageInput): Promise<LedgerEntryModel> {
    return LedgerEntryModel.from(await this.packages.ship(caller, input));
  }

  @Mutation(() => LedgerEntryModel, { description: 'The organization a package was shipped to receives it: custody of everything in it moves to it.' })
  async receivePackage(@CurrentCaller() caller: Caller, @Args('input') input: ReceivePackageInput): Promise<LedgerEntryModel> {
    return LedgerEntryModel.from(await this.packages.receive(caller, input));
  }
}
