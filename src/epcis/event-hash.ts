/**
 * CBV 2.0 EPCIS event hash ID (GS1 CBV 2.0 §8.9): a pre-hash string built from an event's fields in the
 * standard's order, with identifiers as canonical GS1 Digital Link URIs, CBV values as web vocabulary URIs,
 * times in UTC at millisecond precision, numbers without redundant zeros and user extensions sorted; its
 * SHA-256 in the `ni:///sha-256;<hex>?ver=CBV2.0` form (RFC 6920). Pure: no I/O, no clock.
 *
 * Checked against the reference vectors in test/fixtures/epcis/event-hash/ (see NOTE.md there).
 */
import { createHash } from 'node:crypto';

/** A field of an event as a tree: name, text value ('' when it has none), children. */
interface Node {
  name: string;
  value: string;
  children: Node[];
}

/** The canonical order of properties; a child order for fields with structure, null for plain values. */
type Order = ReadonlyArray<readonly [string, Order | null]>;

const QUANTITY: Order = [
  [
    'quantityElement',
    [
      ['epcClass', null],
      ['quantity', null],
      ['uom', null],
    ],
  ],
];
const EPCS: Order = [['epc', null]];

const SENSOR_METADATA: Order = ['time', 'startTime', 'endTime', 'deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'bizRules'].map(
  (name) => [name, null] as const,
);
const SENSOR_REPORT: Order = [
  'type',
  'exception',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'time',
  'microorganism',
  'chemicalSubstance',
  'value',
  'component',
  'stringValue',
  'booleanValue',
  'hexBinaryValue',
  'uriValue',
  'minValue',
  'maxValue',
  'meanValue',
  'sDev',
  'percRank',
  'percValue',
  'uom',
  'coordinateReferenceSystem',
].map((name) => [name, null] as const);

/**
 * The ordered part of the pre-hash. bizTransactionList, sourceList and destinationList are not in it: in the
 * reference vectors they sit with ilmd and the user extensions in the lexically sorted remainder (which is why
 * destinationList comes before sourceList there), each entry as type then value.
 */
const EVENT_ORDER: Order = [
  ['eventTime', null],
  ['eventTimeZoneOffset', null],
  ['certificationInfo', null],
  ['parentID', null],
  ['epcList', EPCS],
  ['inputEPCList', EPCS],
  ['childEPCs', EPCS],
  ['quantityList', QUANTITY],
  ['childQuantityList', QUANTITY],
  ['inputQuantityList', QUANTITY],
  ['outputEPCList', EPCS],
  ['outputQuantityList', QUANTITY],
  ['action', null],
  ['transformationID', null],
  ['bizStep', null],
  ['disposition', null],
  [
    'persistentDisposition',
    [
      ['set', null],
      ['unset', null],
    ],
  ],
  ['readPoint', [['id', null]]],
  ['bizLocation', [['id', null]]],
  [
    'sensorElementList',
    [
      [
        'sensorElement',
        [
          ['sensorMetadata', SENSOR_METADATA],
          ['sensorReport', SENSOR_REPORT],
        ],
      ],
    ],
  ],
];

/** Fields that never take part in the hash. */
const IGNORED = new Set(['eventID', 'recordTime', 'errorDeclaration', 'type', '@context']);

/** Lists whose JSON elements are named in the pre-hash (their XML element names). */
const LIST_ELEMENT: Record<string, string> = {
  epcList: 'epc',
  inputEPCList: 'epc',
  childEPCs: 'epc',
  outputEPCList: 'epc',
  quantityList: 'quantityElement',
  childQuantityList: 'quantityElement',
  inputQuantityList: 'quantityElement',
  outputQuantityList: 'quantityElement',
  sensorElementList: 'sensorElement',
  correctiveEventIDs: 'correctiveEventID',
};

/** Type-and-value lists: each entry written as type=…<value name>=… in that order. */
const TYPED_LISTS: Record<string, string> = { bizTransactionList: 'bizTransaction', sourceList: 'source', destinationList: 'destination' };

const CBV = 'https://ref.gs1.org/cbv/';
const GS1_VOC = 'https://gs1.org/voc/';

