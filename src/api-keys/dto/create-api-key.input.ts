import { Field, ID, InputType } from '@nestjs/graphql';
import { IsOptional, IsUUID } from 'class-validator';
import { IsPlainText } from '../../common/text.js';

@InputType()
export class CreateApiKeyInput {
  @Field({ description: 'What the key is for, e.g. "warehouse scanner 2" (1–100 characters)' }) @IsPlainText(1, 100) label: string;
  @Field(() => ID, {
    nullable: true,
    description: "Admin only: the organization the key is for (an organization's own key may name itself); omitted: the caller's own organization.",
  })
  @IsOptional()
  @IsUUID()
  organizationId?: string | null;
}
