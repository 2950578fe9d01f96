/**
 * What the resolver links a GS1 Digital Link to, as GS1-Conformant Resolver 1.0 and RFC 9264 write it:
 * link types as GS1 Web Vocabulary terms, a linkset per identified thing, the resolver description
 * document. Pure.
 *
 * Only links to something this service really serves are offered:
 * - gs1:pip — a serialized unit (/21/ of a commissioned serial): its page (/u/<gtin>/<serial>), the lot's
 *   page with the unit's own section; a lot: its consumer page (/q/<code>); a product (GTIN alone, or with /22/): its small
 *   public product page (/products/<gtin>), which names the product and its producer but lists no lots
 *   (a list would publish every lot's trace code and the producer's output; each lot's page is reached
 *   from its own label);
 * - gs1:traceability — a lot's every event, oldest first (/q/<code>/events);
 * - gs1:recallStatus — the public recall notices (/recalls), at the lot's own notice when one is open;
 * - gs1:certificationInfo — a lot's certificates on its page (/q/<code>#certificates), when it has any.
 * - gs1:epcis — a lot's events in the EPCIS 2.0 query interface (/epcis/events?MATCH_epcClass=<the lot's
 *   Digital Link>): the link names the lot by its GS1 keys only; the answer needs an API key and holds only
 *   what that key's organization recorded (a regulator's, everything), so the link gives nothing away.
 */

import { canonicalPath } from './digital-link-uri.js';

export const GS1_VOC = 'https://gs1.org/voc/';

export type LinkType = 'pip' | 'traceability' | 'recallStatus' | 'certificationInfo' | 'epcis';

/** Link types the resolver knows (it answers 404 for those a thing has no link of). */
const KNOWN: readonly LinkType[] = ['pip', 'traceability', 'recallStatus', 'certificationInfo', 'epcis'];

/** A link in a linkset (RFC 9264 §4.2.2): target, title, media type and languages. */
export interface TargetLink {
  href: string;
  title: string;
  type: string;
  hreflang?: string[];
}

/** What the service knows of a lot, for its links. */
export interface LotLinks {
  gtin: string;
  lotCode: string;
  traceCode: string;
  /** The open recall that names the lot, if any. */
  recallId: string | null;
  hasCertificates: boolean;
}

/** The resolver's links for one identified thing, by link type; pip is always there and is the default. */
export type Links = Partial<Record<LinkType, TargetLink>> & { pip: TargetLink };

/** A requested `linkType`: one of ours, the linkset, or a type this resolver does not know (kept for the message). */
export type RequestedLinkType = { kind: 'linkset' } | { kind: 'type'; type: LinkType } | { kind: 'unknown'; value: string };

/** `linkType` as GS1 allows it: a CURIE (gs1:pip) or the full term (https://gs1.org/voc/pip, also ref. and www.), or linkset/all. */
export function requestedLinkType(value: string): RequestedLinkType {
  if (value === 'linkset' || value === 'all') return { kind: 'linkset' };
  const term = /^(?:gs1:|https?:\/\/(?:www\.|ref\.)?gs1\.org\/voc\/)(\w+)$/.exec(value)?.[1];
  const known = KNOWN.find((t) => t === term);
  return known ? { kind: 'type', type: known } : { kind: 'unknown', value };
}

/** The links of a lot, every href absolute on `base`. */
export function lotLinks(base: string, lot: LotLinks): Links {
  const page = `${base}/q/${lot.traceCode}`;
  const links: Links = {
    pip: { href: page, title: '产品信息与追溯 / Product information and trace', type: 'text/html', hreflang: ['zh-CN', 'en'] },
    traceability: { href: `${page}/events`, title: '全部追溯事件 / Every event of the lot', type: 'text/html', hreflang: ['zh-CN', 'en'] },
    recallStatus: {
      href: lot.recallId ? `${base}/recalls#recall-${lot.recallId}` : `${base}/recalls`,
      title: lot.recallId ? '本批次的召回公告 / The recall notice of this lot' : '消费警示（本批次无召回） / Open recalls (none of this lot)',
      type: 'text/html',
      hreflang: ['zh-CN', 'en'],
    },
    epcis: {
      href: `${base}/epcis/events?MATCH_epcClass=${encodeURIComponent(`https://id.gs1.org${canonicalPath({ gtin: lot.gtin, lot: lot.lotCode })}`)}`,
      title: 'EPCIS 2.0 事件查询（需 API 密钥） / EPCIS 2.0 events of the lot (API key required)',
      type: 'application/ld+json',
    },
  };
  if (lot.hasCertificates)
    links.certificationInfo = { href: `${page}#certificates`, title: '证书 / Certificates', type: 'text/html', hreflang: ['zh-CN', 'en'] };
  return links;
}

/** The links of a serialized unit: its own page (the lot's page with the unit's section), the rest its lot's. */
export function unitLinks(base: string, lot: LotLinks, serial: string): Links {
  return {
    ...lotLinks(base, lot),
    pip: { href: unitPagePath(base, lot.gtin, serial), title: '单品信息与追溯 / This unit and its trace', type: 'text/html', hreflang: ['zh-CN', 'en'] },
  };
}

/** Where a unit's page is: /u/<GTIN-14>/<serial>. */
export function unitPagePath(base: string, gtin: string, serial: string): string {
  return `${base}/u/${gtin}/${encodeURIComponent(serial)}`;
}

/** The links of a product (its GTIN, no lot). */
export function productLinks(base: string, gtin: string): Links {
  return {
    pip: { href: `${base}/products/${gtin}`, title: '产品信息 / Product information', type: 'text/html', hreflang: ['zh-CN', 'en'] },
    recallStatus: { href: `${base}/recalls`, title: '消费警示 / Open recalls', type: 'text/html', hreflang: ['zh-CN', 'en'] },
  };
}

/** The RFC 9264 linkset of `anchor` (application/linkset+json), the default link first, as GS1-Conformant Resolver 1.0 writes it. */
export function linkset(anchor: string, description: string, links: Links): { linkset: Record<string, unknown>[] } {
  const context: Record<string, unknown> = { anchor, description, [`${GS1_VOC}defaultLink`]: [links.pip] };
  for (const type of KNOWN) {
    const link = links[type];
    if (link) context[`${GS1_VOC}${type}`] = [link];
  }
  return { linkset: [context] };
}

/** The `Link` header every answer about an identified thing carries: where its linkset is. */
export function linksetHeader(linksetUrl: string): string {
  return `<${linksetUrl}>; rel="linkset"; type="application/linkset+json"`;
}

/** Whether the client asks for the linkset by content negotiation (RFC 9264 §7: application/linkset+json, not refused with q=0). */
export function acceptsLinkset(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    return type === 'application/linkset+json' && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** Whether an error is better answered as JSON than as a page: the client asks for JSON and not for HTML. */
export function prefersJson(accept: string | undefined): boolean {
  const value = (accept ?? '').toLowerCase();
  return value.includes('json') && !value.includes('text/html');
}

/** The resolver description document at /.well-known/gs1resolver (GS1-Conformant Resolver 1.0 §4). */
export function resolverDescription(base: string) {
  return {
    name: 'Suyuan 溯源 GS1 Digital Link resolver',
    resolverRoot: base,
    supportedPrimaryKeys: ['01'],
    supportedLinkType: [{ namespace: GS1_VOC, prefix: 'gs1:' }],
    linkTypeDefaultCanBeLinkset: false,
  };
}
