import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';

/** schema.gql as committed: sorted, so a diff shows what changed and nothing else. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
