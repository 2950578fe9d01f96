import type { ApolloServerPlugin } from '@apollo/server';

/**
 * `cache-control: no-store` on every GraphQL answer, as Apollo's cache-control plugin sent it (the
 * schema has no cache hints, so it never found anything cacheable). That plugin is disabled in its
 * favour: it wrapped every field resolver of every request to collect hints, which for a trace of
 * 10,000 batches was some 150,000 extra calls and objects.
 */
export const noStorePlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};
