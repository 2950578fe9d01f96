import { readFixture } from '../support/fixtures.js';
import { describe, expect, it } from '@jest/globals';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchema, findBreakingChanges } from 'graphql';
import { readFileSync } from 'node:fs';
import { printSortedSchema } from '../../src/graphql/schema-printer.js';
import { useTestApp } from '../support/test-app.js';

describe('schema.gql', () => {
  const service = useTestApp();

  it('is what the running service serves (run `npm run schema:generate` when this fails)', () => {
    const live = printSortedSchema(service.app.get(GraphQLSchemaHost).schema);
    expect(readFileSync('schema.gql', 'utf8')).toBe(live);
  });

  it('keeps every part of test/fixtures/api-contract.graphql (nothing missing, renamed or retyped)', () => {
    const contract = buildSchema(readFixture('api-contract.graphql'));
    const schema = buildSchema(readFileSync('schema.gql', 'utf8'));
    expect(findBreakingChanges(contract, schema)).toEqual([]);
  });
});
