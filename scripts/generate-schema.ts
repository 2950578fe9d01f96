import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { writeFileSync } from 'node:fs';
import { BatchesResolver } from '../src/batches/batches.resolver.js';
import { EventsResolver } from '../src/events/events.resolver.js';
import { FacilitiesResolver } from '../src/facilities/facilities.resolver.js';
import { JsonScalar, SafeIntScalar } from '../src/graphql/scalars.js';
import { printSortedSchema } from '../src/graphql/schema-printer.js';
import { LedgerResolver } from '../src/ledger/ledger.resolver.js';
import { OrganizationsResolver } from '../src/organizations/organizations.resolver.js';
import { ProductsResolver } from '../src/products/products.resolver.js';
import { TransformationsResolver } from '../src/transformations/transformations.resolver.js';
import { ColdChainResolver } from '../src/cold-chain/cold-chain.resolver.js';
import { InspectionListResolver, InspectionsResolver } from '../src/inspections/inspections.resolver.js';
import { BatchCertificatesResolver, ProductCertificatesResolver } from '../src/certificates/certificates.resolver.js';
import { ScanResolver, ScanTimelineResolver } from '../src/scan/scan.resolver.js';
import { ScanClaimsResolver } from '../src/scan/scan-claims.resolver.js';
import { RecallsResolver } from '../src/recalls/recalls.resolver.js';
import { TraceResolver } from '../src/trace/trace.resolver.js';
import { WebhooksResolver } from '../src/webhooks/webhooks.resolver.js';
import { ApiKeysResolver, OrganizationApiKeysResolver } from '../src/api-keys/api-keys.resolver.js';
import { AuditRunsResolver } from '../src/audit/audit-runs.resolver.js';
import { WitnessesResolver } from '../src/witnesses/witnesses.resolver.js';
import { ProjectionAuditResolver } from '../src/audit/projection-audit.resolver.js';
import { ErrorDeclarationResolver } from '../src/epcis/error-declaration.resolver.js';
import { ListsResolver, ViewerResolver } from '../src/lists/lists.resolver.js';
import { BatchCommissioningsResolver, UnitFieldsResolver, UnitsResolver } from '../src/units/units.resolver.js';
import { UnitEventsResolver } from '../src/units/unit-events.resolver.js';
import { PackagesResolver } from '../src/packages/packages.resolver.js';
import { PackageFieldsResolver, ViewerPackagesResolver } from '../src/packages/package-lists.resolver.js';

/**
 * Writes schema.gql from the resolvers without a database. test/e2e/schema.e2e-spec.ts compares the
 * running service's schema with the file, so a resolver missing here, or a stale file, fails the tests.
 */
const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
await app.init();
const schema = await app
  .get(GraphQLSchemaFactory)
  .create(
    [
      LedgerResolver,
      ProjectionAuditResolver,
      OrganizationsResolver,
      FacilitiesResolver,
      ProductsResolver,
      BatchesResolver,
      EventsResolver,
      TransformationsResolver,
      ColdChainResolver,
      InspectionsResolver,
      InspectionListResolver,
      ProductCertificatesResolver,
      BatchCertificatesResolver,
      ScanResolver,
      ScanTimelineResolver,
      ScanClaimsResolver,
      RecallsResolver,
      TraceResolver,
      WebhooksResolver,
      ApiKeysResolver,
      OrganizationApiKeysResolver,
      AuditRunsResolver,
      WitnessesResolver,
      ErrorDeclarationResolver,
      ListsResolver,
      ViewerResolver,
      UnitsResolver,
      UnitEventsResolver,
      UnitFieldsResolver,
      PackagesResolver,
      ViewerPackagesResolver,
      PackageFieldsResolver,
      BatchCommissioningsResolver,
    ],
    [SafeIntScalar, JsonScalar],
  );
writeFileSync('schema.gql', printSortedSchema(schema));
await app.close();
console.log('schema.gql written');
