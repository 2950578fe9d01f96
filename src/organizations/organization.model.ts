import { Field, ID, ObjectType } from '@nestjs/graphql';
import { OrganizationKindEnum } from '../graphql/enums.js';
import type { OrganizationKind } from './organization-kind.js';

@ObjectType('Organization')
export class OrganizationModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => OrganizationKindEnum) kind: OrganizationKind;
  @Field(() => String, { nullable: true }) uscc: string | null;
}

@ObjectType('OrganizationCredentials', { description: 'Returned once, when an organization is created: the API key is never shown again.' })
export class OrganizationCredentialsModel {
  @Field(() => OrganizationModel) organization: OrganizationModel;
  @Field() apiKey: string;
}
