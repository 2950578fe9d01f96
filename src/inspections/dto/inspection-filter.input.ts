import { Field, ID, InputType } from '@nestjs/graphql';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { InspectionVerdictEnum } from '../../graphql/enums.js';

@InputType('InspectionFilter', { description: 'Every field given must match (AND); an absent field does not filter.' })
export class InspectionFilterInput {
  @Field(() => InspectionVerdictEnum, { nullable: true, description: 'FAIL: the failed inspections.' })
  @IsOptional()
  @IsIn(['PASS', 'FAIL'])
  verdict?: 'PASS' | 'FAIL';
  @Field(() => ID, { nullable: true, description: 'The inspections of this batch.' }) @IsOptional() @IsUUID() batchId?: string;
}
