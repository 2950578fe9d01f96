import { Field, Float, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsDate, IsIn, IsNumber, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { MAX_QUANTITY } from '../../batches/dto/register-batch.input.js';
import { IsIdempotencyKey } from '../../common/idempotency-key.js';
import { BizStepEnum } from '../../graphql/enums.js';
import { JsonScalar } from '../../graphql/scalars.js';
import { BIZ_STEPS, type BizStep } from '../biz-step.js';
import { MAX_SERIALS_PER_EVENT } from '../event-units.js';

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
  @Field(() => [String], {
    nullable: true,
    description:
      'Serialized units of the batch the event is about (their serials, up to 1,000, each commissioned in this lot). ' +
      'RETAIL_SELLING marks them sold; quantity defaults to their number',
  })
  @IsOptional()
  @IsArray({ message: 'serials must be a list of serials' })
  @ArrayMaxSize(MAX_SERIALS_PER_EVENT, { message: `serials: at most ${MAX_SERIALS_PER_EVENT} units per event` })
  @IsString({ each: true, message: 'serials must be strings' })
  serials?: string[] | null;
  @Field(() => String, { nullable: true }) @IsIdempotencyKey() idempotencyKey?: string | null;
}
