import { DataSourceOptions } from 'typeorm';
import { ApiKeyEntity } from '../auth/api-key.entity.js';
import { BatchEntity } from '../batches/batch.entity.js';
import { FacilityEntity } from '../facilities/facility.entity.js';
import { LedgerEntryEntity, LedgerHeadEntity } from '../ledger/ledger-entry.entity.js';
import { CheckpointEntity, MerkleNodeEntity } from '../ledger/merkle-node.entity.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';
import { ProductEntity } from '../products/product.entity.js';
import { LedgerCore1764316800000 } from '../../migrations/1764316800000-ledger-core.js';
import { MerkleTreeAndCheckpoints1764403200000 } from '../../migrations/1764403200000-merkle-tree-and-checkpoints.js';
import { BatchCustody1764489600000 } from '../../migrations/1764489600000-batch-custody.js';
import { TransformationsAndLineage1764576000000 } from '../../migrations/1764576000000-transformations-and-lineage.js';
import { ColdChain1764662400000 } from '../../migrations/1764662400000-cold-chain.js';
import { InspectionsAndHolds1764748800000 } from '../../migrations/1764748800000-inspections-and-holds.js';
import { Certificates1764835200000 } from '../../migrations/1764835200000-certificates.js';
import { ScanCounts1764921600000 } from '../../migrations/1764921600000-scan-counts.js';
import { Recalls1765008000000 } from '../../migrations/1765008000000-recalls.js';
import { RecallRecovery1765094400000 } from '../../migrations/1765094400000-recall-recovery.js';
import { Webhooks1765180800000 } from '../../migrations/1765180800000-webhooks.js';
import { FacilityGln1765267200000 } from '../../migrations/1765267200000-facility-gln.js';
import { ApiKeyLastUse1765360000000 } from '../../migrations/1765360000000-api-key-last-use.js';
import { ServiceRole1765446400000 } from '../../migrations/1765446400000-service-role.js';
import { BenchBaselineRow1765532800000 } from '../../migrations/1765532800000-bench-baseline-row.js';
import { TransformationLines1765705600000 } from '../../migrations/1765705600000-transformation-lines.js';
import { LedgerAppendedNotice1765619200000 } from '../../migrations/1765619200000-ledger-appended-notice.js';
import { DropBenchBaselineRow1765792000000 } from '../../migrations/1765792000000-drop-bench-baseline-row.js';
import { WebhookDeliveryCreated1765964800000 } from '../../migrations/1765964800000-webhook-delivery-created.js';
import { CertifiersAndAttestations1766137600000 } from '../../migrations/1766137600000-certifiers-and-attestations.js';
import { LedgerFormatV21766224000000 } from '../../migrations/1766224000000-ledger-format-v2.js';
import { CheckpointCosignatures1766310400000 } from '../../migrations/1766310400000-checkpoint-cosignatures.js';
import { EpcisCapturedEvents1766400000001 } from '../../migrations/1766400000001-epcis-captured-events.js';
import { EpcisCapturedOriginals1766400000101 } from '../../migrations/1766400000101-epcis-captured-originals.js';
import { EpcisCaptureJobs1766400000201 } from '../../migrations/1766400000201-epcis-capture-jobs.js';
import { ErrorDeclarationIndex1766400000301 } from '../../migrations/1766400000301-error-declaration-index.js';
import { EpcisQueryIndexes1766400000401 } from '../../migrations/1766400000401-epcis-query-indexes.js';
import { ListIndexes1766500000101 } from '../../migrations/1766500000101-list-indexes.js';
import { ListFilterIndexes1766600000101 } from '../../migrations/1766600000101-list-filter-indexes.js';
import { SerializedUnits1766700000101 } from '../../migrations/1766700000101-serialized-units.js';
import { BatchStory1766800000101 } from '../../migrations/1766800000101-batch-story.js';
import { Packages1766900000101 } from '../../migrations/1766900000101-packages.js';
import { UnitSerialsAndEvents1767000000101 } from '../../migrations/1767000000101-unit-serials-and-events.js';
import { InspectionLists1767600000101 } from '../../migrations/1767600000101-inspection-lists.js';
import { LedgerAuditRuns1767900000101 } from '../../migrations/1767900000101-ledger-audit-runs.js';
import { PackageLists1767700000101 } from '../../migrations/1767700000101-package-lists.js';
import { WebhookDeliveryEntity, WebhookEntity } from '../webhooks/webhook.entity.js';
import { RecallBatchEntity, RecallEntity, RecallRecoveryEntity } from '../recalls/recall.entity.js';
import { ScanCountEntity } from '../scan/scan-count.entity.js';
import { CertificateAttestationEntity, CertificateEntity } from '../certificates/certificate.entity.js';
import { InspectionEntity } from '../inspections/inspection.entity.js';
import { TemperatureReadingEntity } from '../cold-chain/temperature-reading.entity.js';
import { LineageEdgeEntity, TransformationEntity, TransformationLineEntity } from '../transformations/transformation.entity.js';
import { DatabaseLogger } from '../logging/database-logger.js';
import { ListeningClient } from './listening-client.js';
import { SnakeNamingStrategy } from './naming-strategy.js';

