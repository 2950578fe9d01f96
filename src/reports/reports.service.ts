import { Injectable } from '@nestjs/common';
import type { Caller } from '../auth/caller.js';
import { type BatchParties, mayReadBatch } from '../batches/batch-access.js';
import { BatchesService } from '../batches/batches.service.js';
import { DomainError } from '../common/domain-error.js';
import { InspectionsRepository } from '../inspections/inspections.repository.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { RecallsRepository } from '../recalls/recalls.repository.js';
import { TraceService } from '../trace/trace.service.js';
import type { MockRecallReport } from './mock-recall-model.js';
import { mockRecallReport } from './mock-recall-report.js';
import { mockRecallHtml } from './mock-recall-html.js';
import { mockRecallPdf } from './mock-recall-pdf.js';
import { ReportsRepository } from './reports.repository.js';

/** A report file as requested: the lot's batch id (lower case) and the format. */
export interface ReportFile {
  batchId: string;
  format: 'html' | 'pdf';
}

const ADMIN_NAME = '系统管理员 Administrator';

/**
 * Regulators and the admin run a mock recall on any lot; a site on a lot it produced or holds, or that is
 * in transit to it (it reads that lot as its custodian does: batches/batch-access.ts).
 * Labs read every batch for their inspections, but a mock recall is not theirs to run.
 */
export function requireMockRecallAccess(caller: Exclude<Caller, { kind: 'anonymous' }>, batch: BatchParties): void {
  if (caller.kind === 'admin') return;
  if (caller.organizationKind === 'REGULATOR' || (caller.organizationKind !== 'LAB' && mayReadBatch(caller, batch))) return;
  throw new DomainError(
    'ROLE_NOT_ALLOWED',
    "the mock recall report is for regulators, the admin, and the lot's producer or current custodian (or the organization it is in transit to)",
  );
}

const unique = (ids: string[]) => [...new Set(ids)];

@Injectable()
export class ReportsService {
  constructor(
    private readonly batchesService: BatchesService,
    private readonly traces: TraceService,
    private readonly reports: ReportsRepository,
    private readonly inspections: InspectionsRepository,
    private readonly recalls: RecallsRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  /** The mock recall report as a printable page or a PDF, and how long the report took. */
  async mockRecallDocument(caller: Caller, file: ReportFile, maxDepth?: number): Promise<{ elapsedMs: number; document: string | Buffer }> {
    const report = await this.mockRecall(caller, file.batchId, maxDepth);
    return { elapsedMs: report.elapsedMs, document: file.format === 'pdf' ? await mockRecallPdf(report) : mockRecallHtml(report) };
  }

  /** The mock recall of one lot: its trace both ways with everything a regulator checks, and how long it took to produce. */
  async mockRecall(caller: Caller, batchId: string, maxDepth?: number): Promise<MockRecallReport> {
    const started = performance.now();
    if (caller.kind === 'anonymous') throw new DomainError('AUTHENTICATION_REQUIRED', 'the mock recall report needs an API key (Authorization: Bearer <key>)');
    // As batch(id) reads it (unknown: 404; neither produced nor held by the caller: 403), then who of those may run this.
    const root = await this.batchesService.get(caller, batchId);
    if (!root) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${batchId}`);
    requireMockRecallAccess(caller, root);

    const [upstream, downstream] = await Promise.all([
      this.traces.trace(caller, batchId, 'UPSTREAM', maxDepth),
      this.traces.trace(caller, batchId, 'DOWNSTREAM', maxDepth),
    ]);
    const traceIds = unique([...upstream.nodes, ...downstream.nodes].map((n) => n.batch.id));
    // Each balance holds every line of its transformation, co-products and other ingredients included.
    const balances = new Map([...upstream.transformations, ...downstream.transformations].map((b) => [b.transformationId, b]));
    const transformations = await this.reports.transformations([...balances.keys()]);
    const lineBatchIds = unique(transformations.flatMap((t) => t.batchIds));
    const [batches, allInspections, recalls, temperatures] = await Promise.all([
      this.reports.describeBatches(unique([...traceIds, ...lineBatchIds])),
      this.inspections.findByBatches(traceIds),
      this.recalls.openRecallsReaching(traceIds),
      // Readings are public (the consumer page charts them), so no batch's are withheld.
      this.reports.temperatures(traceIds),
    ]);
    // The same rule as every other path to a batch: what the caller may not read of a batch stays out.
    const withheldBatchIds = new Set(
      [...batches.values()]
        .filter((b) => !mayReadBatch(caller, { producerId: b.producerId, custodianId: b.holderId, inTransitToId: b.inTransitToId }))
        .map((b) => b.id),
    );
    const inspections = allInspections.filter((i) => !withheldBatchIds.has(i.batchId));
    const names = await this.organizationNames([
      ...inspections.map((i) => i.organizationId),
      ...recalls.map((r) => r.initiatedById),
      ...(caller.kind === 'organization' ? [caller.organizationId] : []),
    ]);

    return mockRecallReport({
      rootId: root.id,
      upstream,
      downstream,
      batches,
      transformations,
      balances: [...balances.values()],
      inspections: inspections.map((i) => ({ ...i, inspector: names.get(i.organizationId) ?? i.organizationId })),
      recalls: recalls.map((r) => ({ ...r, initiatedBy: names.get(r.initiatedById) ?? r.initiatedById })),
      withheldBatchIds,
      temperatures,
      generatedAt: new Date(),
      generatedBy: caller.kind === 'organization' ? (names.get(caller.organizationId) ?? caller.organizationId) : ADMIN_NAME,
      elapsedMs: performance.now() - started,
    });
  }

  private async organizationNames(ids: string[]): Promise<Map<string, string>> {
    const found = await Promise.all(unique(ids).map((id) => this.organizations.findById(id)));
    return new Map(found.filter((o) => o !== null).map((o) => [o.id, o.name]));
  }
}
