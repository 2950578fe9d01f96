import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { AuthService } from '../auth/auth.service.js';
import type { Caller } from '../auth/caller.js';
import { httpStatus, toGraphqlError } from '../graphql/error-mapping.js';
import { queryBudget, queryLimitError } from './query-limits.js';

type RequestWithCaller = { headers: Record<string, string | undefined>; caller?: Caller };

/**
 * Refuses a GraphQL request over HTTP that is too deep or costs more than its caller's budget, after
 * parsing and validation and before anything runs. The budget depends on who asks, so the caller is
 * proved here (and kept on the request for AuthGuard); a header that proves nothing is refused here,
 * as AuthGuard would, not measured against the anonymous budget.
 */
@Plugin()
export class QueryLimitsPlugin implements ApolloServerPlugin<{ req: RequestWithCaller }> {
  private readonly logger = new Logger('Errors');

  constructor(private readonly auth: AuthService) {}

  async requestDidStart(): Promise<GraphQLRequestListener<{ req: RequestWithCaller }>> {
    return {
      didResolveOperation: async ({ contextValue, document, operation, request, schema }) => {
        const req = contextValue.req;
        try {
          req.caller ??= await this.auth.authenticate(req.headers.authorization);
        } catch (err) {
          const refused = toGraphqlError(err, this.logger);
          refused.extensions.http = { status: httpStatus(refused.extensions.code as string) };
          throw refused;
        }
        // Run over HTTP, a subscription would fail inside Apollo as an internal error: say where it goes instead.
        if (operation?.operation === 'subscription') throw subscriptionOverHttp();
        const error = queryLimitError(schema, document, request.operationName, request.variables, queryBudget(req.caller));
        if (error) {
          error.extensions.http = { status: 400 };
          throw error;
        }
      },
    };
  }
}

/** The websocket's SUBSCRIPTIONS_ONLY, the other way round. */
function subscriptionOverHttp(): GraphQLError {
  return new GraphQLError(
    'subscriptions go over the websocket: graphql-ws on /graphql, with { authorization: "Bearer <key>" } as the connection params; ' +
      'HTTP takes queries and mutations',
    { extensions: { code: 'BAD_REQUEST', reason: 'SUBSCRIPTIONS_OVER_WEBSOCKET', http: { status: 400 } } },
  );
}