export const ENTITIES = [
  LedgerEntryEntity,
  LedgerHeadEntity,
  OrganizationEntity,
  ApiKeyEntity,
  FacilityEntity,
  ProductEntity,
  BatchEntity,
  MerkleNodeEntity,
  CheckpointEntity,
  TransformationEntity,
  LineageEdgeEntity,
  TemperatureReadingEntity,
  InspectionEntity,
  CertificateEntity,
  CertificateAttestationEntity,
  ScanCountEntity,
  RecallEntity,
  RecallBatchEntity,
  RecallRecoveryEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
  TransformationLineEntity,
];
export const MIGRATIONS = [
  LedgerCore1764316800000,
  MerkleTreeAndCheckpoints1764403200000,
  BatchCustody1764489600000,
  TransformationsAndLineage1764576000000,
  ColdChain1764662400000,
  InspectionsAndHolds1764748800000,
  Certificates1764835200000,
  ScanCounts1764921600000,
  Recalls1765008000000,
  RecallRecovery1765094400000,
  Webhooks1765180800000,
  FacilityGln1765267200000,
  ApiKeyLastUse1765360000000,
  ServiceRole1765446400000,
  BenchBaselineRow1765532800000,
  LedgerAppendedNotice1765619200000,
  TransformationLines1765705600000,
  DropBenchBaselineRow1765792000000,
  WebhookDeliveryCreated1765964800000,
  CertifiersAndAttestations1766137600000,
  LedgerFormatV21766224000000,
  CheckpointCosignatures1766310400000,
  EpcisCapturedEvents1766400000001,
  EpcisCapturedOriginals1766400000101,
  EpcisCaptureJobs1766400000201,
  ErrorDeclarationIndex1766400000301,
  EpcisQueryIndexes1766400000401,
  ListIndexes1766500000101,
  ListFilterIndexes1766600000101,
  SerializedUnits1766700000101,
  BatchStory1766800000101,
  Packages1766900000101,
  UnitSerialsAndEvents1767000000101,
  InspectionLists1767600000101,
  LedgerAuditRuns1767900000101,
  PackageLists1767700000101,
];

/** The one description of the database, shared by the app, the migration runner, tests and benchmarks. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    logging: ['error'],
    // Failures as the service's own log lines (JSON, with the request id), not TypeORM's console text.
    logger: new DatabaseLogger(),
    // Statement timeout keeps a stuck query from holding the chain head forever.
    // ListeningClient: a connection lost while checked out must fail its query, not end the process.
    // JIT off: compiling costs this service's short statements more than it saves (docs/benchmarks.md),
    // and its long ones spend their time in sha256, not in expressions.
    extra: { max: poolSize, statement_timeout: 30_000, connectionTimeoutMillis: 10_000, Client: ListeningClient, options: '-c jit=off' },
  };
}
