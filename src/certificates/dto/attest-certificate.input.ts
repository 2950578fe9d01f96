import { Field, ID, InputType } from '@nestjs/graphql';
import { IsString, IsUUID, Matches } from 'class-validator';

@InputType()
export class AttestCertificateInput {
  @Field(() => ID) @IsUUID() certificateId: string;
  @Field({ description: 'SHA-256 of the certificate document you checked, hex: it must be the one recorded with the certificate' })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'documentSha256 must be the SHA-256 of the certificate document: 64 lowercase hex digits' })
  documentSha256: string;
}
