/**
 * What a regulator typed or scanned to find a lot: a trace code (printed under the QR label, or the
 * page URL /q/<code> the label encodes), a GS1 Digital Link (…/01/<GTIN>/10/<lot>…), or a GTIN and a lot.
 * Pure: the answer names the BatchFilter to ask the API with.
 */
export type LotLookup = { traceCode: string } | { gtin: string; lotCode: string };

const TRACE_CODE = /^[23456789ABCDEFGHJKMNPQRSTWXYZ]{12}$/;

export function parseLookup(text: string, lot = ''): LotLookup | null {
  const input = text.trim();
  if (!input) return null;
  const page = /\/q\/([0-9A-Za-z]{12})(?:[/?#]|$)/.exec(input);
  const code = (page ? page[1] : input).toUpperCase();
  if (TRACE_CODE.test(code)) return { traceCode: code };
  const link = /\/01\/(\d{8}|\d{12,14})\/10\/([^/?#]+)/.exec(input);
  if (link) {
    let lotCode: string;
    try {
      lotCode = decodeURIComponent(link[2]);
    } catch {
      return null;
    }
    return { gtin: link[1].padStart(14, '0'), lotCode };
  }
  if (/^(\d{8}|\d{12,14})$/.test(input) && lot.trim()) return { gtin: input.padStart(14, '0'), lotCode: lot.trim() };
  return null;
}
