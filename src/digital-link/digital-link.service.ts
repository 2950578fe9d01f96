import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { canonicalPath, type DigitalLink, isUriProblem, parseDigitalLinkPath, parseResolverQuery, type UriProblem } from './digital-link-uri.js';
import { DigitalLinkRepository } from './digital-link.repository.js';
import { productPage } from './product-page.js';
import {
  acceptsLinkset,
  type Links,
  linkset,
  linksetHeader,
  lotLinks,
  productLinks,
  requestedLinkType,
  resolverDescription,
  unitLinks,
} from './resolver-links.js';

/** A problem the resolver answers with: what and why, in both languages, and its code. */
export interface ResolverProblem {
  status: 400 | 404;
  reason: string;
  title: string;
  zh: string;
  en: string;
}

/**
 * What the resolver answers: a 307 to the requested (or default) link, the linkset, or a problem.
 * Every answer about a thing that exists names its linkset (`link`).
 */
export type ResolverAnswer =
  | { kind: 'redirect'; location: string; link: string }
  | { kind: 'linkset'; body: { linkset: Record<string, unknown>[] }; link: string }
  | { kind: 'problem'; problem: ResolverProblem; link?: string };

/** The GS1-Conformant resolver: a GS1 Digital Link URI (GTIN, lot) to the service's pages about it. */
@Injectable()
export class DigitalLinkService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly links: DigitalLinkRepository,
  ) {}

  /** Resolves the raw path (from /01) and query of a request with its Accept header. */
  async resolve(rawPath: string, rawQuery: string, accept: string | undefined): Promise<ResolverAnswer> {
    const parsed = parseDigitalLinkPath(rawPath);
    if (isUriProblem(parsed)) return badUri(parsed);
    const query = parseResolverQuery(rawQuery);
    if (isUriProblem(query)) return badUri(query);

    const found = await this.find(parsed);
    if ('problem' in found) return { kind: 'problem', problem: found.problem };
    const base = this.config.publicBaseUrl;
    const path = canonicalPath(parsed);
    const link = linksetHeader(`${base}${path}?linkType=linkset`);

    const requested = query.linkType === null ? null : requestedLinkType(query.linkType);
    if (requested?.kind === 'linkset' || (requested === null && acceptsLinkset(accept)))
      return { kind: 'linkset', body: linkset(`${base}${path}`, found.description, found.links(base)), link };
    if (requested?.kind === 'unknown') return { kind: 'problem', problem: unknownLinkType(requested.value), link };
    const type = requested?.type ?? 'pip';
    // Relative, so the redirect stays on the host the label was scanned from.
    const target = found.links('')[type];
    if (!target) return { kind: 'problem', problem: unavailable(type, found.level), link };
    // The EPCIS query refuses parameters it does not know (EPCIS 2.0 QueryParameterException): a label's data attributes stay behind.
    return { kind: 'redirect', location: type === 'epcis' ? target.href : withQuery(target.href, query.passOn), link };
  }

  /** The small public page of a product with this GTIN, or a page saying there is none. */
  async productPage(gtin: string): Promise<{ status: 200 | 400 | 404; problem?: ResolverProblem; html?: string }> {
    const parsed = parseDigitalLinkPath(`/01/${gtin}`);
    if (isUriProblem(parsed)) return { status: 400, problem: badUri(parsed).problem };
    const product = await this.links.findProduct(parsed.gtin);
    if (!product) return { status: 404, problem: noProduct(parsed.gtin) };
    return { status: 200, html: productPage(product) };
  }

  description() {
    return resolverDescription(this.config.publicBaseUrl);
  }

  /** The lot (when the URI names one) or the product the URI identifies, with its links. */
  private async find(
    link: DigitalLink,
  ): Promise<{ problem: ResolverProblem } | { level: 'lot' | 'product'; description: string; links: (base: string) => Links }> {
    // A serial of a commissioned unit (with its own lot, or none) leads to the unit's page; a serial not
    // commissioned under a lot leads to the lot, as before units existed; without a lot it is not found.
    if (link.serial !== undefined) {
      const unit = await this.links.findUnitLot(link.gtin, link.serial);
      if (unit && (link.lot === undefined || link.lot === unit.lotCode))
        return {
          level: 'lot',
          description: `${unit.productName} · ${unit.lotCode} · ${link.serial}`,
          links: (base) => unitLinks(base, { ...unit, gtin: link.gtin }, link.serial!),
        };
      if (link.lot === undefined) return { problem: noUnit(link.gtin, link.serial) };
    }
    if (link.lot !== undefined) {
      const lot = await this.links.findLot(link.gtin, link.lot);
      if (!lot)
        return {
          problem: {
            status: 404,
            reason: 'BATCH_NOT_FOUND',
            title: '未找到该批次 / Lot not found',
            zh: `没有 GTIN ${link.gtin} 批号 ${link.lot} 的批次记录。`,
            en: `No batch of GTIN ${link.gtin} has lot ${link.lot}.`,
          },
        };
      return {
        level: 'lot',
        description: `${lot.productName} · ${link.lot}`,
        links: (base) => lotLinks(base, { ...lot, gtin: link.gtin, lotCode: link.lot! }),
      };
    }
    // A GTIN alone, with a consumer product variant (not modelled: every variant is the product) or a serial without its lot.
    const product = await this.links.findProduct(link.gtin);
    if (!product) return { problem: noProduct(link.gtin) };
    return { level: 'product', description: product.name, links: (base) => productLinks(base, link.gtin) };
  }
}

