import { Module } from '@nestjs/common';
import { GraphqlIdeController } from './graphql-ide.controller.js';

/** GraphiQL served from node_modules (see graphqlIdePlugin for its page on /graphql). */
@Module({ controllers: [GraphqlIdeController] })
export class GraphqlIdeModule {}
