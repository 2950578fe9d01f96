import { createParamDecorator, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import { singleQueryParam } from '../common/query-param.js';
import { chooseLanguage, type Lang } from './batch-page.js';
import { type LabelFile, MAX_SHEET_LABELS } from './labels.service.js';
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
