import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { withholdPrivateBatchFields } from '../batches/batch-field-policy.js';
import type { RunningConfig } from '../config/config.js';
import { queryLimitRules } from '../limits/query-limits.js';
import { formatGraphqlError } from './error-mapping.js';
import { noStorePlugin } from './no-store.plugin.js';

/** The Apollo server behind /graphql and graphql-ws: code-first schema, limits, and what production hides. */
export function graphqlOptions(config: Pick<RunningConfig, 'graphqlIntrospection'>): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    autoSchemaFile: true,
    sortSchema: true,
    path: '/graphql',
    context: graphqlContext,
    subscriptions: { 'graphql-ws': true },
    includeStacktraceInErrorResponses: false,
    formatError: formatGraphqlError,
    // Production hides the schema and the GraphiQL page unless GRAPHQL_INTROSPECTION says otherwise.
    introspection: config.graphqlIntrospection,
    graphiql: config.graphqlIntrospection,
    // Refuses simple (CSRF-able) requests: a GET or a form POST must carry a preflight-forcing header.
    csrfPrevention: true,
    // main.ts owns SIGINT/SIGTERM: it drains the ledger writer before the process exits.
    stopOnTerminationSignals: false,
    validationRules: queryLimitRules(),
    // A batch's private fields are withheld from callers that may not read it, whatever path reached it.
    transformSchema: withholdPrivateBatchFields,
    // No cache hints in this schema: the header alone, without a hook on every field resolved.
    plugins: [ApolloServerPluginCacheControlDisabled(), noStorePlugin],
  };
}

/** Over HTTP the request carries the key; over graphql-ws the connection's params do. */
function graphqlContext(ctx: { req?: unknown; connectionParams?: { authorization?: unknown } }): { req: unknown } {
  if (ctx.req) return { req: ctx.req };
  const authorization = ctx.connectionParams?.authorization;
  return { req: { headers: { authorization: typeof authorization === 'string' ? authorization : undefined } } };
}
