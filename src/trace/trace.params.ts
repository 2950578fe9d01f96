import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { parseDirection } from './trace-direction.js';
import type { TraceLotsFormat } from './trace-lots-format.js';
import type { TraceDirection } from './trace.repository.js';

/** `?direction=` as parseDirection reads it. */
@Injectable()
export class DirectionPipe implements PipeTransform<unknown, TraceDirection> {
  transform(direction: unknown): TraceDirection {
    return parseDirection(direction);
  }
}

/** `<batch id>.svg`: the batch id, lower case. */
@Injectable()
export class TracePictureFilePipe implements PipeTransform<string, string> {
  transform(file: string): string {
    const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.svg$/i.exec(file);
    if (!match) throw new DomainError('INVALID_INPUT', 'the trace picture is /trace/<batch id (a UUID)>.svg');
    return match[1].toLowerCase();
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

/** `lots.csv` or `lots.ndjson`: how a whole trace is streamed. */
@Injectable()
export class TraceLotsFilePipe implements PipeTransform<string, TraceLotsFormat> {
  transform(file: string): TraceLotsFormat {
    const match = /^lots\.(csv|ndjson)$/i.exec(file);
    if (!match) throw new DomainError('INVALID_INPUT', 'the whole trace is /trace/<batch id>/lots.csv or /trace/<batch id>/lots.ndjson');
    return match[1].toLowerCase() as TraceLotsFormat;
  }
}
