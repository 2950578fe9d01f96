import { Field, Float, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsNumber, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { IsPlainText } from '../../common/text.js';
import { InspectionVerdictEnum } from '../../graphql/enums.js';

@InputType()
export class InspectionItemInput {
  @Field({ description: 'What was tested, e.g. 镉 (Cd), aflatoxin M1' }) @IsPlainText(1, 100) name: string;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) value?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) limit?: number | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsPlainText(1, 20) unit?: string | null;
  @Field() @IsBoolean() passed: boolean;
}

@InputType()
export class RecordInspectionInput {
  @Field(() => ID) @IsUUID() batchId: string;
  @Field(() => String, { nullable: true, description: 'The testing agency' }) @IsOptional() @IsPlainText(1, 200) agency?: string | null;
  @Field(() => String, { nullable: true, description: 'The standard the limits come from, e.g. GB 2762-2022' }) @IsOptional() @IsPlainText(1, 200) standard?:
    string | null;
  @Field(() => InspectionVerdictEnum) @IsIn(['PASS', 'FAIL']) verdict: 'PASS' | 'FAIL';
  @Field(() => [InspectionItemInput])
  @ValidateNested({ each: true })
  @Type(() => InspectionItemInput)
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  items: InspectionItemInput[];
}

@InputType()
export class ReleaseBatchInput {
  @Field(() => ID) @IsUUID() batchId: string;
  @Field({ description: 'Why the hold is lifted (recorded in the ledger)' }) @IsPlainText(1, 500) reason: string;
}
