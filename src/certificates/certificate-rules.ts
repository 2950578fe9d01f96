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

/** Whether a GI claim is backed: a GI certificate for exactly that name, valid at `now`. */
export function giVerified(
  claim: string | null,
  certificates: { kind: string; protectedName?: string | null; validFrom: Date; validUntil: Date }[],
  now: Date,
): boolean {
  if (!claim) return false;
  return certificates.some(
    (c) => c.kind === 'GEOGRAPHIC_INDICATION' && c.protectedName === claim && c.validFrom.getTime() <= now.getTime() && now.getTime() <= c.validUntil.getTime(),
  );
}
