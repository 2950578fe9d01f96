import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsPlainText } from '../../common/text.js';
import { ProductCategoryEnum, StorageConditionEnum } from '../../graphql/enums.js';
import { PRODUCT_CATEGORIES, STORAGE_CONDITIONS, type ProductCategory, type StorageCondition } from '../product-kinds.js';

@InputType()
export class RegisterProductInput {
  @Field() @IsPlainText(1, 200) name: string;
  @Field(() => ProductCategoryEnum) @IsIn(PRODUCT_CATEGORIES) category: ProductCategory;
  @Field(() => StorageConditionEnum) @IsIn(STORAGE_CONDITIONS) storage: StorageCondition;
  @Field(() => String, { nullable: true, description: 'GTIN-8, -12, -13 or -14; stored as GTIN-14' }) @IsOptional() @IsString() gtin?: string | null;
  @Field(() => Float, { nullable: true, description: 'Default: 0 for CHILLED' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-80)
  @Max(60)
  minTempC?: number | null;
  @Field(() => Float, { nullable: true, description: 'Default: 8 for CHILLED, -18 for FROZEN' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-80)
  @Max(60)
  maxTempC?: number | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsPlainText(1, 100) geographicIndication?: string | null;
  @Field(() => Int, { nullable: true, description: 'Minutes out of range tolerated before it is an excursion (default 30)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  excursionToleranceMinutes?: number | null;
  @Field(() => Int, { nullable: true, description: 'Longest gap between readings that is not an excursion, in minutes (default 60)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10080)
  maxReadingGapMinutes?: number | null;
}
