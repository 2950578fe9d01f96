import { Field, InputType } from '@nestjs/graphql';
import { IsOptional } from 'class-validator';
import { IsPlainText } from '../../common/text.js';

@InputType()
export class RegisterFacilityInput {
  @Field() @IsPlainText(1, 200) name: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsPlainText(1, 200) region?: string | null;
}
