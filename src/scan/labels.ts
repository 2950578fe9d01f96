import QRCode from 'qrcode';

/**
 * What a label encodes: the batch's page, or with a GTIN the GS1 Digital Link URI that resolves to
 * it (https://…/01/<GTIN-14>/10/<lot>), so a retail scanner reads the GTIN and lot from it too.
 */
export function pageUrl(publicBaseUrl: string, traceCode: string): string {
  return `${publicBaseUrl}/q/${traceCode}`;
}

export function digitalLinkUrl(publicBaseUrl: string, gtin14: string, lotCode: string): string {
  return `${publicBaseUrl}/01/${gtin14}/10/${encodeURIComponent(lotCode)}`;
}

// Q (25% recovery): a printed label survives smudges and a torn corner; H would make the code denser.
const QR_OPTIONS = { errorCorrectionLevel: 'Q' as const, margin: 4 };

export function labelPng(content: string): Promise<Buffer> {
  return QRCode.toBuffer(content, { ...QR_OPTIONS, type: 'png', width: 600 });
}

export function labelSvg(content: string): Promise<string> {
  return QRCode.toString(content, { ...QR_OPTIONS, type: 'svg' });
}
