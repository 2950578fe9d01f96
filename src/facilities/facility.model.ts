import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('Facility')
export class FacilityModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  organizationId: string;
  @Field(() => String, { nullable: true, description: 'Where it is, at district level at most (省/市/区县).' }) region: string | null;
  @Field(() => String, { nullable: true, description: 'GS1 Global Location Number' }) gln: string | null;
}
