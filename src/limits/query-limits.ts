import {
  ArgumentNode,
  FragmentDefinitionNode,
  getNamedType,
  GraphQLError,
  isListType,
  isNonNullType,
  GraphQLOutputType,
  Kind,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';

/** Deepest selection nesting a query may have: the deepest real query (trace with mass balance) needs 5. */
export const MAX_QUERY_DEPTH = 12;
/** Most fields a query may ask for, each list counting its fields LIST_WEIGHT times (or `first` times). */
export const MAX_QUERY_COMPLEXITY = 5000;
const LIST_WEIGHT = 10;

/**
 * Validation rules that refuse a query too deep or too costly before anything runs: a crafted query
 * (a thousand aliases, lists nested in lists) cannot tie up the service. Introspection fields
 * (`__schema`, `__type`) are left to the introspection setting. Apollo answers these as
 * GRAPHQL_VALIDATION_FAILED; `extensions.reason` says which limit.
 */
export function queryLimitRules(maxDepth = MAX_QUERY_DEPTH, maxComplexity = MAX_QUERY_COMPLEXITY): ValidationRule[] {
  return [
    (context: ValidationContext) => ({
      OperationDefinition(operation) {
        const fragments = Object.fromEntries(
          context
            .getDocument()
            .definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
            .map((d) => [d.name.value, d]),
        );
        const rootType =
          operation.operation === 'query'
            ? context.getSchema().getQueryType()
            : operation.operation === 'mutation'
              ? context.getSchema().getMutationType()
              : context.getSchema().getSubscriptionType();
        if (!rootType) return;
        const { depth, complexity } = measure(operation.selectionSet, rootType, fragments, context, 1, new Set());
        if (depth > maxDepth)
          context.reportError(
            new GraphQLError(`the query is ${depth} levels deep; at most ${maxDepth} are allowed`, { extensions: { reason: 'QUERY_TOO_DEEP' } }),
          );
        if (complexity > maxComplexity) {
          context.reportError(
            new GraphQLError(
              `the query asks for about ${complexity} fields (lists counted ${LIST_WEIGHT} times, or by their first argument); ` +
                `at most ${maxComplexity} are allowed`,
              { extensions: { reason: 'QUERY_TOO_COMPLEX' } },
            ),
          );
        }
      },
    }),
  ];
}

type Measured = { depth: number; complexity: number };

function measure(
  selectionSet: SelectionSetNode,
  parent: GraphQLOutputType,
  fragments: Record<string, FragmentDefinitionNode>,
  context: ValidationContext,
  level: number,
  visiting: Set<string>,
): Measured {
  let depth = level;
  let complexity = 0;
  const parentType = getNamedType(parent);
  const fields = 'getFields' in parentType ? parentType.getFields() : {};
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      const field = (fields as Record<string, { type: GraphQLOutputType } | undefined>)[name];
      if (!field) continue; // unknown fields are reported by graphql's own rules
      const multiplier = isList(field.type) ? listSize(selection.arguments ?? []) : 1;
      const child = selection.selectionSet
        ? measure(selection.selectionSet, field.type, fragments, context, level + 1, visiting)
        : { depth: level, complexity: 0 };
      depth = Math.max(depth, child.depth);
      complexity += multiplier * (1 + child.complexity);
    } else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments[selection.name.value] : selection;
      const key = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
      if (!fragment || (key && visiting.has(key))) continue; // fragment cycles are graphql's to report
      if (key) visiting.add(key);
      const typeName = fragment.typeCondition?.name.value;
      const type = (typeName ? context.getSchema().getType(typeName) : parent) as GraphQLOutputType;
      const inner = measure(fragment.selectionSet, type, fragments, context, level, visiting);
      if (key) visiting.delete(key);
      depth = Math.max(depth, inner.depth);
      complexity += inner.complexity;
    }
  }
  return { depth, complexity };
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** A list's size: its `first` or `limit` argument when given as a literal, else LIST_WEIGHT. */
function listSize(args: readonly ArgumentNode[]): number {
  const size = args.find((a) => a.name.value === 'first' || a.name.value === 'limit')?.value;
  return size?.kind === Kind.INT ? Math.max(1, Number(size.value)) : LIST_WEIGHT;
}
