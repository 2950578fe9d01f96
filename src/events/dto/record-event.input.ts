import { Field, Float, ID, InputType } from '@nestjs/graphql';
import { IsDate, IsIn, IsNumber, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { MAX_QUANTITY } from '../../batches/dto/register-batch.input.js';
import { IsIdempotencyKey } from '../../common/idempotency-key.js';
import { BizStepEnum } from '../../graphql/enums.js';
import { JsonScalar } from '../../graphql/scalars.js';
import { BIZ_STEPS, type BizStep } from '../biz-step.js';

@InputType()
export class RecordEventInput {
  @Field(() => ID) @IsUUID() batchId: string;
  @Field(() => BizStepEnum) @IsIn(BIZ_STEPS) bizStep: BizStep;
  @Field() @IsDate() eventTime: Date;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() facilityId?: string | null;
  @Field(() => ID, { nullable: true, description: 'For SHIPPING: the organization that takes custody on RECEIVING.' })
  @IsOptional()
  @IsUUID()
  destinationOrganizationId?: string | null;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_QUANTITY) quantity?:
    number | null;
  @Field(() => JsonScalar, { nullable: true, description: 'Key data elements of the step, kept as given (a JSON object, at most 16 KiB)' })
  @IsOptional()
  details?: Record<string, unknown> | null;
  @Field(() => String, { nullable: true }) @IsIdempotencyKey() idempotencyKey?: string | null;
}