/** Bare CBV values (JSON-LD's vocabulary terms) as web vocabulary URIs, by the field they appear in. */
const VOCABULARY_PREFIX: Record<string, string> = {
  bizStep: `${CBV}BizStep-`,
  disposition: `${CBV}Disp-`,
  set: `${CBV}Disp-`,
  unset: `${CBV}Disp-`,
  'bizTransactionList.type': `${CBV}BTT-`,
  'sourceList.type': `${CBV}SDT-`,
  'destinationList.type': `${CBV}SDT-`,
  'sensorReport.type': GS1_VOC,
  'sensorReport.exception': GS1_VOC,
};

const CBV_URNS: ReadonlyArray<readonly [string, string]> = [
  ['urn:epcglobal:cbv:bizstep:', `${CBV}BizStep-`],
  ['urn:epcglobal:cbv:disp:', `${CBV}Disp-`],
  ['urn:epcglobal:cbv:btt:', `${CBV}BTT-`],
  ['urn:epcglobal:cbv:sdt:', `${CBV}SDT-`],
  ['urn:epcglobal:cbv:er:', `${CBV}ER-`],
];

/** Prefixes the EPCIS 2.0 context defines, used for CURIE values and keys a document's own context does not name. */
const STANDARD_PREFIXES: Record<string, string> = {
  cbv: CBV,
  gs1: GS1_VOC,
  cbvmda: 'urn:epcglobal:cbv:mda:',
  epcis: 'https://ref.gs1.org/epcis/',
};

export class EventHashError extends Error {}

export interface EventHash {
  hashId: string;
  prehash: string;
}

/** Hash IDs (and pre-hashes) of every event of an EPCIS 2.0 JSON-LD document, in document order. */
export function eventHashesOfDocument(document: unknown): EventHash[] {
  if (!isObject(document)) throw new EventHashError('the document must be a JSON object (an EPCISDocument)');
  const body = document.epcisBody;
  if (!isObject(body)) throw new EventHashError('epcisBody is missing or not an object');
  const events = body.eventList;
  if (!Array.isArray(events)) throw new EventHashError('epcisBody.eventList is missing or not a list');
  const prefixes = prefixesOf(document['@context']);
  return events.map((event, i) => {
    try {
      return eventHash(event, prefixes);
    } catch (e) {
      if (e instanceof EventHashError) throw new EventHashError(`event ${i}: ${e.message}`);
      throw e;
    }
  });
}

/** The hash ID and pre-hash of one event; `prefixes` maps the document's JSON-LD context prefixes to IRIs. */
export function eventHash(event: unknown, prefixes: Record<string, string> = {}): EventHash {
  const prehash = prehashOf(event, prefixes);
  return { prehash, hashId: hashIdOf(prehash) };
}

export function hashIdOf(prehash: string): string {
  return `ni:///sha-256;${createHash('sha256').update(prehash, 'utf8').digest('hex')}?ver=CBV2.0`;
}

/** Prefix → IRI from a JSON-LD @context (string entries name remote contexts and add nothing). */
export function prefixesOf(context: unknown): Record<string, string> {
  const prefixes: Record<string, string> = { ...STANDARD_PREFIXES };
  const entries = Array.isArray(context) ? context : [context];
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    for (const [key, iri] of Object.entries(entry)) if (typeof iri === 'string' && !key.startsWith('@')) prefixes[key] = iri;
  }
  return prefixes;
}

export function prehashOf(event: unknown, prefixes: Record<string, string> = {}): string {
  if (!isObject(event)) throw new EventHashError('an event must be a JSON object');
  const type = event.type;
  if (typeof type !== 'string' || !/^[A-Za-z]+Event$/.test(type)) throw new EventHashError('the event has no type (ObjectEvent, …)');
  const all = { ...STANDARD_PREFIXES, ...prefixes };
  const fields: Node[] = [];
  for (const [key, value] of Object.entries(event)) {
    if (IGNORED.has(key)) continue;
    fields.push(...toNodes(key, value, all, ''));
  }
  const ordered = inOrder(fields, EVENT_ORDER);
  return `eventType=${type}${ordered}${rest(fields)}`;
}

