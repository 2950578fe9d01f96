import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { IsIdempotencyKey } from '../../common/idempotency-key.js';
import { MAX_UNITS_PER_COMMISSIONING } from '../units.service.js';
import { MAX_GIVEN_SERIALS } from '../unit-serials.js';

@InputType()
export class CommissionUnitsInput {
  @Field(() => ID, { description: 'A lot of one of your products that has a GTIN' }) @IsUUID() batchId: string;
  @Field(() => Int, { description: 'How many units: 1 to 1,000,000 (the number of serials when they are given)' })
  @IsInt({ message: 'count must be a whole number' })
  @Min(1, { message: 'count must be at least 1' })
  @Max(MAX_UNITS_PER_COMMISSIONING, { message: `count must be at most ${MAX_UNITS_PER_COMMISSIONING.toLocaleString('en')}` })
  count: number;
  @Field(() => [String], {
    nullable: true,
    description:
      'Your own serials (GS1 AI 21: 1 to 20 characters of set 82), up to 100,000, each new for the GTIN; ' +
      'without them the service mints 16-character random serials',
  })
  @IsOptional()
  @IsArray({ message: 'serials must be a list of serials' })
  @ArrayMaxSize(MAX_GIVEN_SERIALS, { message: `serials: at most ${MAX_GIVEN_SERIALS.toLocaleString('en')} per call` })
  @IsString({ each: true, message: 'serials must be strings' })
  serials?: string[] | null;
  @Field(() => String, { nullable: true }) @IsIdempotencyKey() idempotencyKey?: string | null;
}
