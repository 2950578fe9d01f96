import { Field, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { IsDate, IsIn, IsOptional, IsString, IsUUID } from 'class-validator';
import { IsPlainText } from '../../common/text.js';
import { CERTIFICATE_KINDS, type CertificateKind } from '../certificate-rules.js';

export const CertificateKindEnum = Object.fromEntries(CERTIFICATE_KINDS.map((k) => [k, k])) as { [K in CertificateKind]: K };
registerEnumType(CertificateKindEnum, {
  name: 'CertificateKind',
  description: 'GEOGRAPHIC_INDICATION (地理标志), ORGANIC (有机产品, 17 digits), GREEN_FOOD (绿色食品, GF + 12 digits), COMMITMENT (承诺达标合格证)',
});

@InputType()
export class AttachCertificateInput {
  @Field(() => ID, { nullable: true, description: 'The product it covers (give this or batchId)' }) @IsOptional() @IsUUID() productId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The batch it covers (give this or productId)' }) @IsOptional() @IsUUID() batchId?: string | null;
  @Field(() => CertificateKindEnum) @IsIn(CERTIFICATE_KINDS) kind: CertificateKind;
  @Field() @IsString() number: string;
  @Field() @IsPlainText(1, 200) issuer: string;
  @Field(() => String, { nullable: true, description: 'For a GI certificate: the protected name, e.g. 小站稻' })
  @IsOptional()
  @IsPlainText(1, 100)
  protectedName?: string | null;
  @Field() @IsDate() validFrom: Date;
  @Field() @IsDate() validUntil: Date;
  @Field({ description: 'SHA-256 of the certificate document file, hex' }) @IsString() documentSha256: string;
}
