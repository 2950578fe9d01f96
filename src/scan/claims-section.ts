import type { GiStanding, PublicCertificate } from '../certificates/certificate-rules.js';
import { html, type Markup } from '../common/html.js';
import { CLAIM_WORDS, certificateValue, certificateWords, giWords, type Lang } from './claim-words.js';

/**
 * The page's claims: the geographic-indication badge and the certificates, each saying who vouches for
 * it. "Certified" is said only of what a regulator or certification body attested; anything else is
 * shown as the recorder's own declaration. Pure.
 */

/** The GI the product claims and how far it is backed; nothing when it claims none. */
export function giBadge(claim: string | null, standing: GiStanding | null, lang: Lang): Markup | null {
  if (!claim || !standing) return null;
  const classes = `gi gi-${standing.toLowerCase()}${standing === 'ATTESTED' ? ' ok' : ''}`;
  return html`<p class="${classes}" data-fact="gi" data-value="${claim}|${standing}">${giWords(claim, standing, lang)}</p>`;
}

/** The certificates, each with who vouches for it; nothing when there are none. */
export function certificatesSection(certificates: (PublicCertificate & { seq?: number })[], lang: Lang): Markup | null {
  if (certificates.length === 0) return null;
  const items = certificates.map((c) => {
    const { name, vouched, until } = certificateWords(c, lang);
    const standing = c.standing.toLowerCase();
    // Marked for the phone's check by the ledger entry that attached it, when the page knows it.
    const fact = c.seq === undefined ? '' : html` data-seq="${c.seq}" data-fact="certificate" data-value="${certificateValue(c)}"`;
    return html`<li class="certificate ${standing}"${fact}>${name} · ${c.number} · <span class="${standing}">${vouched}</span> · ${until}</li>`;
  });
  return html`<section id="certificates"><h2>${CLAIM_WORDS[lang].certificates}</h2><ul>${items}</ul></section>`;
}