/** A JSON member as tree nodes: a list becomes one node of its (named) elements, or one node per element. */
function toNodes(key: string, value: unknown, prefixes: Record<string, string>, parent: string): Node[] {
  const name = expandKey(key, prefixes);
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) {
    const element = own(LIST_ELEMENT, key);
    if (element) return [{ name, value: '', children: value.flatMap((v) => toNodes(element, v, prefixes, key)) }];
    const typed = own(TYPED_LISTS, key);
    if (typed) return [{ name, value: '', children: value.map((v) => typedEntry(key, typed, v, prefixes)) }];
    return value.flatMap((v) => toNodes(key, v, prefixes, parent));
  }
  if (isObject(value)) {
    const children: Node[] = [];
    let text = '';
    for (const [k, v] of Object.entries(value)) {
      if (k === '#text' || k === '@value') text = scalar(v);
      else children.push(...toNodes(k, v, prefixes, key));
    }
    return [{ name, value: text, children }];
  }
  return [{ name, value: canonicalValue(key, parent, scalar(value), prefixes), children: [] }];
}

function typedEntry(list: string, valueName: string, entry: unknown, prefixes: Record<string, string>): Node {
  if (!isObject(entry)) throw new EventHashError(`each entry of ${list} must be an object with type and ${valueName}`);
  const children: Node[] = [];
  if (entry.type !== undefined) children.push({ name: 'type', value: canonicalValue('type', list, scalar(entry.type), prefixes), children: [] });
  if (entry[valueName] !== undefined) {
    children.push({ name: valueName, value: canonicalValue(valueName, list, scalar(entry[valueName]), prefixes), children: [] });
  }
  for (const [k, v] of Object.entries(entry)) if (k !== 'type' && k !== valueName) children.push(...toNodes(k, v, prefixes, list));
  return { name: '', value: '', children };
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new EventHashError('a number must be finite');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new EventHashError('a value must be a string, number, boolean, object or list');
}

/** `prefix:local` keys as `{iri}local` (the XML binding's qualified names), for prefixes the context defines. */
function expandKey(key: string, prefixes: Record<string, string>): string {
  const colon = key.indexOf(':');
  if (colon <= 0) return key;
  const iri = own(prefixes, key.slice(0, colon));
  return iri === undefined ? key : `{${iri}}${key.slice(colon + 1)}`;
}

const TIME_FIELDS = new Set(['eventTime', 'time', 'startTime', 'endTime', 'declarationTime']);

/** One value as the pre-hash writes it (trimmed, then by kind). */
function canonicalValue(key: string, parent: string, raw: string, prefixes: Record<string, string>): string {
  const text = raw.trim();
  if (text === '') return '';
  if (TIME_FIELDS.has(key)) return utcMillis(text);
  const vocabulary = own(VOCABULARY_PREFIX, `${parent}.${key}`) ?? own(VOCABULARY_PREFIX, key);
  if (vocabulary && /^[A-Za-z0-9_]+$/.test(text)) return vocabulary + text;
  let value = text;
  for (const [urn, web] of CBV_URNS) if (value.startsWith(urn)) value = web + value.slice(urn.length);
  value = expandCurie(value, prefixes);
  value = pythonNumber(value) ?? value;
  return toDigitalLink(value) ?? value;
}

function expandCurie(value: string, prefixes: Record<string, string>): string {
  const m = /^([A-Za-z][A-Za-z0-9_-]*):([^/].*)$/.exec(value);
  if (!m || m[1] === 'urn' || m[1] === 'http' || m[1] === 'https') return value;
  const iri = own(prefixes, m[1]);
  return iri === undefined ? value : iri + m[2];
}

/**
 * A time in UTC with exactly three decimals, the fourth decimal rounding half up (…03.1415Z → …03.142Z).
 * Text that is not an xsd:dateTime is refused: the hash of a malformed time would not be the standard's.
 */