function badUri(problem: UriProblem): { kind: 'problem'; problem: ResolverProblem } {
  return { kind: 'problem', problem: { status: 400, ...problem } };
}

function noUnit(gtin: string, serial: string): ResolverProblem {
  return {
    status: 404,
    reason: 'UNIT_NOT_FOUND',
    title: '未找到该单品 / Unit not found',
    zh: `没有 GTIN ${gtin} 序列号 ${serial} 的单品记录。请核对标签上的字符。`,
    en: `No unit of GTIN ${gtin} has serial ${serial}. Please check the characters on the label.`,
  };
}

function noProduct(gtin: string): ResolverProblem {
  return {
    status: 404,
    reason: 'PRODUCT_NOT_FOUND',
    title: '未找到该产品 / Product not found',
    zh: `没有 GTIN 为 ${gtin} 的产品。`,
    en: `No product has GTIN ${gtin}.`,
  };
}

function unknownLinkType(value: string): ResolverProblem {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return {
    status: 404,
    reason: 'LINK_TYPE_NOT_AVAILABLE',
    title: '没有这种链接 / Link type not available',
    zh: `本解析器不提供“${shown}”类型的链接。可用的类型见 ?linkType=linkset。`,
    en: `This resolver has no link of type "${shown}". The links it has are listed at ?linkType=linkset.`,
  };
}

const WHY_NOT: Record<string, [string, string]> = {
  certificationInfo: ['该批次及其产品没有登记证书。', 'Neither this lot nor its product has certificates on record.'],
};

function unavailable(type: string, level: 'lot' | 'product'): ResolverProblem {
  const [zh, en] =
    WHY_NOT[type] && !(level === 'product' && type === 'certificationInfo')
      ? WHY_NOT[type]
      : ['该链接按批次提供：请扫描带批号的标签（/10/）。', "This link is given per lot: scan a label with the lot's number (/10/)."];
  return {
    status: 404,
    reason: 'LINK_TYPE_NOT_AVAILABLE',
    title: '没有这种链接 / Link type not available',
    zh: `gs1:${type}：${zh}`,
    en: `gs1:${type}: ${en}`,
  };
}

/** `href` with the request's data attributes passed on, before any fragment. */
function withQuery(href: string, passOn: string): string {
  if (!passOn) return href;
  const [path, fragment] = href.split('#');
  return `${path}${path.includes('?') ? '&' : '?'}${passOn}${fragment === undefined ? '' : `#${fragment}`}`;
}
