import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { currentRequestContext } from './request-context.js';

/** Tells the request's log line which GraphQL operation it served. */
@Plugin()
export class GraphqlOperationNamePlugin implements ApolloServerPlugin {
  async requestDidStart(): Promise<GraphQLRequestListener<BaseContext>> {
    return {
      didResolveOperation: async ({ operationName }) => {
        const context = currentRequestContext();
        if (context && operationName) context.operationName = operationName;
      },
    };
  }
}
