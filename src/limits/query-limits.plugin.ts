import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { AuthService } from '../auth/auth.service.js';
import { ANONYMOUS, type Caller } from '../auth/caller.js';
import { queryBudget, queryLimitError } from './query-limits.js';

type RequestWithCaller = { headers: Record<string, string | undefined>; caller?: Caller };

/**
 * Refuses a GraphQL request over HTTP that is too deep or costs more than its caller's budget, after
 * parsing and validation and before anything runs. The budget depends on who asks, so the caller is
 * proved here (and kept on the request for AuthGuard); a header that proves nothing gets the
 * anonymous budget here and its UNAUTHENTICATED error from AuthGuard.
 */
@Plugin()
export class QueryLimitsPlugin implements ApolloServerPlugin<{ req: RequestWithCaller }> {
  constructor(private readonly auth: AuthService) {}

  async requestDidStart(): Promise<GraphQLRequestListener<{ req: RequestWithCaller }>> {
    return {
      didResolveOperation: async ({ contextValue, document, request, schema }) => {
        const req = contextValue.req;
        req.caller ??= await this.auth.authenticate(req.headers.authorization).catch(() => undefined);
        const error = queryLimitError(schema, document, request.operationName, request.variables, queryBudget(req.caller ?? ANONYMOUS));
        if (error) {
          error.extensions.http = { status: 400 };
          throw error;
        }
      },
    };
  }
}
