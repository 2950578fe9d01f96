import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { BatchStatus } from '../batches/batch-status.js';
import { Database } from '../database/database.js';
import type { ProductCategory, StorageCondition } from '../products/product-kinds.js';
import { LOT_EVENT_TYPES, sqlEntryTypes } from '../ledger/entry-types.js';
import { batchIntactSql } from '../ledger/ledger.repository.js';
import type { LedgerEntry } from '../ledger/ledger-entry.js';
import { ledgerEntryColumns, rowToLedgerEntry } from '../ledger/ledger-row.js';
import { certificateStanding, type PublicCertificate } from '../certificates/certificate-rules.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import { emptyStory, foldStory, LotStory, MergedStory, mergeStories, NEWEST_KEY_STEPS, StoryEntry } from './lot-story.js';

export interface ScannedBatch {
  id: string;
  traceCode: string;
  lotCode: string;
  status: BatchStatus;
  productName: string;
  category: ProductCategory;
  storage: StorageCondition;
  gtin: string | null;
  geographicIndication: string | null;
  producer: string;
  origin: string | null;
  readingCount: number;
  excursionCount: number;
  /** The newest open recall that reaches the batch. */
  recall: { level: string; reason: string; initiatedAt: Date } | null;
  /** The hash of the batch's newest ledger entry: its page changes only when this does (the page's ETag). */
  latestEntryHash: string;
}

/** What the page shows beyond the scan: certificates, the temperature chart and its limits. */
export interface PageExtras {
  /** With the seq of the entry that attached each, which the page marks for the phone's check. */
  certificates: (PublicCertificate & { seq: number })[];
  readings: { at: Date; celsius: number }[];
  minTempC: number | null;
  maxTempC: number | null;
  excursions: { kind: 'OUT_OF_RANGE' | 'GAP'; start: string; end: string; minutes: number; minC: number; maxC: number }[];
}

/**
 * A public event: no quantities, no ids, the place at district level and the organization's name; its
 * entry's seq orders it among events of the same time.
 */
export interface PublicEvent {
  seq: number;
  /** The batch whose chain holds the event: the lot's own, or one it was made from (the page names that lot). */
  batchId?: string;
  bizStep: string;
  eventTime: Date;
  place: string | null;
  organization: string | null;
  /** Set when the event was declared erroneous (EPCIS errorDeclaration): the reason as declared, '' when none was given. */
  declaredErroneous?: string | null;
}

/** A lot's counted scans and what its registration makes plausible. */
/** Where the entries of a batch page's proof are: ledger positions (seq) of registrations, steps and lineage. */
export interface PageProofSources {
  lot: { batch: number; product: number; producer: number; origin: number };
  recall: number | null;
  /** Each key step, with the registrations of who recorded it and where, and the entry declaring it erroneous, if one does. */
  steps: { seq: number; batchId: string | null; organization: number | null; facility: number | null; declaration: number | null }[];
  /** Lineage edges (made `to` from `from`), with the registration of `from`. */
  edges: { from: string; to: string; fromSeq: number }[];
  /** The page's certificates: the entry attaching each, its attestation and the registrations of who recorded and who attested it. */
  certificates: { seq: number; attestation: number | null; attester: number | null; recorder: number | null; backsClaim: boolean }[];
}

export interface ScanTotals {
  total: number;
  days: number;
  /** null before the first counted scan */
  firstDay: string | null;
  today: number;
  quantity: number;
  unit: string;
}

/** A lot the scanned lot was made from, as its page names and links it (its own public page is at /q/<traceCode>). */
export interface SourceLot {
  batchId: string;
  productName: string;
  lotCode: string;
  traceCode: string;
  /** An input of the lot's own transformation, not of an earlier one. */
  direct: boolean;
}

/** The direct inputs the page names; a blend of more says "and N more". */
export const SOURCE_LOTS_SHOWN = 12;

/** What the batch page shows: a bounded summary of the lot's story. */
export interface ScannedPage {
  batch: ScannedBatch;
  keySteps: PublicEvent[];
  eventCount: number;
  /** How many events of each step the story has, most first: what the page says of the steps it does not list. */
  stepCounts: { bizStep: string; count: number }[];
  inspections: { total: number; failed: number; latest: 'PASS' | 'FAIL' | null };
  /** The lots it was made from that the page names: its direct inputs (at most SOURCE_LOTS_SHOWN) and those of its key steps. */
  sources: SourceLot[];
  /** How many lots it was made from directly (more than the direct ones in `sources` when it had many). */
  directSourceCount: number;
  lineage: string[];
  entries: number;
  intact: boolean;
}

