import { registerEnumType } from '@nestjs/graphql';
import { CERTIFICATE_STANDINGS, GI_STANDINGS, type CertificateStanding, type GiStanding } from './certificate-rules.js';

export const CertificateStandingEnum = Object.fromEntries(CERTIFICATE_STANDINGS.map((s) => [s, s])) as { [K in CertificateStanding]: K };
registerEnumType(CertificateStandingEnum, {
  name: 'CertificateStanding',
  description: 'ATTESTED: a regulator or certification body allowed to vouch for this kind did; DECLARED: only the word of the organization that recorded it',
});

export const GiStandingEnum = Object.fromEntries(GI_STANDINGS.map((s) => [s, s])) as { [K in GiStanding]: K };
registerEnumType(GiStandingEnum, {
  name: 'GeographicIndicationStanding',
  description:
    'ATTESTED: a valid GI certificate of that name is attested; DECLARED: only the producer’s own certificate backs it; ' +
    'UNBACKED: no valid certificate of that name',
});
