import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../auth/caller.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { TraceService } from '../trace/trace.service.js';
import { capturedEvent, epcisDocumentOf, epcisEvents } from './epcis.js';
import { withErrorDeclarations } from './error-declarations.js';
import { withTransactionEvents } from './transaction-events.js';
import type { ProductRange, TraceSelection } from './export-query.js';
import { ExportsRepository, TraceabilityRow } from './exports.repository.js';
import { fsmaCsv, fsmaXlsx } from './fsma-sheet.js';

export type SheetFormat = 'csv' | 'xlsx';

export type EpcisJson = Record<string, unknown> & { epcisBody: { eventList: Record<string, unknown>[] } };

/** A file to download: its name, media type and bytes. */
export interface ExportFile {
  name: string;
  contentType: string;
  body: string | Buffer;
}

/** The sortable spreadsheets regulators ask for (FSMA 204: within 24 hours; here, one download) and GS1 EPCIS 2.0. */
@Injectable()
export class ExportsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly exports: ExportsRepository,
    private readonly traces: TraceService,
  ) {}

  /** Every event of every lot in a trace. */
  async traceSheet(caller: Caller, selection: TraceSelection, format: SheetFormat): Promise<ExportFile> {
    const trace = await this.traces.trace(caller, selection.batchId, selection.direction);
    const rows = await this.exports.rowsForBatches(trace.nodes.map((n) => n.batch.id));
    return sheet(`trace-${selection.batchIdAsGiven.slice(0, 8)}-${selection.direction.toLowerCase()}`, rows, format, this.config.exportTimeZone);
  }

  /** Every event of a product's lots between two dates. */
  async productSheet(range: ProductRange, format: SheetFormat): Promise<ExportFile> {
    const rows = await this.exports.rowsForProduct(range.productId, range.start, range.end);
    return sheet(`events-${range.productId.slice(0, 8)}`, rows, format, this.config.exportTimeZone);
  }

  /** With a batch, the events of the batch and of every batch in its trace both ways; with a product range, its lots' events. */
  async epcis(caller: Caller, selection: { batchId: string } | ProductRange): Promise<object> {
    let batchIds: string[];
    if ('batchId' in selection) {
      const [up, down] = await Promise.all([
        this.traces.trace(caller, selection.batchId, 'UPSTREAM'),
        this.traces.trace(caller, selection.batchId, 'DOWNSTREAM'),
      ]);
      batchIds = [...new Set([...up.nodes, ...down.nodes].map((n) => n.batch.id))];
    } else {
      batchIds = await this.exports.batchIdsOfProductBetween(selection.productId, selection.start, selection.end);
    }
    return this.epcisOfBatches(batchIds);
  }

  /**
   * The EPCIS document of these batches' events (with `onlySeqs`, of those entries' events alone: the EPCIS
   * query interface writes its pages with it, so an event reads the same there as in the export, and a page
   * of a long-lived batch costs its own events, not the batch's whole history).
   */
  async epcisOfBatches(batchIds: string[], onlySeqs: number[] | null = null): Promise<EpcisJson> {
    const [sources, transactions, declarations, commissionings] = await Promise.all([
      this.exports.epcisSources(batchIds, onlySeqs),
      this.exports.transactionSources(batchIds),
      this.exports.errorDeclarations(batchIds),
      this.exports.commissioningSeqs(batchIds, onlySeqs),
    ]);
    // Commissionings of units are events only when captured (an ObjectEvent naming them): given back as sent, or not at all.
    const originals = await this.exports.capturedOriginals([...[...sources, ...transactions].map((s) => s.seq), ...commissionings]);
    const events = epcisEvents(sources, originals, this.config.publicBaseUrl);
    // Captured TransactionEvents and commissionings of units kept as sent come back as sent, after the other events (as generated ones do).
    const given = new Set(events.flatMap((e) => e.seqs));
    events.push(
      ...originals
        .filter((o) => !o.seqs.some((seq) => given.has(seq)))
        .sort((a, b) => Math.min(...a.seqs) - Math.min(...b.seqs))
        .map(capturedEvent),
    );
    const kept = new Set(originals.flatMap((o) => o.seqs));
    const document = withTransactionEvents(
      epcisDocumentOf(events, new Date()) as EpcisJson,
      transactions.filter((t) => !kept.has(t.seq)),
      this.config.publicBaseUrl,
    );
    // The declared events carry their errorDeclaration, whichever way the document names them.
    return withErrorDeclarations(document, declarations);
  }
}

function sheet(name: string, rows: TraceabilityRow[], format: SheetFormat, timeZone: string): ExportFile {
  return format === 'xlsx'
    ? { name: `${name}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: fsmaXlsx(rows, timeZone) }
    : { name: `${name}.csv`, contentType: 'text/csv; charset=utf-8', body: fsmaCsv(rows) };
}
