import { Field, Int, ObjectType } from '@nestjs/graphql';
import { LedgerEntryModel } from '../ledger/ledger.models.js';

@ObjectType('Package', { description: 'A case or pallet named by its SSCC (GS1 AI 00), packed by one ledger entry.' })
export class PackageModel {
  @Field({ description: '18 digits: extension digit, GS1 company prefix, serial reference, check digit' }) sscc: string;
  @Field(() => Int, { description: 'Its direct children: units and packages' }) childCount: number;
  @Field(() => String, { nullable: true, description: 'The package it is in; null when it is in none' }) parentSscc: string | null;
  @Field(() => LedgerEntryModel, { description: 'The UNITS_PACKED entry' }) entry: LedgerEntryModel;
}