/** Points of the page's temperature chart. */
export const CHART_POINTS = 400;
/** The newest certificates the page shows (a producer attaching thousands would otherwise grow it without end). */
export const PAGE_CERTIFICATES = 20;
export { NEWEST_KEY_STEPS };
/**
 * How many entries a batch's kept story may be behind before a read keeps it again: a lot read often
 * re-reads at most this many, and a lot read once (most are) is not written for.
 */
export const KEEP_BEHIND = 64;

@Injectable()
export class ScanRepository implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ScanRepository');
  /** Summaries being kept (`keepStories`), and whether the last attempt failed (logged once until one succeeds). */
  private readonly keeping = new Set<Promise<void>>();
  private keepFailing = false;

  constructor(private readonly db: Database) {}

  async findByTraceCode(traceCode: string): Promise<ScannedBatch | null> {
    return this.findOne('b.trace_code = $1', [traceCode]);
  }

  private async findOne(where: string, params: unknown[]): Promise<ScannedBatch | null> {
    const { rows } = await this.db.query(scannedBatchSql(where), params);
    return rows[0] ? toScannedBatch(rows[0]) : null;
  }

  /**
   * Everything a scan shows: the batch, the first TIMELINE_HEAD events of its public story and how many
   * there are, its lineage, and whether its entries check out in SQL. Null when no batch has the code.
   * Two bounded statements, however long the story: the lot's story as kept (`lotStory`), then the
   * public columns of the events it shows.
   */
  async scan(
    traceCode: string,
  ): Promise<{ batch: ScannedBatch; head: PublicEvent[]; eventCount: number; lineage: string[]; entries: number; intact: boolean } | null> {
    const told = await this.lotStory(traceCode);
    if (!told) return null;
    const { rows } = await this.db.read({ name: 'events-by-seq', text: EVENTS_BY_SEQ_SQL, values: [told.story.head.map((e) => e.seq)] });
    return {
      batch: told.batch,
      head: toPublicEvents(rows[0].events as TimelineRow[] | null),
      eventCount: told.story.eventCount,
      lineage: told.lineage,
      entries: told.entries,
      intact: told.intact,
    };
  }

  /**
   * A lot's story (lot-story.ts) from the summaries kept of it and of every batch it was made from, with
   * the entries since folded in, and the check of its chain since the point kept; summaries KEEP_BEHIND
   * or more entries behind are kept again, on the primary, without the read waiting for it (`keptStories`).
   *
   * The summary is kept by its readers, not by the writer: a read folds in whatever was appended since,
   * so nothing is added to the append's transaction (the write rate is the ledger's limit), a summary
   * that is behind costs time and never a wrong answer, and the checked point can only be set by a read
   * that checked the entries (the writer hashed them itself). With replicas the read may come from one;
   * what it folded is written on the primary, and a row only moves forward.
   */
  private async lotStory(traceCode: string): Promise<{
    batch: ScannedBatch;
    story: MergedStory;
    lineage: string[];
    entries: number;
    intact: boolean;
  } | null> {
    const sizes = JSON.stringify(emptyStory().sizes);
    const { rows } = await this.db.read({ name: 'lot-story', text: LOT_STORY_SQL, values: [traceCode, sizes] });
    const r = rows[0];
    if (!r) return null;
    type KeptRow = { batchId: string; story: LotStory | null; behind: number; newestSeq: number; tail: StoryEntry[] | null };
    const parts = (r.stories as KeptRow[]).map((k) => ({ ...k, story: foldStory(k.story ?? emptyStory(), k.tail ?? []) }));
    const batch = toScannedBatch(r);
    // The lot's chain since the point it was checked through: intact when nothing came after it.
    const checked = Number(r.checked_entries);
    const intact = checked === 0 ? r.verified_entries !== null : r.intact === true;
    const entries = Number(r.verified_entries ?? 0) + checked;
    const verified = intact && checked >= KEEP_BEHIND ? { seq: Number(r.checked_through_seq), hash: r.checked_through_hash as string, entries } : null;
    const keep = parts
      .filter((k) => k.behind >= KEEP_BEHIND || (k.batchId === batch.id && verified))
      .map((k) => ({
        batch_id: k.batchId,
        through_seq: k.newestSeq,
        story: k.story,
        ...(k.batchId === batch.id && verified ? { verified_seq: verified.seq, verified_hash: verified.hash, verified_entries: verified.entries } : {}),
      }));
    if (keep.length > 0) this.keepStories(keep);
    return { batch, story: mergeStories(parts), lineage: parts.map((k) => k.batchId), entries, intact };
  }

  /**
   * Keeps what a read folded, on the primary, and does not make the read wait: with the primary down
   * (reads go on from replicas) or refusing, the next read costs a longer fold, never a wrong answer.
   */
  private keepStories(rows: object[]): void {
    const write: Promise<void> = this.db.query(KEEP_STORIES_SQL, [JSON.stringify(rows)]).then(
      () => void (this.keepFailing = false),
      (err: Error) => {
        if (!this.keepFailing) this.logger.warn(`lot stories not kept (until one is): ${err.message}`);
        this.keepFailing = true;
      },
    );
    this.keeping.add(write);
    void write.finally(() => this.keeping.delete(write));
  }

  /** Resolves once every summary a read started keeping is written or refused: before the pool closes, and for tests. */
  async keptStories(): Promise<void> {
    await Promise.all([...this.keeping]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.keptStories();
  }

  /** A lot's counted scans (how many, on how many days, since when, how many today) and what it was registered with. */
  async scanTotals(batchId: string, day: string): Promise<ScanTotals> {
    const { rows } = await this.db.query<{
      total: string | null;
      days: string;
      first_day: string | null;
      today: string | null;
      quantity: number;
      unit: string;
    }>(
      `SELECT sum(s.count) AS total, count(s.day) AS days, to_char(min(s.day), 'YYYY-MM-DD') AS first_day,
              sum(s.count) FILTER (WHERE s.day = $2::date) AS today, b.unit,
              (SELECT (l.payload::jsonb ->> 'quantity')::float8 FROM ledger_entry l
                WHERE l.batch_id = b.id AND l.type = ${sqlEntryTypes('BATCH_REGISTERED')}) AS quantity
       FROM batch b LEFT JOIN scan_count s ON s.batch_id = b.id WHERE b.id = $1 GROUP BY b.id, b.unit`,
      [batchId, day],
    );
    const r = rows[0];
    return { total: Number(r.total ?? 0), days: Number(r.days), firstDay: r.first_day, today: Number(r.today ?? 0), quantity: r.quantity, unit: r.unit };
  }

  /** Counts one scan of the lot on `day`, unless `cap` are counted already; whether it was counted. */
  async countScan(batchId: string, day: string, cap: number): Promise<boolean> {
    const { rows } = await this.db.query(
      `INSERT INTO scan_count (batch_id, day, count) VALUES ($1, $2::date, 1)
       ON CONFLICT (batch_id, day) DO UPDATE SET count = scan_count.count + 1 WHERE scan_count.count < $3
       RETURNING count`,
      [batchId, day, cap],
    );
    return rows.length === 1;
  }

  /**
   * What the batch page shows: the batch, its key steps (the first event of each kind and the newest
   * few, of the lot and the batches it was made from), how many events there are in all and of each
   * step, its inspections' verdicts, the lots it names, and whether its entries check out in SQL.
   * Bounded, however long the lot's story: the story as kept (`lotStory`), then the steps it shows.
   */
  async pageView(traceCode: string): Promise<ScannedPage | null> {
    const told = await this.lotStory(traceCode);
    if (!told) return null;
    const { story, batch } = told;
    const { rows } = await this.db.read({ name: 'page-details', text: PAGE_DETAILS_SQL, values: [story.keySteps.map((e) => e.seq), batch.id] });
    const r = rows[0];
    return {
      batch,
      keySteps: toPublicEvents(r.key_steps as TimelineRow[] | null),
      eventCount: story.eventCount,
      stepCounts: story.stepCounts,
      inspections: story.inspections,
      sources: (r.sources ?? []) as SourceLot[],
      directSourceCount: Number(r.direct_source_count),
      lineage: told.lineage,
      entries: told.entries,
      intact: told.intact,
    };
  }

  /** One page of the public story (oldest first), and how many events it has in all. */
  async eventsPage(batchId: string, offset: number, limit: number): Promise<{ total: number; events: PublicEvent[] }> {
    const { rows } = await this.db.read(EVENTS_PAGE_SQL, [batchId, offset, limit]);
    return { total: Number(rows[0].total), events: toPublicEvents(rows[0].events as TimelineRow[] | null) };
  }

  /**
   * Up to `limit` events of the public story after the event of entry `afterSeq` (from the start when
   * null), in time order; null when `afterSeq` is no event of this story. Keyed on (time, seq), so an
   * event recorded between two pages never makes the next page repeat one or skip one already there.
   */
  async timelinePage(batchId: string, afterSeq: number | null, limit: number): Promise<PublicEvent[] | null> {
    const { rows } = await this.db.read(TIMELINE_PAGE_SQL, [batchId, afterSeq, limit]);
    return rows[0].cursor_known === true ? toPublicEvents(rows[0].events as TimelineRow[] | null) : null;
  }

  /** How many entries the batch has, and its newest one: what the proof's pages run up to. */
  async proofSpan(batchId: string): Promise<{ total: number; newestSeq: number }> {
    const { rows } = await this.db.read<{ total: string; newest: string }>(
      'SELECT count(*) AS total, max(seq) AS newest FROM ledger_entry WHERE batch_id = $1',
      [batchId],
    );
    return { total: Number(rows[0].total), newestSeq: Number(rows[0].newest) };
  }

  /** The envelopes (no salt, no payload) of up to `limit` of the batch's entries after `afterSeq` and at most `throughSeq`, oldest first. */
  async envelopesBetween(batchId: string, afterSeq: number, throughSeq: number, limit: number): Promise<LedgerEntry[]> {
    const { rows } = await this.db.read(`SELECT ${ENVELOPE_COLUMNS} FROM ledger_entry WHERE batch_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`, [
      batchId,
      afterSeq,
      throughSeq,
      limit,
    ]);
    return rows.map((row) => rowToLedgerEntry(row));
  }

  /**
   * Where the entries a batch page shows are (docs/ledger-format.md §7): the registrations of the lot, its
   * product, producer and origin; its open recall; for each key step `stepSeqs`, the registrations of the
   * organization that recorded it and of the facility it names; and the lineage edges up to the batches
   * those steps belong to, each with the registration of the batch it comes from.
   */
  async pageProofSources(batchId: string, stepSeqs: number[]): Promise<PageProofSources | null> {
    const { rows } = await this.db.read({ name: 'page-proof-sources', text: PAGE_PROOF_SOURCES_SQL, values: [batchId, stepSeqs] });
    const r = rows[0];
    if (!r?.lot) return null;
    const lot = r.lot as { batch: string; product: string; producer: string; origin: string };
    const steps = (r.steps ?? []) as {
      seq: string;
      batchId: string | null;
      organization: string | null;
      facility: string | null;
      declaration?: string | null;
    }[];
    const edges = (r.edges ?? []) as { from: string; to: string; seq: string }[];
    type CertificateRow = { seq: string; attestation: string | null; attester: string | null; recorder: string | null; backsClaim: boolean };
    const certificates = (r.certificates ?? []) as CertificateRow[];
    const seqOrNull = (v: string | number | null) => (v === null ? null : Number(v));
    return {
      lot: { batch: Number(lot.batch), product: Number(lot.product), producer: Number(lot.producer), origin: Number(lot.origin) },
      recall: seqOrNull(r.recall as string | null),
      steps: steps.map((st) => ({
        seq: Number(st.seq),
        batchId: st.batchId,
        organization: seqOrNull(st.organization),
        facility: seqOrNull(st.facility),
        declaration: seqOrNull(st.declaration ?? null),
      })),
      edges: edges.map((e) => ({ from: e.from, to: e.to, fromSeq: Number(e.seq) })),
      certificates: certificates.map((c) => ({
        seq: Number(c.seq),
        attestation: seqOrNull(c.attestation),
        attester: seqOrNull(c.attester),
        recorder: seqOrNull(c.recorder),
        backsClaim: c.backsClaim === true,
      })),
    };
  }

  async pageExtras(batchId: string): Promise<PageExtras> {
    const [{ rows: certificates }, { rows: readings }, { rows: product }] = await Promise.all([
      // The newest PAGE_CERTIFICATES, shown oldest first, each with who recorded it and who (if anyone) attested it.
      this.db.read<Omit<PublicCertificate, 'standing'> & { attesterKind: OrganizationKind | null; seq: string }>(
        `SELECT c.created_seq AS seq, c.kind, c.number, c.issuer, c.protected_name AS "protectedName",
                c.valid_from AS "validFrom", c.valid_until AS "validUntil",
                r.name AS "recordedBy", o.name AS "attestedBy", o.kind AS "attesterKind"
         FROM (SELECT c.* FROM certificate c JOIN batch b ON c.batch_id = b.id OR c.product_id = b.product_id WHERE b.id = $1
               ORDER BY c.created_seq DESC LIMIT ${PAGE_CERTIFICATES}) c
           JOIN organization r ON r.id = c.organization_id
           LEFT JOIN certificate_attestation a ON a.certificate_id = c.id LEFT JOIN organization o ON o.id = a.organization_id
         ORDER BY c.created_seq`,
        [batchId],
      ),
      // At most CHART_POINTS, each the most extreme reading of its stretch, so a spike still shows and a long record stays small.
      this.db.read<PageExtras['readings'][number]>(
        `SELECT at, celsius FROM (
           SELECT DISTINCT ON (stretch) at, celsius FROM (
             SELECT at, celsius, ntile(${CHART_POINTS}) OVER (ORDER BY at) AS stretch FROM temperature_reading WHERE batch_id = $1) r
           ORDER BY stretch, abs(celsius) DESC, at) kept
         ORDER BY at`,
        [batchId],
      ),
      this.db.read<{ min_temp_c: number | null; max_temp_c: number | null; excursions: PageExtras['excursions'] }>(
        'SELECT p.min_temp_c, p.max_temp_c, b.excursions FROM batch b JOIN product p ON p.id = b.product_id WHERE b.id = $1',
        [batchId],
      ),
    ]);
    return {
      certificates: certificates.map(({ attesterKind, seq, ...c }) => ({
        ...c,
        seq: Number(seq),
        standing: certificateStanding({ kind: c.kind, attesterKind }),
      })),
      readings,
      minTempC: product[0].min_temp_c,
      maxTempC: product[0].max_temp_c,
      excursions: product[0].excursions,
    };
  }
}

