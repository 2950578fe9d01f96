import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import type { ReportFile } from './reports.service.js';

const REPORT_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(html|pdf)$/i;

/** `<batch id>.html` or `.pdf`, in either case. */
@Injectable()
export class ReportFilePipe implements PipeTransform<string, ReportFile> {
  transform(file: string): ReportFile {
    const match = REPORT_FILE.exec(file);
    if (!match) throw new DomainError('INVALID_INPUT', 'the mock recall report is /reports/mock-recall/<batch id (a UUID)>.html or .pdf');
    return { batchId: match[1].toLowerCase(), format: match[2].toLowerCase() as ReportFile['format'] };
  }
}

/** `?maxDepth=`: one or two digits when given; the range (1–50) is the trace's to check. */
@Injectable()
export class MaxDepthPipe implements PipeTransform<unknown, number | undefined> {
  transform(maxDepth: unknown): number | undefined {
    if (maxDepth === undefined) return undefined;
    if (typeof maxDepth !== 'string' || !/^\d{1,2}$/.test(maxDepth)) throw new DomainError('INVALID_INPUT', 'maxDepth must be a whole number from 1 to 50');
    return Number(maxDepth);
  }
}
