import { createParamDecorator, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import { singleQueryParam } from '../common/query-param.js';
import { chooseLanguage, type Lang } from './batch-page.js';
import type { LabelLink } from './labels.js';
import { type LabelFile, MAX_SHEET_LABELS } from './labels.service.js';
import type { ProofCursor } from './proof-bundle.js';
import type { RequestSite } from './scan-token.js';
import { normalizeTraceCode } from './scan.service.js';

/** The page's language, from ?lang= or the browser's Accept-Language. */
export const PageLanguage = createParamDecorator((_data: unknown, context: ExecutionContext): Lang => {
  const req = context.switchToHttp().getRequest<Request>();
  return chooseLanguage(req.query.lang, req.headers['accept-language']);
});

/** `<trace code>.png` or `.svg`, the code as people type it. */
@Injectable()
export class LabelFilePipe implements PipeTransform<string, LabelFile> {
  transform(file: string): LabelFile {
    const match = /^(.+)\.(png|svg)$/.exec(file);
    const traceCode = match ? normalizeTraceCode(match[1]) : null;
    if (!match || !traceCode) throw new DomainError('INVALID_INPUT', 'a label is /labels/<trace code>.png or .svg');
    return { traceCode, format: match[2] as LabelFile['format'] };
  }
}

/** `?link=digital|page`: which URL a label encodes; left out, the GS1 Digital Link when the product has a GTIN, else the page. */
@Injectable()
export class LabelLinkPipe implements PipeTransform<unknown, LabelLink> {
  transform(value: unknown): LabelLink {
    const link = singleQueryParam(value, 'link');
    if (link === undefined) return 'auto';
    if (link !== 'digital' && link !== 'page') {
      throw new DomainError('INVALID_INPUT', 'link must be "digital" (the GS1 Digital Link) or "page" (the page URL), or left out for the default');
    }
    return link;
  }
}

/** `?traceCodes=A,B,C`: one to MAX_SHEET_LABELS codes, as typed (each is checked against its batch). */
@Injectable()
export class TraceCodeListPipe implements PipeTransform<unknown, string[]> {
  transform(list: unknown): string[] {
    const codes = (singleQueryParam(list, 'traceCodes') ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    if (codes.length === 0 || codes.length > MAX_SHEET_LABELS)
      throw new DomainError('INVALID_INPUT', `traceCodes takes 1 to ${MAX_SHEET_LABELS} trace codes separated by commas, got ${codes.length}`);
    return codes;
  }
}

/** What a scan post says about where it comes from: its address (as the peer and a proxy give it), the site headers and the page's token. */
export interface ScanPost {
  /** The client's address: the socket's peer, or with TRUST_PROXY what the proxy saw (req.ip, src/http.ts). */
  address: string;
  site: RequestSite;
  token: string | undefined;
}

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export const ScanPostFrom = createParamDecorator((_data: unknown, context: ExecutionContext): ScanPost => {
  const req = context.switchToHttp().getRequest<Request>();
  return {
    address: req.ip ?? 'unknown',
    site: { origin: header(req, 'origin'), secFetchSite: header(req, 'sec-fetch-site'), host: header(req, 'host') },
    token: header(req, 'x-scan-token'),
  };
});

/** Largest page number or seq a URL may name. */
const MAX_POSITION = Number.MAX_SAFE_INTEGER;

function position(value: unknown, name: string, min: number): number | undefined {
  const text = singleQueryParam(value, name);
  if (text === undefined) return undefined;
  const n = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > MAX_POSITION)
    throw new DomainError('INVALID_INPUT', `${name} must be a whole number from ${min}, got "${text.slice(0, 40)}"`);
  return n;
}

/** `?after=<seq>&through=<seq>`, both or neither (the first page): where a proof page starts and ends. */
@Injectable()
export class ProofCursorPipe implements PipeTransform<Record<string, unknown>, ProofCursor | null> {
  transform(query: Record<string, unknown>): ProofCursor | null {
    const after = position(query.after, 'after', 0);
    const through = position(query.through, 'through', 1);
    if (after === undefined && through === undefined) return null;
    if (after === undefined || through === undefined)
      throw new DomainError('INVALID_INPUT', 'a proof page after the first takes both after and through, as its next link gives them');
    if (after >= through) throw new DomainError('INVALID_INPUT', `after (${after}) must be below through (${through})`);
    return { after, through };
  }
}

/** Which page of the list of every event is asked for, from 1 (the oldest). */
export interface EventsPageQuery {
  page: number;
}

/** `?page=<n>`, 1 when absent. Reads the whole query, so the global pipe does not turn the text into a number first. */
@Injectable()
export class EventsPagePipe implements PipeTransform<Record<string, unknown>, EventsPageQuery> {
  transform(query: Record<string, unknown>): EventsPageQuery {
    return { page: position(query.page, 'page', 1) ?? 1 };
  }
}
