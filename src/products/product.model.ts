import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ProductCategoryEnum, StorageConditionEnum } from '../graphql/enums.js';
import type { ProductCategory, StorageCondition } from './product-kinds.js';

@ObjectType('Product')
export class ProductModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => String, { nullable: true, description: 'GTIN-14' }) gtin: string | null;
  @Field(() => ProductCategoryEnum) category: ProductCategory;
  @Field(() => StorageConditionEnum) storage: StorageCondition;
  @Field(() => Float, { nullable: true }) minTempC: number | null;
  @Field(() => Float, { nullable: true }) maxTempC: number | null;
  @Field(() => String, { nullable: true, description: 'Geographic indication, e.g. 小站稻' }) geographicIndication: string | null;
  @Field(() => Int) excursionToleranceMinutes: number;
  @Field(() => Int) maxReadingGapMinutes: number;
}
