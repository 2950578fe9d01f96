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