/**
 * The batch (by `where` over batch b, product p), its product, producer, origin, open recall and newest entry:
 * the public view's few columns, not a whole batch row (batch-row.ts), since every scan reads it.
 */
function scannedBatchSql(where: string): string {
  return `SELECT b.id, b.trace_code, b.lot_code, b.status, b.reading_count, b.excursion_count,
              p.name AS product_name, p.category, p.storage, p.gtin, p.geographic_indication,
              o.name AS producer, f.region AS origin, r.level AS recall_level, r.reason AS recall_reason, r.initiated_at AS recall_initiated_at,
              (SELECT l.hash FROM ledger_entry l WHERE l.batch_id = b.id ORDER BY l.seq DESC LIMIT 1) AS latest_entry_hash
       FROM batch b JOIN product p ON p.id = b.product_id JOIN organization o ON o.id = b.producer_id
            JOIN facility f ON f.id = b.origin_facility_id
            LEFT JOIN LATERAL (SELECT r.level, r.reason, r.initiated_at FROM recall r JOIN recall_batch rb ON rb.recall_id = r.id
                               WHERE rb.batch_id = b.id AND r.status = 'OPEN' ORDER BY r.initiated_at DESC LIMIT 1) r ON true
       WHERE ${where}`;
}

function toScannedBatch(r: Record<string, unknown>): ScannedBatch {
  return {
    id: r.id as string,
    traceCode: r.trace_code as string,
    lotCode: r.lot_code as string,
    status: r.status as BatchStatus,
    productName: r.product_name as string,
    category: r.category as ProductCategory,
    storage: r.storage as StorageCondition,
    gtin: (r.gtin as string | null) ?? null,
    geographicIndication: (r.geographic_indication as string | null) ?? null,
    producer: r.producer as string,
    origin: (r.origin as string | null) ?? null,
    readingCount: r.reading_count as number,
    excursionCount: r.excursion_count as number,
    latestEntryHash: r.latest_entry_hash as string,
    recall: r.recall_level ? { level: r.recall_level as string, reason: r.recall_reason as string, initiatedAt: r.recall_initiated_at as Date } : null,
  };
}

