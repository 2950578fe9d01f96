import { Module } from '@nestjs/common';
import { GraphqlOperationNamePlugin } from './graphql-operation.plugin.js';

/**
 * Request ids and request lines are set up in configureHttp (before the body parser, so refused
 * requests get them too); this module adds what needs Nest: the GraphQL operation name.
 */
@Module({ providers: [GraphqlOperationNamePlugin] })
export class LoggingModule {}
