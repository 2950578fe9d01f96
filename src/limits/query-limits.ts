import {
  DocumentNode,
  FragmentDefinitionNode,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  GraphQLNamedType,
  GraphQLSchema,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  GraphQLOutputType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  FieldNode,
} from 'graphql';
import type { Caller } from '../auth/caller.js';
import { FIELD_COSTS } from './field-costs.js';

/** Deepest selection nesting a query may have: the deepest real query (trace with mass balance) needs 5. */
export const MAX_QUERY_DEPTH = 12;
/** Tokens a GraphQL document may have: parsing stops there, so a huge document is never parsed whole (1,000 events written inline fit). */
export const MAX_QUERY_TOKENS = 50_000;
/** What one request may cost (see field-costs.ts): a caller without a key gets less than one with a key. */
export const QUERY_BUDGETS = { anonymous: 2_500, keyed: 20_000 } as const;
/** A list without a `first` argument and without a size in FIELD_COSTS counts as this many items. */
const LIST_WEIGHT = 10;

/** How much a request may cost, and whose allowance that is (said in the refusal). */
export interface QueryBudget {
  limit: number;
  who: string;
}

export function queryBudget(caller: Caller): QueryBudget {
  return caller.kind === 'anonymous' ? { limit: QUERY_BUDGETS.anonymous, who: 'without an API key' } : { limit: QUERY_BUDGETS.keyed, who: 'with an API key' };
}

/**
 * The reason to refuse an operation before it runs, or null: nested too deep, or costing more than
 * the caller's budget (each field by FIELD_COSTS, every alias and `__typename` counted, lists
 * multiplied). Introspection fields (`__schema`, `__type`) are left to the introspection setting.
 * The error has Apollo's shape for a refused document: GRAPHQL_VALIDATION_FAILED, and
 * `extensions.reason` says which limit.
 */
export function queryLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | undefined,
  budget: QueryBudget,
  maxDepth = MAX_QUERY_DEPTH,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null; // graphql reports it
  // Variables that do not fit their types get graphql's error, which names them, when it runs.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return null;
  const { depth, cost, byRootField } = measureOperation(schema, document, operation, coerced.coerced, maxDepth);
  if (depth > maxDepth) {
    return new GraphQLError(`the query nests fields more than ${maxDepth} levels deep; at most ${maxDepth} are allowed`, {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_DEEP' },
    });
  }
  if (cost > budget.limit) {
    const [costliest, itsCost] = [...byRootField].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    const where = costliest ? `; most in ${costliest}: ${about(itsCost)}` : '';
    return new GraphQLError(
      `the query would cost ${about(cost)} (each field by its work, lists by their size, every alias counted${where}); ` +
        `${budget.who} a request may cost at most ${budget.limit.toLocaleString('en')}: ask for less, or split it`,
      { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX', cost: Math.min(cost, Number.MAX_SAFE_INTEGER), budget: budget.limit } },
    );
  }
  return null;
}

type Measured = { depth: number; cost: number };

function about(cost: number): string {
  return cost > 1e12 ? 'more than 1,000,000,000,000' : `about ${Math.round(cost).toLocaleString('en')}`;
}

/**
 * Depth and cost of one operation, and what each root field (its aliases together) costs. Each named fragment is measured once per level it is spread at, so
 * fragments spreading fragments cannot make this walk exponential; below maxDepth nothing is walked.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  maxDepth = MAX_QUERY_DEPTH,
): Measured & { byRootField: Map<string, number> } {
  const byRootField = new Map<string, number>();
  const root =
    operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return { depth: 0, cost: 0, byRootField };
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const measured = new Map<string, Measured>();
  const visiting = new Set<string>();

  const measureSet = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, level: number): Measured => {
    // Deeper than allowed: refused whatever is below, so the walk stops here.
    if (level > maxDepth) return { depth: level, cost: 0 };
    let depth = 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      let inner: Measured;
      if (selection.kind === Kind.FIELD) {
        inner = measureField(selection, parent, level);
        if (level === 1) byRootField.set(selection.name.value, (byRootField.get(selection.name.value) ?? 0) + inner.cost);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        inner = type ? measureSet(selection.selectionSet, type, level) : { depth: 0, cost: 0 };
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        const key = `${name}@${level}`;
        if (!fragment || visiting.has(name)) continue; // unknown fragments and cycles are graphql's to report
        if (!measured.has(key)) {
          const type = schema.getType(fragment.typeCondition.name.value);
          visiting.add(name);
          measured.set(key, type ? measureSet(fragment.selectionSet, type, level) : { depth: 0, cost: 0 });
          visiting.delete(name);
        }
        inner = measured.get(key)!;
      }
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
    }
    return { depth, cost };
  };

  const measureField = (field: FieldNode, parent: GraphQLNamedType, level: number): Measured => {
    const name = field.name.value;
    if (name === '__schema' || name === '__type') return { depth: 0, cost: 0 };
    if (name === '__typename') return { depth: level, cost: 1 };
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!definition) return { depth: level, cost: 0 }; // unknown fields are graphql's to report
    const own = FIELD_COSTS[`${parent.name}.${name}`];
    if (!field.selectionSet) return { depth: level, cost: own?.cost ?? 1 };
    const type = getNamedType(definition.type);
    const below = measureSet(field.selectionSet, type, level + 1);
    // A Relay connection is a list under another name: its `first` sizes it, and its edges were counted with it.
    const sized = isConnection(type) || (isList(definition.type) && !isConnection(parent));
    const items = sized ? listSize(field, variables, own?.listSize ?? LIST_WEIGHT, own?.maxListSize ?? Infinity) : 1;
    return { depth: Math.max(level, below.depth), cost: (own?.cost ?? 1) + items * below.cost };
  };

  return { ...measureSet(operation.selectionSet, root, 1), byRootField };
}

/** A Relay connection type: edges (a list) and pageInfo. */
function isConnection(type: GraphQLNamedType): boolean {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  return !!fields.edges && !!fields.pageInfo && isList(fields.edges.type);
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** A list's size: its `first` or `limit` argument (a literal or a variable, at most `max`), else the list's usual size. */
function listSize(field: FieldNode, variables: Readonly<Record<string, unknown>>, usual: number, max: number): number {
  const size = field.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'limit')?.value;
  const value = size?.kind === Kind.INT ? Number(size.value) : size?.kind === Kind.VARIABLE ? variables[size.name.value] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(1, value)) : usual;
}