/**
 * CTEs `up` (the batch `root`, a query for its id, and every batch it was made from: one recursive
 * lineage walk) and `events` (their registrations, supply-chain events and inspections; the public
 * part only). For a statement that starts WITH RECURSIVE.
 */
function publicTimelineSql(root: string): string {
  return `up(id) AS (
         ${root}
         UNION
         SELECT e.from_batch_id FROM lineage_edge e JOIN up u ON e.to_batch_id = u.id),
       events AS (${publicEventsSql('JOIN up ON up.id = l.batch_id', 'true')})`;
}

/** An event's step as the story names it: a registration is the lot's commissioning, an inspection its inspecting. */
export const EVENT_STEP_SQL = `CASE l.type WHEN ${sqlEntryTypes('BATCH_REGISTERED')} THEN 'COMMISSIONING'
                            WHEN ${sqlEntryTypes('INSPECTION_RECORDED')} THEN 'INSPECTING'
                            ELSE l.payload::jsonb ->> 'bizStep' END`;
/** When it happened, by its payload (else when it was recorded): the story's order, then seq. */
export const EVENT_TIME_SQL = `COALESCE((l.payload::jsonb ->> 'eventTime')::timestamptz, (l.payload::jsonb ->> 'producedAt')::timestamptz, l.recorded_at)`;
/** The entries that are events of a lot's story. */
export const IS_EVENT_SQL = `l.type IN (${sqlEntryTypes(...LOT_EVENT_TYPES)}) AND l.payload IS NOT NULL`;

