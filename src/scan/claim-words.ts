import type { CertificateKind, CertificateStanding, GiStanding } from '../certificates/certificate-rules.js';

/**
 * The words of the page's claims (the geographic-indication badge, each certificate and who vouches for
 * it), as plain text: the service renders them (claims-section.ts) and the phone writes them again from
 * the ledger entries it proved, so both say the same thing the same way. "Certified" is said only of what
 * a regulator or certification body attested.
 */
export type Lang = 'zh' | 'en';

export const CLAIM_WORDS = {
  zh: {
    gi: '地理标志',
    giStanding: { ATTESTED: '已认证', DECLARED: '生产者自行声明，未经认证机构核验', UNBACKED: '未见有效证书' },
    certificates: '证书',
    attested: (by: string, issuer: string) => `已认证：${by} 核验（证书载明发证机构：${issuer}）`,
    declared: (by: string, issuer: string) => `${by} 自行声明，未经认证机构核验（证书载明发证机构：${issuer}）`,
    validUntil: '有效期至',
  },
  en: {
    gi: 'Geographic indication',
    giStanding: { ATTESTED: 'certified', DECLARED: 'declared by the producer, not attested', UNBACKED: 'no valid certificate on record' },
    certificates: 'Certificates',
    attested: (by: string, issuer: string) => `certified: attested by ${by} (the certificate names ${issuer} as issuer)`,
    declared: (by: string, issuer: string) => `declared by the producer ${by}, not attested (the certificate names ${issuer} as issuer)`,
    validUntil: 'valid until',
  },
} as const;

const KINDS: Record<CertificateKind, [string, string]> = {
  GEOGRAPHIC_INDICATION: ['地理标志', 'Geographic indication'],
  ORGANIC: ['有机产品', 'Organic'],
  GREEN_FOOD: ['绿色食品', 'Green food'],
  COMMITMENT: ['承诺达标合格证', 'Compliance commitment certificate'],
};

// A validity date, in China's calendar day.
const DAY = {
  zh: new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeZone: 'Asia/Shanghai' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'Asia/Shanghai' }),
};

export function giWords(claim: string, standing: GiStanding, lang: Lang): string {
  const t = CLAIM_WORDS[lang];
  return `${t.gi}${lang === 'zh' ? '：' : ': '}${claim} · ${t.giStanding[standing]}`;
}

/** What a certificate shows, as the page lays it out: its name, who vouches for it, and until when. */
export interface CertificateShown {
  kind: CertificateKind;
  number: string;
  issuer: string;
  protectedName: string | null;
  validUntil: Date;
  recordedBy: string;
  attestedBy: string | null;
  standing: CertificateStanding;
}

export function certificateWords(c: CertificateShown, lang: Lang): { name: string; vouched: string; until: string } {
  const t = CLAIM_WORDS[lang];
  const kind = (KINDS[c.kind] ?? [c.kind, c.kind])[lang === 'zh' ? 0 : 1];
  return {
    name: c.protectedName ? `${kind}（${c.protectedName}）` : kind,
    vouched: c.standing === 'ATTESTED' && c.attestedBy ? t.attested(c.attestedBy, c.issuer) : t.declared(c.recordedBy, c.issuer),
    until: `${t.validUntil} ${DAY[lang].format(c.validUntil)}`,
  };
}

/** What the page's data-value of a certificate holds: the facts its words are made from, compared by the phone. */
export function certificateValue(c: CertificateShown): string {
  return [
    c.kind,
    c.number,
    c.issuer,
    c.protectedName ?? '',
    c.validUntil.toISOString(),
    c.standing,
    c.standing === 'ATTESTED' ? (c.attestedBy ?? '') : c.recordedBy,
  ].join('|');
}
