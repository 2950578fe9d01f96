import QRCode from 'qrcode';
import { gs1LotCodeProblem } from '../batches/lot-code.js';
import { DomainError } from '../common/domain-error.js';

/**
 * What a label encodes: with a product GTIN the GS1 Digital Link URI of the lot
 * (https://…/01/<GTIN-14>/10/<lot>, which resolves to the batch's page), so a GS1 scanner reads the GTIN
 * and lot from it; without one the batch's page. `?link=page` asks for the page URL, `?link=digital` for
 * the Digital Link (refused when there is none to print).
 */
export type LabelLink = 'auto' | 'digital' | 'page';

/** The label's URL (without its pins), which kind it is, and why a GTIN product's label carries the page URL when it does. */
export interface LabelTarget {
  url: string;
  link: 'digital' | 'page';
  fallback: string | null;
}

export function pageUrl(publicBaseUrl: string, traceCode: string): string {
  return `${publicBaseUrl}/q/${traceCode}`;
}

/**
 * GS1 Digital Link URI of a lot. The lot is percent-encoded as GS1 Digital Link's grammar writes AI values:
 * digits, letters, "-", "." and "_" as they are, every other character %XX (so "/" cannot split the path and
 * "!", "'", "(", ")", "*", which encodeURIComponent leaves, are encoded too). Never built for a lot that is not
 * an AI (10) value: that would be an invalid Digital Link.
 */
export function digitalLinkUrl(publicBaseUrl: string, gtin14: string, lotCode: string): string {
  const problem = gs1LotCodeProblem(lotCode);
  if (problem) throw new Error(`lot code is not GS1 AI (10), so it has no Digital Link: ${problem}`);
  return `${publicBaseUrl}/01/${gtin14}/10/${gs1PercentEncode(lotCode)}`;
}

export function gs1PercentEncode(value: string): string {
  let out = '';
  for (const ch of value) {
    if (/^[0-9A-Za-z\-._]$/.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** What the label of this batch carries, for the link asked for. */
export function labelTarget(publicBaseUrl: string, batch: { traceCode: string; gtin: string | null; lotCode: string }, link: LabelLink): LabelTarget {
  const page = (fallback: string | null): LabelTarget => ({ url: pageUrl(publicBaseUrl, batch.traceCode), link: 'page', fallback });
  if (link === 'page') return page(null);
  if (!batch.gtin) {
    if (link === 'digital') throw new DomainError('INVALID_INPUT', `the product of batch ${batch.traceCode} has no GTIN, so it has no GS1 Digital Link`);
    return page(null);
  }
  const problem = gs1LotCodeProblem(batch.lotCode);
  if (problem) {
    const why = `the lot code of batch ${batch.traceCode} is not a GS1 AI (10) lot (${problem}), so it has no valid GS1 Digital Link`;
    if (link === 'digital') throw new DomainError('INVALID_INPUT', `${why}; print its label with link=page`);
    return page(`${why}: the label carries the page URL`);
  }
  return { url: digitalLinkUrl(publicBaseUrl, batch.gtin, batch.lotCode), link: 'digital', fallback: null };
}

// Q (25% recovery): a printed label survives smudges and a torn corner; H would make the code denser.
const QR_OPTIONS = { errorCorrectionLevel: 'Q' as const, margin: 4 };

export function labelPng(content: string): Promise<Buffer> {
  return QRCode.toBuffer(content, { ...QR_OPTIONS, type: 'png', width: 600 });
}

export function labelSvg(content: string): Promise<string> {
  return QRCode.toString(content, { ...QR_OPTIONS, type: 'svg' });
}