/** The public columns of the event entries `l` (joined by `join`) that `where` picks. */
function publicEventsSql(join: string, where: string): string {
  return `SELECT l.seq, l.batch_id, ${EVENT_STEP_SQL} AS biz_step, ${EVENT_TIME_SQL} AS event_time,
                f.region AS place,
                o.name AS organization,
                dec.reason AS declared_erroneous
         FROM ledger_entry l
           ${join}
           LEFT JOIN facility f ON f.id = (l.payload::jsonb ->> 'facilityId')::uuid
           LEFT JOIN organization o ON o.id::text = l.actor
           -- The declaration naming this entry, on its own chain (idx_ledger_entry_error_declaration: nearly always no row).
           LEFT JOIN LATERAL (
             SELECT COALESCE(d.payload::jsonb ->> 'reason', '') AS reason FROM ledger_entry d
             WHERE d.batch_id = l.batch_id AND d.type = ${sqlEntryTypes('EVENT_DECLARED_ERRONEOUS')} AND d.payload IS NOT NULL
               AND d.payload::jsonb -> 'erroneousSeqs' @> to_jsonb(l.seq)
             ORDER BY d.seq LIMIT 1) dec ON true
         WHERE ${IS_EVENT_SQL} AND ${where}`;
}

/** The `events` CTE as one JSON array, oldest first. */
const eventsJson = `json_agg(json_build_object('seq', seq, 'batch_id', batch_id, 'biz_step', biz_step, 'event_time', event_time, 'place', place,
                                               'organization', organization,
                                               'declared_erroneous', declared_erroneous)
                             ORDER BY event_time, seq)`;

