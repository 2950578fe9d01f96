import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { withholdPrivateBatchFields } from '../batches/batch-field-policy.js';
import type { RunningConfig } from '../config/config.js';
import { MAX_QUERY_TOKENS } from '../limits/query-limits.js';
import { graphqlIdePlugin } from '../graphql-ide/graphql-ide.plugin.js';
import { graphqlErrorFormatter } from './error-mapping.js';
import { noStorePlugin } from './no-store.plugin.js';

/**
 * The Apollo server behind /graphql: code-first schema, limits, and what production hides. The
 * websocket on the same path is GraphqlWebsocket's (graphql-websocket.ts), not Nest's, so it gets
 * the same limits and its own caps.
 */
export function graphqlOptions(config: Pick<RunningConfig, 'graphqlIntrospection'>): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    autoSchemaFile: true,
    sortSchema: true,
    path: '/graphql',
    includeStacktraceInErrorResponses: false,
    formatError: graphqlErrorFormatter({ hideSchema: !config.graphqlIntrospection }),
    // Production hides the schema and the IDE unless GRAPHQL_INTROSPECTION says otherwise.
    introspection: config.graphqlIntrospection,
    // Nest's GraphiQL page loads React and GraphiQL from unpkg.com (stuck on "Loading…" offline): this
    // service serves its own from node_modules instead (src/graphql-ide), where introspection is on.
    graphiql: false,
    // Refuses simple (CSRF-able) requests: a GET or a form POST must carry a preflight-forcing header.
    csrfPrevention: true,
    // main.ts owns SIGINT/SIGTERM: it drains the ledger writer before the process exits.
    stopOnTerminationSignals: false,
    // A huge document is refused as parsing reaches this, not parsed whole; depth and cost are
    // QueryLimitsPlugin's, once the caller (and so the budget) is known.
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    // A batch's private fields are withheld from callers that may not read it, whatever path reached it.
    transformSchema: withholdPrivateBatchFields,
    // No cache hints in this schema: the header alone, without a hook on every field resolved.
    plugins: [ApolloServerPluginCacheControlDisabled(), noStorePlugin, ...(config.graphqlIntrospection ? [graphqlIdePlugin()] : [])],
  };
}
