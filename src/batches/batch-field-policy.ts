import { defaultFieldResolver, type GraphQLField, GraphQLList, GraphQLNonNull, type GraphQLObjectType, type GraphQLSchema, isObjectType } from 'graphql';
import type { Caller } from '../auth/caller.js';
import { type BatchParties, mayReadBatch, PUBLIC_BATCH_FIELDS } from './batch-access.js';

/**
 * Field-level authorization of the Batch type, applied to the schema once (Apollo's transformSchema):
 * every private field of Batch (any field not in PUBLIC_BATCH_FIELDS, so a new one is private until
 * someone decides otherwise) answers the caller that may not read the batch with nothing — an empty
 * list, or null — and `withheldFields` names it, so "withheld" never reads as "none". Every path that
 * reaches a batch (a query, a mutation's answer, a subscription) goes through these resolvers.
 *
 * The facts the rule needs (producer, custodian) are on the batch row every path already loaded, so
 * a trace of thousands of batches costs no query more; withheld fields skip their own queries.
 */

/** What the GraphQL context carries: the request AuthGuard proved the caller of (over HTTP and graphql-ws alike). */
interface BatchFieldContext {
  req?: { caller?: Caller };
}

const BATCH_TYPE = 'Batch';

/** The names of the Batch type's private fields, sorted. */
export function privateBatchFields(type: GraphQLObjectType): string[] {
  return Object.keys(type.getFields())
    .filter((name) => !PUBLIC_BATCH_FIELDS.has(name))
    .sort();
}

/** The private fields withheld from this caller for this batch: none when it may read the batch. */
export function withheldBatchFields(caller: Caller | undefined, batch: Partial<BatchParties>, type: GraphQLObjectType): string[] {
  return mayReadBatch(caller, batch) ? [] : privateBatchFields(type);
}

/** What a withheld field answers: an empty list, or null. A non-null single value cannot be withheld honestly. */
function withheldValue(field: GraphQLField<unknown, unknown>): [] | null {
  const type = field.type instanceof GraphQLNonNull ? field.type.ofType : field.type;
  if (type instanceof GraphQLList) return [];
  if (!(field.type instanceof GraphQLNonNull)) return null;
  throw new Error(
    `Batch.${field.name} is private (not in PUBLIC_BATCH_FIELDS) but non-null: make it a list or nullable so it can be withheld, or decide it is public`,
  );
}

/** The schema with every private field of Batch withheld from callers that may not read the batch. */
export function withholdPrivateBatchFields(schema: GraphQLSchema): GraphQLSchema {
  const batchType = schema.getType(BATCH_TYPE);
  if (!isObjectType(batchType)) throw new Error(`the schema has no ${BATCH_TYPE} object type to guard`);
  const fields = batchType.getFields();
  for (const name of privateBatchFields(batchType)) {
    const field = fields[name];
    const withheld = withheldValue(field);
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (batch: Partial<BatchParties>, args, context: BatchFieldContext, info) =>
      mayReadBatch(context?.req?.caller, batch) ? resolve(batch, args, context, info) : withheld;
  }
  return schema;
}
