import { IsIdempotencyKey } from '../../common/idempotency-key.js';
import { Field, ID, InputType } from '@nestjs/graphql';
import { IsDate, IsOptional, IsString, IsUUID } from 'class-validator';

@InputType()
export class PackUnitsInput {
  @Field(() => ID, { description: 'One of your facilities, where the packing is done' }) @IsUUID() facilityId: string;
  @Field(() => String, { nullable: true, description: "Given, or made from the organization's GS1 company prefix." })
  @IsOptional()
  @IsString()
  sscc?: string | null;
  @Field(() => String, { nullable: true, description: 'The GTIN of unitSerials' }) @IsOptional() @IsString() gtin?: string | null;
  @Field(() => [String], { nullable: true, description: 'Serials of units of `gtin` in your custody; with childSsccs, at most 10,000 a call' })
  @IsOptional()
  @IsString({ each: true })
  unitSerials?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'SSCCs of packages in your custody, in no other package' })
  @IsOptional()
  @IsString({ each: true })
  childSsccs?: string[] | null;
  @Field(() => String, { nullable: true, description: 'A retried call with the same key answers with the package the first one made' })
  @IsIdempotencyKey()
  idempotencyKey?: string | null;
}

@InputType()
export class ShipPackageInput {
  @Field({ description: 'A package in your custody and in no other package' }) @IsString() sscc: string;
  @Field(() => ID, { description: 'One of your facilities, where it leaves from' }) @IsUUID() facilityId: string;
  @Field(() => ID) @IsUUID() destinationOrganizationId: string;
  @Field(() => Date, { nullable: true, description: 'When it left; now when not given' }) @IsOptional() @IsDate() eventTime?: Date | null;
}

@InputType()
export class ReceivePackageInput {
  @Field({ description: 'A package shipped to you' }) @IsString() sscc: string;
  @Field(() => ID, { description: 'One of your facilities, where it arrived' }) @IsUUID() facilityId: string;
  @Field(() => Date, { nullable: true, description: 'When it arrived; now when not given' }) @IsOptional() @IsDate() eventTime?: Date | null;
}
