import type { OrganizationKind } from '../organizations/organization-kind.js';

/** Certificates a batch or product can carry, and the number formats their issuers use. */
export const CERTIFICATE_KINDS = ['GEOGRAPHIC_INDICATION', 'ORGANIC', 'GREEN_FOOD', 'COMMITMENT'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

const NUMBER_FORMATS: Record<CertificateKind, { pattern: RegExp; expected: string }> = {
  // 地理标志: registration numbers vary by registry (农产品地理标志 AGI…, 地理标志产品 公告号, 商标 注册号).
  GEOGRAPHIC_INDICATION: { pattern: /^[A-Za-z0-9\-/第号]{4,40}$/u, expected: 'a registration number of 4 to 40 letters, digits, "-" or "/"' },
  // 有机产品认证证书: 17 digits.
  ORGANIC: { pattern: /^\d{17}$/, expected: '17 digits' },
  // 绿色食品: "GF" and 12 digits.
  GREEN_FOOD: { pattern: /^GF\d{12}$/, expected: '"GF" followed by 12 digits' },
  // 承诺达标合格证: issued by the producer for each lot of edible farm produce.
  COMMITMENT: { pattern: /^[A-Za-z0-9-]{1,40}$/, expected: '1 to 40 letters, digits or "-"' },
};

export interface CertificateFacts {
  kind: CertificateKind;
  number: string;
  validFrom: Date;
  validUntil: Date;
  documentSha256: string;
  protectedName?: string | null;
}

/** The first problem with a certificate's facts, naming the field; null when they are well formed. */
export function certificateProblem(c: CertificateFacts): string | null {
  const format = NUMBER_FORMATS[c.kind];
  if (!format.pattern.test(c.number)) return `number: a ${c.kind} certificate number is ${format.expected}, got "${c.number}"`;
  if (c.validUntil.getTime() <= c.validFrom.getTime()) return `validUntil ${c.validUntil.toISOString()} is not after validFrom ${c.validFrom.toISOString()}`;
  if (!/^[0-9a-f]{64}$/.test(c.documentSha256)) return 'documentSha256 must be the SHA-256 of the certificate document: 64 lowercase hex digits';
  if (c.kind === 'GEOGRAPHIC_INDICATION' && !c.protectedName)
    return 'protectedName is required for a GEOGRAPHIC_INDICATION certificate: the protected name, e.g. 小站稻';
  if (c.kind !== 'GEOGRAPHIC_INDICATION' && c.protectedName) return `protectedName is only for GEOGRAPHIC_INDICATION certificates, not ${c.kind}`;
  return null;
}

/**
 * Who may vouch for a certificate of each kind. A GI registration, an organic or a green-food
 * certificate is issued by an authority or a certification body, so a regulator or a CERTIFIER
 * attests it; a 承诺达标合格证 is by law the producer's own promise, so no one attests it for them.
 */
export const ATTESTERS: Record<CertificateKind, readonly OrganizationKind[]> = {
  GEOGRAPHIC_INDICATION: ['REGULATOR', 'CERTIFIER'],
  ORGANIC: ['CERTIFIER', 'REGULATOR'],
  GREEN_FOOD: ['CERTIFIER', 'REGULATOR'],
  COMMITMENT: [],
};

export function mayAttest(organizationKind: OrganizationKind, certificateKind: CertificateKind): boolean {
  return ATTESTERS[certificateKind].includes(organizationKind);
}

/** ATTESTED: vouched for by an organization allowed to; DECLARED: only the word of whoever recorded it. */
export type CertificateStanding = 'ATTESTED' | 'DECLARED';
export const CERTIFICATE_STANDINGS = ['ATTESTED', 'DECLARED'] as const satisfies readonly CertificateStanding[];

export function certificateStanding(c: { kind: CertificateKind; attesterKind: OrganizationKind | null }): CertificateStanding {
  return c.attesterKind !== null && mayAttest(c.attesterKind, c.kind) ? 'ATTESTED' : 'DECLARED';
}

/**
 * How far a product's geographic-indication claim is backed, at `now`: ATTESTED by a valid GI
 * certificate of that name that an attester vouched for; DECLARED when only the producer's own
 * certificate says so; UNBACKED when no valid certificate of that name is on record; null with no claim.
 */
export type GiStanding = 'ATTESTED' | 'DECLARED' | 'UNBACKED';
export const GI_STANDINGS = ['ATTESTED', 'DECLARED', 'UNBACKED'] as const satisfies readonly GiStanding[];

export function giStanding(
  claim: string | null,
  certificates: { kind: string; protectedName?: string | null; validFrom: Date; validUntil: Date; standing: CertificateStanding }[],
  now: Date,
): GiStanding | null {
  if (!claim) return null;
  const backing = certificates.filter(
    (c) => c.kind === 'GEOGRAPHIC_INDICATION' && c.protectedName === claim && c.validFrom.getTime() <= now.getTime() && now.getTime() <= c.validUntil.getTime(),
  );
  if (backing.some((c) => c.standing === 'ATTESTED')) return 'ATTESTED';
  return backing.length > 0 ? 'DECLARED' : 'UNBACKED';
}

/** Whether a GI claim is certified: backed by an attested GI certificate of that name, valid at `now`. */
export function giVerified(claim: string | null, certificates: Parameters<typeof giStanding>[1], now: Date): boolean {
  return giStanding(claim, certificates, now) === 'ATTESTED';
}

/** A certificate as the consumer page shows it: public facts, who recorded it, who (if anyone) attested it. */
export interface PublicCertificate {
  kind: CertificateKind;
  number: string;
  /** The issuing body as the certificate names it. */
  issuer: string;
  protectedName: string | null;
  validFrom: Date;
  validUntil: Date;
  recordedBy: string;
  attestedBy: string | null;
  standing: CertificateStanding;
}
