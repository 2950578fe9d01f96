import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { InspectionVerdictEnum } from '../graphql/enums.js';

@ObjectType('InspectionItem')
export class InspectionItemModel {
  @Field() name: string;
  @Field(() => Float, { nullable: true }) value?: number | null;
  @Field(() => Float, { nullable: true }) limit?: number | null;
  @Field(() => String, { nullable: true }) unit?: string | null;
  @Field() passed: boolean;
}

@ObjectType('Inspection')
export class InspectionModel {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) agency: string | null;
  @Field(() => String, { nullable: true }) standard: string | null;
  @Field(() => InspectionVerdictEnum) verdict: 'PASS' | 'FAIL';
  @Field(() => [InspectionItemModel]) items: InspectionItemModel[];
  @Field({ description: 'When its ledger entry was recorded.' }) recordedAt: Date;
  /** The inspected batch and the inspecting organization (Inspection.batch, Inspection.inspectedBy resolve them). */
  batchId: string;
  organizationId: string;
}
