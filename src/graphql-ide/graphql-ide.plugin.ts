import type { ApolloServerPlugin } from '@apollo/server';
import { idePageHtml } from './ide-assets.js';

/** Apollo's landing page (GET /graphql asking for HTML) is GraphiQL served from this service, in place of Nest's page that loads it from unpkg. */
export function graphqlIdePlugin(): ApolloServerPlugin {
  const html = idePageHtml();
  return {
    serverWillStart() {
      return Promise.resolve({ renderLandingPage: () => Promise.resolve({ html }) });
    },
  };
}
