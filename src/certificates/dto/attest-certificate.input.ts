import { Field, ID, InputType } from '@nestjs/graphql';
import { IsString, IsUUID } from 'class-validator';

@InputType()
export class AttestCertificateInput {
  @Field(() => ID) @IsUUID() certificateId: string;
  @Field({ description: 'SHA-256 of the certificate document you checked, hex: it must be the one recorded with the certificate' })
  @IsString()
  documentSha256: string;
}