/** An entry's columns without its salt and payload, which a proof does not carry (and which are most of its bytes). */
const ENVELOPE_COLUMNS = ledgerEntryColumns()
  .replace(/encode\(salt, 'hex'\) AS salt/, 'NULL AS salt')
  .replace(/\bpayload AS payload/, 'NULL AS payload');

/**
 * A lot's story as kept (lot-story.ts): the batch found by its trace code ($1), and for it and every batch
 * it was made from, the summary kept in batch_story (when kept at the sizes $2 names) with the event entries
 * after it, how many entries of any type came after it, and its newest seq; for the lot itself, the check of
 * its chain after the point through which it was checked (`batchIntactSql`). A summary never kept reads the
 * batch's whole story, once: the rows are kept from KEEP_BEHIND entries behind on.
 */
const LOT_STORY_SQL = `WITH RECURSIVE found AS (${scannedBatchSql('b.trace_code = $1')}),
       up(id) AS (
         SELECT id FROM found
         UNION
         SELECT e.from_batch_id FROM lineage_edge e JOIN up u ON e.to_batch_id = u.id),
       kept AS (
         SELECT up.id, s.verified_seq, s.verified_hash, s.verified_entries,
                CASE WHEN s.story -> 'sizes' = $2::jsonb THEN s.through_seq ELSE 0 END AS through_seq,
                CASE WHEN s.story -> 'sizes' = $2::jsonb THEN s.story END AS story
         FROM up LEFT JOIN batch_story s ON s.batch_id = up.id)
       SELECT found.*, root.verified_entries,
              (SELECT json_agg(json_build_object(
                 'batchId', k.id, 'story', k.story,
                 'behind', (SELECT count(*) FROM ledger_entry l WHERE l.batch_id = k.id AND l.seq > coalesce(k.through_seq, 0)),
                 'newestSeq', (SELECT max(l.seq) FROM ledger_entry l WHERE l.batch_id = k.id),
                 'tail', (SELECT json_agg(json_build_object(
                                   'seq', l.seq, 'step', ${EVENT_STEP_SQL}, 'at', (extract(epoch FROM ${EVENT_TIME_SQL}) * 1000000)::bigint,
                                   'verdict', CASE WHEN l.type = ${sqlEntryTypes('INSPECTION_RECORDED')} THEN l.payload::jsonb ->> 'verdict' END)
                                 ORDER BY l.seq)
                          FROM ledger_entry l WHERE l.batch_id = k.id AND l.seq > coalesce(k.through_seq, 0) AND ${IS_EVENT_SQL})))
               FROM kept k) AS stories,
              checked.entries AS checked_entries, checked.intact, checked.through_seq AS checked_through_seq, checked.through_hash AS checked_through_hash
       FROM found JOIN kept root ON root.id = found.id
         CROSS JOIN LATERAL (${batchIntactSql('found.id', { seq: 'root.verified_seq', hash: 'root.verified_hash' })}) checked`;

