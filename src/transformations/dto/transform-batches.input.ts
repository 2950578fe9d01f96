import { Field, Float, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsDate, IsNumber, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { MAX_QUANTITY } from '../../batches/dto/register-batch.input.js';
import { MAX_LOT_CODE_LENGTH } from '../../batches/lot-code.js';
import { IsPlainText } from '../../common/text.js';
import { MAX_TRANSFORM_LINES } from '../transformation-plan.js';

@InputType()
export class TransformInputLine {
  @Field(() => ID) @IsUUID() batchId: string;
  @Field(() => Float, { description: 'Taken from the input batch, in its unit' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(Number.MIN_VALUE)
  @Max(MAX_QUANTITY)
  quantity: number;
}

@InputType()
export class TransformOutputLine {
  @Field(() => ID) @IsUUID() productId: string;
  @Field() @IsPlainText(1, MAX_LOT_CODE_LENGTH) lotCode: string;
  @Field(() => Float) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(Number.MIN_VALUE) @Max(MAX_QUANTITY) quantity: number;
  @Field() @IsPlainText(1, 16) unit: string;
}

@InputType()
export class TransformBatchesInput {
  @Field(() => ID, { description: 'Where it happened: one of the caller’s facilities' }) @IsUUID() facilityId: string;
  @Field() @IsDate() eventTime: Date;
  @Field(() => [TransformInputLine])
  @ValidateNested({ each: true })
  @Type(() => TransformInputLine)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TRANSFORM_LINES)
  inputs: TransformInputLine[];
  @Field(() => [TransformOutputLine])
  @ValidateNested({ each: true })
  @Type(() => TransformOutputLine)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TRANSFORM_LINES)
  outputs: TransformOutputLine[];
}
