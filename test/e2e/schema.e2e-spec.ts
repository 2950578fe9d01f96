import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchema, findBreakingChanges } from 'graphql';
import { readFileSync } from 'node:fs';
import type { App } from 'supertest/types.js';
import { printSortedSchema } from '../../src/graphql/schema-printer.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { createTestApp } from '../support/test-app.js';

describe('schema.gql', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('is what the running service serves (run `npm run schema:generate` when this fails)', () => {
    const live = printSortedSchema(app.get(GraphQLSchemaHost).schema);
    expect(readFileSync('schema.gql', 'utf8')).toBe(live);
  });

  it('keeps every part of ../shared/api-contract.graphql it has (nothing renamed or retyped)', () => {
    const contract = buildSchema(readFileSync('../shared/api-contract.graphql', 'utf8'));
    const schema = buildSchema(readFileSync('schema.gql', 'utf8'));
    // Parts later issues bring are absent, not broken; everything present must match the contract.
    const breaks = findBreakingChanges(contract, schema).filter((b) => !b.type.endsWith('_REMOVED'));
    expect(breaks).toEqual([]);
  });
});
