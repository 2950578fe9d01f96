import { Field, Float, ID, InputType } from '@nestjs/graphql';
import { IsDate, IsNumber, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { IsIdempotencyKey } from '../../common/idempotency-key.js';
import { IsPlainText } from '../../common/text.js';
import { MAX_LOT_CODE_LENGTH } from '../lot-code.js';
import { JsonScalar } from '../../graphql/scalars.js';

export const MAX_QUANTITY = 1e12;

@InputType()
export class RegisterBatchInput {
  @Field(() => ID) @IsUUID() productId: string;
  @Field(() => ID, { description: 'Where the batch was produced: one of the caller’s facilities' }) @IsUUID() facilityId: string;
  @Field({ description: 'The traceability lot code, unique per product' }) @IsPlainText(1, MAX_LOT_CODE_LENGTH) lotCode: string;
  @Field(() => Float) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_QUANTITY) quantity: number;
  @Field({ description: 'kg, t, L, case, …' }) @IsPlainText(1, 16) unit: string;
  @Field() @IsDate() producedAt: Date;
  @Field(() => JsonScalar, { nullable: true, description: 'Key data elements of the batch, kept as given (a JSON object, at most 16 KiB)' })
  @IsOptional()
  details?: Record<string, unknown> | null;
  @Field(() => String, { nullable: true }) @IsIdempotencyKey() idempotencyKey?: string | null;
}
