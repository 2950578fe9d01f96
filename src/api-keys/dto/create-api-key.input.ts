import { Field, InputType } from '@nestjs/graphql';
import { IsPlainText } from '../../common/text.js';

@InputType()
export class CreateApiKeyInput {
  @Field({ description: 'What the key is for, e.g. "warehouse scanner 2" (1–100 characters)' }) @IsPlainText(1, 100) label: string;
}
