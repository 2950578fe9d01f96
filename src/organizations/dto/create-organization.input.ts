import { Field, InputType } from '@nestjs/graphql';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { IsPlainText } from '../../common/text.js';
import { OrganizationKindEnum } from '../../graphql/enums.js';
import { ORGANIZATION_KINDS, type OrganizationKind } from '../organization-kind.js';

@InputType()
export class CreateOrganizationInput {
  @Field() @IsPlainText(1, 200) name: string;
  @Field(() => OrganizationKindEnum) @IsIn(ORGANIZATION_KINDS) kind: OrganizationKind;
  @Field(() => String, { nullable: true, description: '统一社会信用代码, 18 characters with its check character' })
  @IsOptional()
  @IsString()
  uscc?: string | null;
  @Field(() => String, { nullable: true, description: 'Its GS1 company prefix (6–12 digits): its SSCCs are minted from it and checked against it' })
  @IsOptional()
  @IsString()
  gs1CompanyPrefix?: string | null;
}
