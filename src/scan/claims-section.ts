import type { GiStanding, PublicCertificate } from '../certificates/certificate-rules.js';
import { html, type Markup } from '../common/html.js';

/**
 * The page's claims: the geographic-indication badge and the certificates, each saying who vouches for
 * it. "Certified" is said only of what a regulator or certification body attested; anything else is
 * shown as the recorder's own declaration. Pure.
 */
type Lang = 'zh' | 'en';

const T = {
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

const KINDS: Record<PublicCertificate['kind'], [string, string]> = {
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

/** The GI the product claims and how far it is backed; nothing when it claims none. */
export function giBadge(claim: string | null, standing: GiStanding | null, lang: Lang): Markup | null {
  if (!claim || !standing) return null;
  const t = T[lang];
  const classes = `gi gi-${standing.toLowerCase()}${standing === 'ATTESTED' ? ' ok' : ''}`;
  return html`<p class="${classes}">${t.gi}${lang === 'zh' ? '：' : ': '}${claim} · ${t.giStanding[standing]}</p>`;
}

/** The certificates, each with who vouches for it; nothing when there are none. */
export function certificatesSection(certificates: PublicCertificate[], lang: Lang): Markup | null {
  if (certificates.length === 0) return null;
  const t = T[lang];
  const items = certificates.map((c) => {
    const kind = KINDS[c.kind][lang === 'zh' ? 0 : 1];
    const name = html`${kind}${c.protectedName && html`（${c.protectedName}）`}`;
    const vouched = c.standing === 'ATTESTED' && c.attestedBy ? t.attested(c.attestedBy, c.issuer) : t.declared(c.recordedBy, c.issuer);
    const standing = c.standing.toLowerCase();
    const until = `${t.validUntil} ${DAY[lang].format(c.validUntil)}`;
    return html`<li class="certificate ${standing}">${name} · ${c.number} · <span class="${standing}">${vouched}</span> · ${until}</li>`;
  });
  return html`<section data-fact="certificates"><h2>${t.certificates}</h2><ul>${items}</ul></section>`;
}