/** The public events of entries $1 (seqs), oldest first. */
const EVENTS_BY_SEQ_SQL = `WITH events AS (${publicEventsSql('', 'l.seq = ANY($1::bigint[])')})
       SELECT ${eventsJson} AS events FROM events`;

/**
 * The page's key steps (entries $1) and the lots it names: a bounded few direct inputs of lot $2, and the
 * lots of the key steps other than itself (at most as many as the steps).
 */
const PAGE_DETAILS_SQL = `WITH events AS (${publicEventsSql('', 'l.seq = ANY($1::bigint[])')}),
       direct AS (SELECT e.from_batch_id AS id FROM lineage_edge e WHERE e.to_batch_id = $2::uuid),
       sources AS (
         SELECT s.id, s.lot_code, s.trace_code, s.created_seq, p.name AS product_name, s.id IN (SELECT id FROM direct) AS direct
         FROM batch s JOIN product p ON p.id = s.product_id
         WHERE s.id IN (SELECT id FROM direct ORDER BY id LIMIT ${SOURCE_LOTS_SHOWN})
            OR (s.id IN (SELECT batch_id FROM events) AND s.id <> $2::uuid))
       SELECT (SELECT ${eventsJson} FROM events) AS key_steps,
              (SELECT json_agg(json_build_object('batchId', id, 'productName', product_name, 'lotCode', lot_code, 'traceCode', trace_code, 'direct', direct)
                               ORDER BY created_seq) FROM sources) AS sources,
              (SELECT count(*) FROM direct) AS direct_source_count`;

/**
 * Keeps summaries read further than the ones kept: a row moves only forward (a reader that read an older
 * snapshot, or another process that kept a newer one first, changes nothing), its story and its checked
 * point each on its own.
 */
const KEEP_STORIES_SQL = `INSERT INTO batch_story (batch_id, through_seq, story, verified_seq, verified_hash, verified_entries)
       SELECT batch_id, through_seq, story, verified_seq, verified_hash, verified_entries
       FROM json_to_recordset($1::json)
         AS k(batch_id uuid, through_seq bigint, story jsonb, verified_seq bigint, verified_hash character(64), verified_entries integer)
       ON CONFLICT (batch_id) DO UPDATE SET
         through_seq = CASE WHEN EXCLUDED.through_seq >= batch_story.through_seq THEN EXCLUDED.through_seq ELSE batch_story.through_seq END,
         story = CASE WHEN EXCLUDED.through_seq >= batch_story.through_seq THEN EXCLUDED.story ELSE batch_story.story END,
         verified_seq = CASE WHEN EXCLUDED.verified_seq > coalesce(batch_story.verified_seq, 0) THEN EXCLUDED.verified_seq ELSE batch_story.verified_seq END,
         verified_hash = CASE WHEN EXCLUDED.verified_seq > coalesce(batch_story.verified_seq, 0) THEN EXCLUDED.verified_hash ELSE batch_story.verified_hash END,
         verified_entries = CASE WHEN EXCLUDED.verified_seq > coalesce(batch_story.verified_seq, 0) THEN EXCLUDED.verified_entries
                                 ELSE batch_story.verified_entries END`;

