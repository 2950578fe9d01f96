import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { entryHashOfEventId } from '../epcis/ledger-event-id.js';
import { capturedEvent, EPCIS_CONTEXT, type ExportedEvent, mergedContexts } from '../exports/epcis.js';
import { ExportsRepository } from '../exports/exports.repository.js';
import { ExportsService } from '../exports/exports.service.js';
import { packageEvent } from './aggregation-export.js';
import { AggregationExportRepository } from './aggregation-export.repository.js';
import { nextPageTokenOf, type EventQuery } from './event-query.js';
import { type EntryScope, type EventUnit, EventQueryRepository } from './event-query.repository.js';
import { eventsOfUnits } from './event-selection.js';

export interface EventPage {
  events: Record<string, unknown>[];
  /** The document's "@context", as the export wrote it. */
  context: unknown;
  nextPageToken: string | null;
}

/**
 * The EPCIS 2.0 query interface: SQL picks the page's events (filters, the caller's scope, keyset on
 * the key of each event: the seq of its first entry the query matches) and the export's document builder writes them, so an event reads the same
 * here as in the export.
 */
@Injectable()
export class EventQueryService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: EventQueryRepository,
    private readonly exports: ExportsService,
    private readonly packing: AggregationExportRepository,
    private readonly originals: ExportsRepository,
  ) {}

  async page(caller: Caller, query: EventQuery): Promise<EventPage> {
    const units = await this.repository.page(scopeOf(caller), query, query.perPage + 1);
    const shown = units.slice(0, query.perPage);
    const { events, context } = await this.write(shown);
    return { events, context, nextPageToken: units.length > query.perPage ? nextPageTokenOf(shown[shown.length - 1].key) : null };
  }

  /** The event an eventID names; unknown and not the caller's are the same 404, so the answer says nothing about other organizations' events. */
  async event(caller: Caller, eventID: string): Promise<{ event: Record<string, unknown>; context: unknown }> {
    const scope = scopeOf(caller);
    // No stored eventID is longer than 2048 characters or holds a NUL (PostgreSQL text cannot): such an id names nothing.
    const storable = eventID.length <= 2048 && !eventID.includes('\u0000');
    const unit = storable ? await this.repository.byId(scope, eventID, entryHashOf(eventID)) : null;
    const { events, context } = await this.write(unit ? [unit] : []);
    const event = events.find((e) => e.eventID === eventID) ?? events[0];
    if (!event) throw new DomainError('EVENT_NOT_FOUND', `no event ${JSON.stringify(eventID.slice(0, 200))} that this key may read`);
    return { event, context };
  }

  private async write(units: EventUnit[]): Promise<{ events: Record<string, unknown>[]; context: unknown }> {
    if (units.length === 0) return { events: [], context: [EPCIS_CONTEXT] };
    const lotEntries = units.flatMap((u) => u.entries.filter((e) => e.batchId !== null));
    const packageSeqs = units.flatMap((u) => u.entries.filter((e) => e.batchId === null).map((e) => e.seq));
    const batchIds = [...new Set(lotEntries.map((e) => e.batchId!))];
    const document =
      lotEntries.length > 0
        ? await this.exports.epcisOfBatches(
            batchIds,
            lotEntries.map((e) => e.seq),
          )
        : null;
    if (packageSeqs.length === 0) return { events: eventsOfUnits(document!.epcisBody.eventList, units, entryHashOf), context: document!['@context'] };
    // Packages' events join the lots' events under one "@context" (a captured one's prefixes keep their meaning).
    const packages = await this.packageEvents(packageSeqs);
    const lotEvents = (document?.epcisBody.eventList ?? []).map((event) => ({ event, seqs: [], context: document!['@context'] }));
    const { context, eventList } = mergedContexts([...lotEvents, ...packages]);
    return { events: eventsOfUnits(eventList, units, entryHashOf), context };
  }

  /** Package entries as EPCIS events: a captured one as it was sent, any other written from its entry. */
  private async packageEvents(seqs: number[]): Promise<ExportedEvent[]> {
    const [sources, originals] = await Promise.all([this.packing.sources(seqs), this.originals.capturedOriginals(seqs)]);
    const originalOfSeq = new Map(originals.flatMap((o) => o.seqs.map((seq) => [seq, o] as const)));
    return sources.map((s) => {
      const original = originalOfSeq.get(s.seq);
      return original ? capturedEvent(original) : { event: packageEvent(s), seqs: [s.seq] };
    });
  }
}

function scopeOf(caller: Caller): EntryScope {
  if (caller.kind === 'admin' || (caller.kind === 'organization' && caller.organizationKind === 'REGULATOR')) return 'all';
  if (caller.kind === 'organization') return { organizationId: caller.organizationId };
  throw new DomainError('AUTHENTICATION_REQUIRED', 'the EPCIS query interface needs an API key (Authorization: Bearer <key>)');
}

/** The ledger entry hash an eventID names: the ni: URI of the entry hash, or (exports before it) the hex hash with ?ver=CBV2.0. */
function entryHashOf(eventID: string): string | null {
  return entryHashOfEventId(eventID) ?? /^ni:\/\/\/sha-256;([0-9a-f]{64})\?ver=CBV2\.0$/.exec(eventID)?.[1] ?? null;
}