export function utcMillis(text: string): string {
  // RFC 3339 lets T and Z be lower case; capture reads them so (src/common/date-time.ts), and so does the hash.
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(text);
  if (!m) throw new EventHashError(`'${text}' is not a date-time with a time zone (e.g. 2024-05-01T08:00:00.000+08:00)`);
  const [, date, hh, mm, ss, fraction = '', zone] = m;
  const whole = Date.parse(`${date}T${hh}:${mm}:${ss}${zone.toUpperCase()}`);
  if (Number.isNaN(whole)) throw new EventHashError(`'${text}' is not a valid date-time`);
  const digits = (fraction + '0000').slice(0, 4);
  const ms = Math.floor(Number(digits) / 10) + (Number(digits[3]) >= 5 ? 1 : 0);
  return new Date(whole + ms).toISOString();
}

/** Numbers as the reference writes them: integral values without a fraction, others in shortest form. */
function pythonNumber(text: string): string | null {
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return null;
  const n = Number(text);
  if (!Number.isFinite(n)) return null;
  if (Number.isInteger(n)) return BigInt(n).toString();
  const [mantissa, exp] = n.toExponential().split('e');
  const e = Number(exp);
  if (e >= -4 && e < 16) return String(n);
  const sign = e < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** The ordered fields of `children` in `order`, consuming them; within one name, values sorted. */
function inOrder(children: Node[], order: Order): string {
  let out = '';
  for (const [name, childOrder] of order) {
    const matching = children.filter((c) => c.name === name);
    const parts: string[] = [];
    for (const child of matching) {
      const text = nodeText(child, childOrder);
      if (text) parts.push(text);
      children.splice(children.indexOf(child), 1);
    }
    parts.sort(compare);
    out += parts.join('');
  }
  return out;
}

function nodeText(node: Node, order: Order | null): string {
  const value = node.value ? `=${node.value}` : '';
  let inner = '';
  if (order) {
    const remaining = [...node.children];
    inner = inOrder(remaining, order) + rest(remaining);
  } else if (node.children.length) {
    inner = rest([...node.children]);
  }
  return value || inner ? node.name + value + inner : '';
}

/** Fields outside the canonical order (ilmd, type-and-value lists, extensions), each written whole, sorted. */
function rest(children: Node[]): string {
  return children
    .map((c) => genericText(c))
    .filter((t) => t !== '')
    .sort(compare)
    .join('');
}

function genericText(node: Node): string {
  const value = node.value ? `=${node.value}` : '';
  if (node.name === '') return node.children.map(genericText).join('');
  if (own(TYPED_LISTS, node.name) !== undefined) return node.name + node.children.map(genericText).sort(compare).join('');
  return node.name + value + rest(node.children);
}

/** Lexical order by UTF-16 code units; the same as code point order for the characters of identifiers. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ------------------------------------------------------------------------------------------------
// GS1 identifiers as canonical GS1 Digital Link URIs (https://id.gs1.org/…), the finest level only.

export function gs1CheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[digits.length - 1 - i]);
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Characters GS1 Digital Link percent-encodes in a path segment that EPC URIs may hold literally. */
function dlEncode(text: string): string {
  return text.replace(/[!()*+,:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

const COMPANY = '(\\d{6,12})';
const EPC_CHARS = "((?:%[0-9A-Fa-f]{2}|[!')(*+,.0-9:;=A-Za-z_-])+)";

/** gcp.ref (item reference led by the indicator digit) → 13 digits, check digit added. */
function gtinOf(company: string, itemRef: string): string | null {
  if (company.length + itemRef.length !== 13) return null;
  const raw = itemRef[0] + company + itemRef.slice(1);
  return raw + gs1CheckDigit(raw);
}

function glnOf(company: string, ref: string): string | null {
  if (company.length + ref.length !== 12) return null;
  const raw = company + ref;
  return raw + gs1CheckDigit(raw);
}

type Converter = (m: RegExpExecArray) => string | null;

const DL = 'https://id.gs1.org';

const EPC_URNS: ReadonlyArray<readonly [RegExp, Converter]> = [
  [new RegExp(`^urn:epc:id:sgtin:${COMPANY}\\.(\\d+)\\.${EPC_CHARS}$`), (m) => withGtin(m[1], m[2], (g) => `${DL}/01/${g}/21/${dlEncode(m[3])}`)],
  [
    /^urn:epc:id:sscc:(\d{6,12})\.(\d+)$/,
    (m) => {
      if (m[1].length + m[2].length !== 17) return null;
      const raw = m[2][0] + m[1] + m[2].slice(1);
      return `${DL}/00/${raw}${gs1CheckDigit(raw)}`;
    },
  ],
  [
    new RegExp(`^urn:epc:id:sgln:${COMPANY}\\.(\\d*)\\.${EPC_CHARS}$`),
    (m) => withGln(m[1], m[2], (g) => (m[3] === '0' ? `${DL}/414/${g}` : `${DL}/414/${g}/254/${dlEncode(m[3])}`)),
  ],
  [new RegExp(`^urn:epc:id:grai:${COMPANY}\\.(\\d*)\\.${EPC_CHARS}$`), (m) => withGln(m[1], m[2], (g) => `${DL}/8003/0${g}${dlEncode(m[3])}`)],
  [new RegExp(`^urn:epc:id:giai:${COMPANY}\\.${EPC_CHARS}$`), (m) => `${DL}/8004/${m[1]}${dlEncode(m[2])}`],
  [/^urn:epc:id:gsrn:(\d{6,12})\.(\d+)$/, (m) => digitsKey('8018', m[1] + m[2], 17)],
  [/^urn:epc:id:gsrnp:(\d{6,12})\.(\d+)$/, (m) => digitsKey('8017', m[1] + m[2], 17)],
  [new RegExp(`^urn:epc:id:gdti:${COMPANY}\\.(\\d*)\\.${EPC_CHARS}$`), (m) => withGln(m[1], m[2], (g) => `${DL}/253/${g}${dlEncode(m[3])}`)],
  [/^urn:epc:id:cpi:(\d{6,12})\.((?:%[0-9A-Fa-f]{2}|[0-9A-Z-])+)\.(\d{1,12})$/, (m) => `${DL}/8010/${dlEncode(m[1] + m[2])}/8011/${m[3]}`],
  [/^urn:epc:id:sgcn:(\d{6,12})\.(\d*)\.(\d{1,12})$/, (m) => withGln(m[1], m[2], (g) => `${DL}/255/${g}${m[3]}`)],
  [new RegExp(`^urn:epc:id:ginc:${COMPANY}\\.${EPC_CHARS}$`), (m) => `${DL}/401/${m[1]}${dlEncode(m[2])}`],
  [/^urn:epc:id:gsin:(\d{6,12})\.(\d+)$/, (m) => digitsKey('402', m[1] + m[2], 16)],
  [
    new RegExp(`^urn:epc:id:itip:${COMPANY}\\.(\\d+)\\.(\\d{2})\\.(\\d{2})\\.${EPC_CHARS}$`),
    (m) => withGtin(m[1], m[2], (g) => `${DL}/8006/${g}${m[3]}${m[4]}/21/${dlEncode(m[5])}`),
  ],
  [new RegExp(`^urn:epc:id:upui:${COMPANY}\\.(\\d+)\\.${EPC_CHARS}$`), (m) => withGtin(m[1], m[2], (g) => `${DL}/01/${g}/235/${dlEncode(m[3])}`)],
  [/^urn:epc:id:pgln:(\d{6,12})\.(\d*)$/, (m) => withGln(m[1], m[2], (g) => `${DL}/417/${g}`)],
  [new RegExp(`^urn:epc:class:lgtin:${COMPANY}\\.(\\d+)\\.${EPC_CHARS}$`), (m) => withGtin(m[1], m[2], (g) => `${DL}/01/${g}/10/${dlEncode(m[3])}`)],
  [/^urn:epc:idpat:sgtin:(\d{6,12})\.(\d+)\.\*$/, (m) => withGtin(m[1], m[2], (g) => `${DL}/01/${g}`)],
  [/^urn:epc:idpat:grai:(\d{6,12})\.(\d*)\.\*$/, (m) => withGln(m[1], m[2], (g) => `${DL}/8003/0${g}`)],
  [/^urn:epc:idpat:gdti:(\d{6,12})\.(\d*)\.\*$/, (m) => withGln(m[1], m[2], (g) => `${DL}/253/${g}`)],
  [/^urn:epc:idpat:sgcn:(\d{6,12})\.(\d*)\.\*$/, (m) => withGln(m[1], m[2], (g) => `${DL}/255/${g}`)],
  [/^urn:epc:idpat:cpi:(\d{6,12})\.((?:%[0-9A-Fa-f]{2}|[0-9A-Z-])+)\.\*$/, (m) => `${DL}/8010/${dlEncode(m[1] + m[2])}`],
  [/^urn:epc:idpat:itip:(\d{6,12})\.(\d+)\.(\d{2})\.(\d{2})\.\*$/, (m) => withGtin(m[1], m[2], (g) => `${DL}/8006/${g}${m[3]}${m[4]}`)],
  [/^urn:epc:idpat:upui:(\d{6,12})\.(\d+)\.\*$/, (m) => withGtin(m[1], m[2], (g) => `${DL}/01/${g}`)],
];

function withGtin(company: string, itemRef: string, f: (gtin: string) => string): string | null {
  const gtin = gtinOf(company, itemRef);
  return gtin ? f(gtin) : null;
}

function withGln(company: string, ref: string, f: (gln: string) => string): string | null {
  const gln = glnOf(company, ref);
  return gln ? f(gln) : null;
}

function digitsKey(ai: string, raw: string, length: number): string | null {
  return raw.length === length ? `${DL}/${ai}/${raw}${gs1CheckDigit(raw)}` : null;
}

/** Primary keys of GS1 Digital Link, with their short names, and the one qualifier kept at the finest level. */
const DL_KEYS: Record<string, string> = {
  '01': '01',
  gtin: '01',
  '8006': '8006',
  itip: '8006',
  '8010': '8010',
  cpid: '8010',
  '414': '414',
  gln: '414',
  '417': '417',
  party: '417',
  '8017': '8017',
  gsrnp: '8017',
  '8018': '8018',
  gsrn: '8018',
  '255': '255',
  gcn: '255',
  '00': '00',
  sscc: '00',
  '253': '253',
  gdti: '253',
  '401': '401',
  ginc: '401',
  '402': '402',
  gsin: '402',
  '8003': '8003',
  grai: '8003',
  '8004': '8004',
  giai: '8004',
};
const DL_QUALIFIERS: Record<string, string> = { cpv: '22', lot: '10', ser: '21' };

/** EPC URIs and GS1 Digital Link URIs (any domain) as a canonical, constrained GS1 Digital Link URI; null otherwise. */
export function toDigitalLink(uri: string): string | null {
  for (const [pattern, convert] of EPC_URNS) {
    const m = pattern.exec(uri);
    if (m) return convert(m);
  }
  const web = /^https?:\/\/[^/?#]+((?:\/[^/?#]*)*)(?:[?#].*)?$/.exec(uri);
  if (!web) return null;
  const segments = web[1].split('/').filter((s) => s !== '');
  const start = segments.findIndex((s, i) => own(DL_KEYS, s) !== undefined && i + 1 < segments.length && /^\d{4}/.test(segments[i + 1]));
  if (start < 0) return null;
  const path = segments.slice(start).map((s, i) => (i % 2 === 0 ? (own(DL_KEYS, s) ?? own(DL_QUALIFIERS, s) ?? s) : s));
  if (path.length % 2 !== 0) return null;
  const key = path.slice(0, 2);
  if (key[0] === '01' && /^(\d{8}|\d{12}|\d{13})$/.test(key[1])) key[1] = key[1].padStart(14, '0');
  const qualifiers: string[][] = [];
  for (let i = 2; i < path.length; i += 2) qualifiers.push(path.slice(i, i + 2));
  // The finest level only: a serial or a lot replaces coarser qualifiers (01/…/22/…/10/…/21/… → 01/…/21/…).
  const finest = qualifiers.length ? [qualifiers[qualifiers.length - 1]] : [];
  return [DL, ...key, ...finest.flat()].join('/');
}

/** A record's own entry: member names come from the document, and `constructor` or `__proto__` must not find Object's. */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
