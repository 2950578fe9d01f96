import { Field, Float, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsNumber, IsUUID, Max, Min } from 'class-validator';
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

@InputType()
export class ReportRecallRecoveryInput {
  @Field(() => ID) @IsUUID() recallId: string;
  @Field(() => ID) @IsUUID() batchId: string;
  @Field(() => Float, { description: 'In the batch’s unit' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(Number.MIN_VALUE)
  @Max(1e12)
  quantity: number;
  @Field({ description: 'RETURNED or DESTROYED' }) @IsIn(['RETURNED', 'DESTROYED']) disposition: 'RETURNED' | 'DESTROYED';
}

@InputType()
export class CloseRecallInput {
  @Field(() => ID) @IsUUID() recallId: string;
  @Field({ description: 'Why it is closed (recorded in the ledger)' }) @IsPlainText(1, 1000) note: string;
}