// An actor is an organization's id or a name such as "admin": only a UUID is looked up (and by the index).
const PAGE_PROOF_SOURCES_SQL = `WITH RECURSIVE up(id) AS (
         SELECT $1::uuid
         UNION
         SELECT e.from_batch_id FROM lineage_edge e JOIN up u ON e.to_batch_id = u.id),
       steps AS (
         SELECT l.seq, l.batch_id, l.actor, l.payload::jsonb ->> 'facilityId' AS facility_id,
                (SELECT d.seq FROM ledger_entry d
                 WHERE d.batch_id = l.batch_id AND d.type = ${sqlEntryTypes('EVENT_DECLARED_ERRONEOUS')} AND d.payload IS NOT NULL
                   AND d.payload::jsonb -> 'erroneousSeqs' @> to_jsonb(l.seq) ORDER BY d.seq LIMIT 1) AS declaration
         FROM ledger_entry l WHERE l.seq = ANY($2::bigint[]) AND l.payload IS NOT NULL)
       SELECT (SELECT json_build_object('batch', b.created_seq, 'product', p.created_seq, 'producer', o.created_seq, 'origin', f.created_seq)
               FROM batch b JOIN product p ON p.id = b.product_id JOIN organization o ON o.id = b.producer_id
                    JOIN facility f ON f.id = b.origin_facility_id
               WHERE b.id = $1) AS lot,
              (SELECT (SELECT l.seq FROM ledger_entry l WHERE l.batch_id = $1 AND l.type = ${sqlEntryTypes('RECALLING')}
                                                        AND l.payload::jsonb ->> 'recallId' = r.id::text ORDER BY l.seq DESC LIMIT 1)
               FROM recall r JOIN recall_batch rb ON rb.recall_id = r.id
               WHERE rb.batch_id = $1 AND r.status = 'OPEN' ORDER BY r.initiated_at DESC LIMIT 1) AS recall,
              (SELECT json_agg(json_build_object('seq', s.seq, 'batchId', s.batch_id, 'organization', o.created_seq, 'facility', f.created_seq,
                                                 'declaration', s.declaration) ORDER BY s.seq)
               FROM steps s
                 LEFT JOIN organization o ON o.id = CASE WHEN s.actor ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN s.actor::uuid END
                 LEFT JOIN facility f ON f.id = (s.facility_id)::uuid) AS steps,
              (SELECT json_agg(json_build_object('from', e.from_batch_id, 'to', e.to_batch_id, 'seq', b.created_seq))
               FROM lineage_edge e JOIN up ON e.to_batch_id = up.id JOIN batch b ON b.id = e.from_batch_id) AS edges,
              -- The certificates the page shows (pageExtras), oldest first.
              (SELECT json_agg(json_build_object('seq', c.created_seq, 'attestation', a.created_seq, 'attester', ao.created_seq, 'recorder', ro.created_seq,
                                                 'backsClaim', c.kind = 'GEOGRAPHIC_INDICATION' AND c.protected_name = p.geographic_indication)
                               ORDER BY c.created_seq)
               FROM (SELECT c.* FROM certificate c JOIN batch b ON c.batch_id = b.id OR c.product_id = b.product_id WHERE b.id = $1
                     ORDER BY c.created_seq DESC LIMIT ${PAGE_CERTIFICATES}) c
                 JOIN batch b ON b.id = $1 JOIN product p ON p.id = b.product_id
                 JOIN organization ro ON ro.id = c.organization_id
                 LEFT JOIN certificate_attestation a ON a.certificate_id = c.id LEFT JOIN organization ao ON ao.id = a.organization_id) AS certificates`;

const EVENTS_PAGE_SQL = `WITH RECURSIVE ${publicTimelineSql('SELECT $1::uuid')}
       SELECT (SELECT count(*) FROM events) AS total,
              (SELECT ${eventsJson} FROM (SELECT * FROM events ORDER BY event_time, seq OFFSET $2 LIMIT $3) page) AS events`;

const TIMELINE_PAGE_SQL = `WITH RECURSIVE ${publicTimelineSql('SELECT $1::uuid')},
       after_event AS (SELECT event_time, seq FROM events WHERE seq = $2::bigint)
       SELECT ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM after_event)) AS cursor_known,
              (SELECT ${eventsJson} FROM (
                 SELECT * FROM events WHERE $2::bigint IS NULL OR (event_time, seq) > (SELECT event_time, seq FROM after_event)
                 ORDER BY event_time, seq LIMIT $3) page) AS events`;

type TimelineRow = {
  seq: number | string;
  batch_id?: string;
  biz_step: string;
  event_time: string;
  place: string | null;
  organization: string | null;
  declared_erroneous?: string | null;
};

function toPublicEvents(rows: TimelineRow[] | null): PublicEvent[] {
  return (rows ?? []).map((r) => ({
    seq: Number(r.seq),
    ...(r.batch_id ? { batchId: r.batch_id } : {}),
    bizStep: r.biz_step,
    eventTime: new Date(r.event_time),
    place: r.place,
    organization: r.organization,
    declaredErroneous: r.declared_erroneous ?? null,
  }));
}
