import { Injectable, PipeTransform } from '@nestjs/common';
import { epcisSelection, type ProductRange, productRange, type TraceSelection, traceSelection } from './export-query.js';

// Each reads the whole query, so its parameters are checked in one stated order with one message.

@Injectable()
export class TraceSelectionPipe implements PipeTransform<Record<string, unknown>, TraceSelection> {
  transform(query: Record<string, unknown>): TraceSelection {
    return traceSelection(query);
  }
}

@Injectable()
export class ProductRangePipe implements PipeTransform<Record<string, unknown>, ProductRange> {
  transform(query: Record<string, unknown>): ProductRange {
    return productRange(query);
  }
}

@Injectable()
export class EpcisSelectionPipe implements PipeTransform<Record<string, unknown>, { batchId: string } | ProductRange> {
  transform(query: Record<string, unknown>): { batchId: string } | ProductRange {
    return epcisSelection(query);
  }
}
