import { describe, expect, it } from '@jest/globals';
import { buildSchema, graphql, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { Caller } from '../auth/caller.js';
import { privateBatchFields, withheldBatchFields, withholdPrivateBatchFields } from './batch-field-policy.js';

/**
 * A Batch type like the service's: public fields, private ones of each shape, and one added later
 * that nobody decided on. The rows carry their parties, as the service's do.
 */
const SDL = `
  type Entry { note: String! }
  type Batch { id: ID! lotCode: String! events: [Entry!]! inspections: [Entry!] addedLater: String withheldFields: [String!]! }
  type Query { batches: [Batch!]! }
`;

const farm = { id: 'b1', lotCode: 'LOT-1', producerId: 'farm', custodianId: 'farm' };
const mill = { id: 'b2', lotCode: 'LOT-2', producerId: 'mill', custodianId: 'mill' };

function schemaWithResolvers(): GraphQLSchema {
  const schema = buildSchema(SDL);
  const batchType = schema.getType('Batch') as GraphQLObjectType;
  const fields = batchType.getFields();
  fields.events.resolve = (b: { id: string }) => [{ note: `secret of ${b.id}` }];
  fields.inspections.resolve = (b: { id: string }) => [{ note: `lab result of ${b.id}` }];
  fields.addedLater.resolve = (b: { id: string }) => `new secret of ${b.id}`;
  fields.withheldFields.resolve = (b, _args, context: { req: { caller?: Caller } }, info) => withheldBatchFields(context.req.caller, b, info.parentType);
  (schema.getQueryType()!.getFields().batches.resolve as unknown) = () => [farm, mill];
  return withholdPrivateBatchFields(schema);
}

const run = async (caller: Caller | undefined) =>
  (
    await graphql({
      schema: schemaWithResolvers(),
      source: '{ batches { id lotCode events { note } inspections { note } addedLater withheldFields } }',
      contextValue: { req: { caller } },
    })
  ).data as { batches: Record<string, unknown>[] };

describe('the Batch field policy', () => {
  it('treats every field not named public as private, a field added later included', () => {
    const schema = buildSchema(SDL);
    expect(privateBatchFields(schema.getType('Batch') as GraphQLObjectType)).toEqual(['addedLater', 'events', 'inspections']);
  });

  it('withholds the private fields of a batch the caller may not read, and says which', async () => {
    const { batches } = await run({ kind: 'organization', organizationId: 'farm', organizationKind: 'PRODUCER', apiKeyId: 'k' });
    expect(batches[0]).toEqual({
      id: 'b1',
      lotCode: 'LOT-1',
      events: [{ note: 'secret of b1' }],
      inspections: [{ note: 'lab result of b1' }],
      addedLater: 'new secret of b1',
      withheldFields: [],
    });
    expect(batches[1]).toEqual({
      id: 'b2',
      lotCode: 'LOT-2',
      events: [],
      inspections: [],
      addedLater: null,
      withheldFields: ['addedLater', 'events', 'inspections'],
    });
  });

  it('withholds everything private when no caller was proved, and nothing from a regulator', async () => {
    expect(JSON.stringify(await run(undefined))).not.toMatch(/secret|lab result/);
    const regulator = await run({ kind: 'organization', organizationId: 'samr', organizationKind: 'REGULATOR', apiKeyId: 'k' });
    expect(regulator.batches.map((b) => b.withheldFields)).toEqual([[], []]);
  });

  it('refuses at start a private field that cannot be withheld honestly (non-null, not a list)', () => {
    const schema = buildSchema('type Batch { id: ID! secretPrice: Float! } type Query { b: Batch }');
    expect(() => withholdPrivateBatchFields(schema)).toThrow(/Batch.secretPrice is private .* but non-null/);
  });
});
