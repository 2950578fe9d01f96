import { normalizeGtin } from '../products/gtin.js';

/**
 * GS1 Digital Link URI syntax 1.2 for the one primary key this service knows, the GTIN (AI 01):
 * `/01/<gtin>[/22/<cpv>][/10/<lot>][/21/<serial>]`, key qualifiers in that order, each at most once,
 * and data attributes in the query string. Pure: parses the raw (still percent-encoded) path and query.
 */

/** A parsed, valid GS1 Digital Link URI path: the GTIN as GTIN-14 and its qualifiers, decoded. */
export interface DigitalLink {
  gtin: string;
  cpv?: string;
  lot?: string;
  serial?: string;
}

/** Why a URI is not a valid GS1 Digital Link: a short title and a sentence each in Chinese and English. */
export interface UriProblem {
  reason: 'INVALID_GTIN' | 'INVALID_DIGITAL_LINK';
  title: string;
  zh: string;
  en: string;
}

/** The qualifiers of AI (01), in the order GS1 Digital Link writes them. */
const QUALIFIERS = [
  { ai: '22', name: 'cpv', label: 'consumer product variant' },
  { ai: '10', name: 'lot', label: 'batch/lot number' },
  { ai: '21', name: 'serial', label: 'serial number' },
] as const;

/** GS1 AI encodable character set 82 (GS1 General Specifications §7.11, figure 7.11-1), 1 to 20 of them: AIs 10, 21 and 22. */
export const CSET82_UP_TO_20 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/;

/** Data attributes in the query string whose value this resolver checks: the dates (YYMMDD). Other AIs are passed on as given. */
const DATE_AIS = new Set(['11', '12', '13', '15', '16', '17']);

/** Values longer than this are shortened in messages, so an answer never repeats a huge input. */
const SHOWN = 40;

/** The GTIN path under /01 (`rawPath` starts with "/01"), or what is wrong with it. One trailing slash is tolerated. */
export function parseDigitalLinkPath(rawPath: string): DigitalLink | UriProblem {
  const path = rawPath.endsWith('/') && rawPath !== '/01/' ? rawPath.slice(0, -1) : rawPath;
  const segments = path.split('/').slice(1);
  if (segments[0] !== '01') return malformed('路径必须以 /01/<GTIN> 开头。', 'The path must start with /01/<GTIN>.');
  const decoded: string[] = [];
  for (const segment of segments) {
    try {
      decoded.push(decodeURIComponent(segment));
    } catch {
      return malformed(`“${shown(segment)}”的百分号编码无效。`, `"${shown(segment)}" is not valid percent-encoding.`);
    }
  }
  if (decoded.length < 2 || decoded[1] === '') return malformed('/01/ 后面缺少 GTIN。', 'There is no GTIN after /01/.');
  const gtin = normalizeGtin(decoded[1]);
  if (!gtin)
    return {
      reason: 'INVALID_GTIN',
      title: 'GTIN 无效 / Invalid GTIN',
      zh: `“${shown(decoded[1])}”不是有效的 GTIN（校验位错误或位数不对）。`,
      en: `"${shown(decoded[1])}" is not a valid GTIN (wrong length or check digit).`,
    };
  const link: DigitalLink = { gtin };
  let next = 0;
  for (let i = 2; i < decoded.length; i += 2) {
    const ai = decoded[i];
    const index = QUALIFIERS.findIndex((q) => q.ai === ai);
    if (index < 0) {
      if (DATE_AIS.has(ai) || /^\d{2,4}$/.test(ai))
        return malformed(
          `（${shown(ai)}）不是 GTIN 的限定符；数据属性请放在查询串中（?${shown(ai)}=…）。`,
          `(${shown(ai)}) is not a key qualifier of a GTIN: give data attributes in the query string (?${shown(ai)}=…).`,
        );
      return malformed(`“${shown(ai)}”不是 GS1 应用标识符。`, `"${shown(ai)}" is not a GS1 Application Identifier qualifying a GTIN (22, 10 or 21).`);
    }
    if (index < next) {
      const expected = QUALIFIERS.map((q) => q.ai).join(', ');
      return malformed(
        `限定符顺序错误：GS1 数字链接按 ${expected} 的顺序书写，（${ai}）不能出现在（${QUALIFIERS[next - 1].ai}）之后。`,
        `Key qualifiers out of order: GS1 Digital Link writes them in the order ${expected}, so (${ai}) cannot follow (${QUALIFIERS[next - 1].ai}).`,
      );
    }
    const qualifier = QUALIFIERS[index];
    if (i + 1 >= decoded.length) return malformed(`（${ai}）后面缺少值。`, `(${ai}) has no value after it.`);
    const value = decoded[i + 1];
    if (!CSET82_UP_TO_20.test(value))
      return malformed(
        `（${ai}）的值“${shown(value)}”无效：须为 1 到 20 个 GS1 82 字符集中的字符。`,
        `"${shown(value)}" is not a valid ${qualifier.label} (${ai}): 1 to 20 characters of GS1's character set 82 (letters, digits and !"%&'()*+,-./:;<=>?_).`,
      );
    link[qualifier.name] = value;
    next = index + 1;
  }
  return link;
}

export function isUriProblem<T extends object>(parsed: T | UriProblem): parsed is UriProblem {
  return 'reason' in parsed;
}

/** The query string's `linkType` and the rest (data attributes and anything else, to pass on to the target), or what is wrong with it. */
export function parseResolverQuery(rawQuery: string): { linkType: string | null; passOn: string } | UriProblem {
  const params = new URLSearchParams(rawQuery);
  const linkTypes = params.getAll('linkType');
  if (linkTypes.length > 1) return malformed('linkType 只能给出一次。', 'linkType is given more than once.');
  for (const [name, value] of params) {
    if (DATE_AIS.has(name) && !isYymmdd(value))
      return malformed(`（${name}）的值“${shown(value)}”不是日期（YYMMDD）。`, `"${shown(value)}" is not a date (YYMMDD) for AI (${name}).`);
  }
  params.delete('linkType');
  return { linkType: linkTypes[0] ?? null, passOn: params.toString() };
}

/** YYMMDD as GS1 writes dates: DD may be 00 (the month's last day). */
function isYymmdd(value: string): boolean {
  const m = /^(\d\d)(\d\d)(\d\d)$/.exec(value);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) <= 31;
}

/** The canonical path of a parsed link: GTIN-14, qualifiers in order, each value percent-encoded. */
export function canonicalPath(link: DigitalLink): string {
  let path = `/01/${link.gtin}`;
  for (const q of QUALIFIERS) {
    const value = link[q.name];
    if (value !== undefined) path += `/${q.ai}/${encodeURIComponent(value)}`;
  }
  return path;
}

function malformed(zh: string, en: string): UriProblem {
  return { reason: 'INVALID_DIGITAL_LINK', title: '数字链接无效 / Invalid GS1 Digital Link', zh, en };
}

function shown(value: string): string {
  return value.length > SHOWN ? `${value.slice(0, SHOWN)}…` : value;
}
