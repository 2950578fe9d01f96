import { ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module.js';
import { ClusterModule } from './cluster/cluster.module.js';
import { LimitsModule } from './limits/limits.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { BatchesModule } from './batches/batches.module.js';
import { ConfigModule } from './config/config.module.js';
import type { RunningConfig } from './config/config.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { DatabaseModule } from './database/database.js';
import { EventsModule } from './events/events.module.js';
import { FacilitiesModule } from './facilities/facilities.module.js';
import { GraphqlErrorFilter } from './graphql/error-mapping.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import { GraphqlWebsocket } from './graphql/graphql-websocket.js';
import { JsonScalar, SafeIntScalar } from './graphql/scalars.js';
import { DateTimeScalar } from './graphql/date-time.scalar.js';
import { LedgerModule } from './ledger/ledger.module.js';
import { OrganizationsModule } from './organizations/organizations.module.js';
import { ProductsModule } from './products/products.module.js';
import { TransformationsModule } from './transformations/transformations.module.js';
import { ColdChainModule } from './cold-chain/cold-chain.module.js';
import { InspectionsModule } from './inspections/inspections.module.js';
import { CertificatesModule } from './certificates/certificates.module.js';
import { ScanModule } from './scan/scan.module.js';
import { DigitalLinkModule } from './digital-link/digital-link.module.js';
import { RecallsModule } from './recalls/recalls.module.js';
import { TraceModule } from './trace/trace.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { EpcisModule } from './epcis/epcis.module.js';
import { EventQueryModule } from './epcis-query/event-query.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { HealthModule } from './health/health.module.js';
import { AuditModule } from './audit/audit.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { WitnessesModule } from './witnesses/witnesses.module.js';
import { GraphqlIdeModule } from './graphql-ide/graphql-ide.module.js';
import { ListsModule } from './lists/lists.module.js';
import { UnitsModule } from './units/units.module.js';
import { PackagesModule } from './packages/packages.module.js';
import { ConsoleModule } from './console/console.module.js';

@Module({})
export class AppModule {
  /** The whole service for a configuration whose database is known (configured or embedded). */
  static forRoot(config: RunningConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, config.databasePoolSize)),
        DatabaseModule,
        ClusterModule,
        GraphQLModule.forRoot<ApolloDriverConfig>(graphqlOptions(config)),
        LimitsModule,
        AuthModule,
        ApiKeysModule,
        LedgerModule,
        OrganizationsModule,
        FacilitiesModule,
        ProductsModule,
        BatchesModule,
        EventsModule,
        TransformationsModule,
        ColdChainModule,
        InspectionsModule,
        CertificatesModule,
        ScanModule,
        DigitalLinkModule,
        RecallsModule,
        TraceModule,
        ExportsModule,
        EpcisModule,
        EventQueryModule,
        WebhooksModule,
        ReportsModule,
        HealthModule,
        AuditModule,
        LoggingModule,
        WitnessesModule,
        ListsModule,
        UnitsModule,
        PackagesModule,
        ConsoleModule,
        // The IDE's files exist only where the IDE does: with introspection on.
        ...(config.graphqlIntrospection ? [GraphqlIdeModule] : []),
      ],
      providers: [
        SafeIntScalar,
        DateTimeScalar,
        JsonScalar,
        GraphqlWebsocket,
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ transform: true, whitelist: true, forbidUnknownValues: false, validationError: { target: false, value: false } }),
        },
        { provide: APP_FILTER, useClass: GraphqlErrorFilter },
      ],
    };
  }
}
