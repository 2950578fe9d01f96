import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { parseDirection } from './trace-direction.js';
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
