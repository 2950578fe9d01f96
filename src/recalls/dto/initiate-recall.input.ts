import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsUUID } from 'class-validator';
import { IsPlainText } from '../../common/text.js';
import { RecallLevelEnum } from '../../graphql/enums.js';
import { RECALL_LEVELS, type RecallLevel } from '../recall-deadlines.js';

@InputType()
export class InitiateRecallInput {
  @Field(() => [ID], { description: 'The batches found defective; every batch made from them is recalled too' })
  @IsUUID('all', { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  batchIds: string[];
  @Field(() => RecallLevelEnum) @IsIn(Object.keys(RECALL_LEVELS)) level: RecallLevel;
  @Field({ description: 'Why, as consumers will read it' }) @IsPlainText(1, 1000) reason: string;
}
