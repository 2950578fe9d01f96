import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { connectionOf } from '../lists/connection.models.js';
import type { PackageStatus } from './packages.repository.js';

export const PACKAGE_STATUSES = ['PACKED', 'IN_TRANSIT', 'UNPACKED'] as const satisfies readonly PackageStatus[];
export const PackageStatusEnum = Object.fromEntries(PACKAGE_STATUSES.map((s) => [s, s])) as { [K in PackageStatus]: K };
registerEnumType(PackageStatusEnum, {
  name: 'PackageStatus',
  description: 'PACKED: at its custodian (packed there, or received); IN_TRANSIT: shipped, not yet received; UNPACKED: emptied (its SSCC is not used again).',
});

@ObjectType('Package', { description: 'A case or pallet named by its SSCC (GS1 AI 00), packed by one ledger entry.' })
export class PackageModel {
  @Field({ description: '18 digits: extension digit, GS1 company prefix, serial reference, check digit' }) sscc: string;
  @Field(() => Int, { description: 'Its direct children: units and packages' }) childCount: number;
  @Field(() => String, { nullable: true, description: 'The package it is in; null when it is in none' }) parentSscc: string | null;
  @Field(() => LedgerEntryModel, { description: 'The UNITS_PACKED entry' }) entry: LedgerEntryModel;
  @Field(() => PackageStatusEnum, { description: 'Where it stands: at its custodian, shipped, or emptied' }) status: PackageStatus;
  /** Resolved by PackageFieldsResolver (custodian, inTransitTo, packer) from these ids. */
  custodianId: string;
  inTransitToId: string | null;
  packerId: string;
}

export const PackageConnection = connectionOf(PackageModel, 'Package', 'Packages');
