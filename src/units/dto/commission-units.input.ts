import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { IsIdempotencyKey } from '../../common/idempotency-key.js';
import { MAX_UNITS_PER_COMMISSIONING } from '../units.service.js';

@InputType()
export class CommissionUnitsInput {
  @Field(() => ID, { description: 'A lot of one of your products that has a GTIN' }) @IsUUID() batchId: string;
  @Field(() => Int, { description: 'How many units: 1 to 1,000,000' })
  @IsInt({ message: 'count must be a whole number' })
  @Min(1, { message: 'count must be at least 1' })
  @Max(MAX_UNITS_PER_COMMISSIONING, { message: `count must be at most ${MAX_UNITS_PER_COMMISSIONING.toLocaleString('en')}` })
  count: number;
  @Field(() => String, { nullable: true }) @IsIdempotencyKey() idempotencyKey?: string | null;
}
