import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString } from 'class-validator';
import { IsPlainText } from '../../common/text.js';

@InputType()
export class RegisterFacilityInput {
  @Field() @IsPlainText(1, 200) name: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsPlainText(1, 200) region?: string | null;
  @Field(() => String, { nullable: true, description: 'GS1 Global Location Number (13 digits with its check digit), so EPCIS documents can name the facility' })
  @IsOptional()
  @IsString()
  gln?: string | null;
}
