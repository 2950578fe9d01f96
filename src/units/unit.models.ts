import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { BatchModel } from '../batches/batch.model.js';
import type { BizStep } from '../events/biz-step.js';
import { BizStepEnum } from '../graphql/enums.js';
import { SafeIntScalar } from '../graphql/scalars.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';

@ObjectType('UnitCommissioning', { description: 'Serialized units of a lot, commissioned by one ledger entry.' })
export class UnitCommissioningModel {
  @Field(() => ID) id: string;
  @Field(() => ID) batchId: string;
  @Field(() => Int) count: number;
  @Field({ description: 'Hex Merkle root over the serials, committed by the commissioning ledger entry.' }) serialsRoot: string;
  @Field(() => LedgerEntryModel) entry: LedgerEntryModel;
}

@ObjectType('UnitEvent', { description: "An event that named the unit itself (its lot's entry), public facts only." })
export class UnitEventModel {
  @Field(() => SafeIntScalar, { description: 'The ledger entry (EVENT_RECORDED) that names the unit' }) seq: number;
  @Field(() => BizStepEnum) bizStep: BizStep;
  @Field(() => Date) eventTime: Date;
  @Field(() => String, { nullable: true, description: 'Where it happened: the facility’s registered name' }) facilityName: string | null;
}

@ObjectType('Unit', { description: 'One serialized unit (a can, a bottle): public facts only.' })
export class UnitModel {
  @Field() gtin: string;
  @Field() serial: string;
  @Field({ description: 'Its GS1 Digital Link URI: <base>/01/<gtin>/10/<lot>/21/<serial>' }) digitalLink: string;
  @Field(() => BatchModel, { description: 'Its lot, as a scan shows it' }) batch: BatchModel;
  @Field(() => [String], { description: 'SSCCs from the innermost package outwards; empty when not packed.' }) packagePath: string[];
  @Field({ description: 'Whether its lot is recalled' }) recalled: boolean;
  /** Resolved by UnitFieldsResolver (holder), from this id. */
  holderId: string;
  // events and sale: UnitEventsResolver (unit-events.resolver.ts), read only when asked for.
}

@ObjectType('UnitCheck', { description: "The answer to a consumer's check code." })
export class UnitCheckModel {
  @Field({ description: 'True only for a correct check code.' }) genuine: boolean;
  @Field(() => Int, { description: 'How many correct checks this unit has had, this one included.' }) checks: number;
  @Field(() => Date, { nullable: true }) firstCheckedAt: Date | null;
  @Field() message: string;
}
