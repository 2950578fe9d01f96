import { Scalar, CustomScalar } from '@nestjs/graphql';
import { GraphQLError, Kind, ValueNode } from 'graphql';
import { jsonInputProblem } from '../common/json-details.js';
import { MAX_JSON_DEPTH } from '../ledger/canonical-json.js';

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/** An integer up to ±(2^53 − 1), sent as a JSON number: sequence numbers and tree sizes. */
@Scalar('SafeInt')
export class SafeIntScalar implements CustomScalar<number, number> {
  description = 'An integer from -(2^53 - 1) to 2^53 - 1, sent as a JSON number';

  parseValue(value: unknown): number {
    return toSafeInt(value);
  }

  serialize(value: unknown): number {
    return toSafeInt(typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);
  }

  parseLiteral(ast: ValueNode): number {
    if (ast.kind !== Kind.INT) throw badInput(`SafeInt cannot represent a ${ast.kind} literal`);
    return toSafeInt(Number(ast.value));
  }
}

function toSafeInt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw badInput(`SafeInt must be an integer from -(2^53 - 1) to 2^53 - 1, got ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  return value;
}

/** Any JSON value: payloads and free-form details. */
@Scalar('JSON')
export class JsonScalar implements CustomScalar<unknown, unknown> {
  description = 'A JSON value';

  parseValue(value: unknown): unknown {
    return checkedJson(value);
  }

  serialize(value: unknown): unknown {
    return value;
  }

  parseLiteral(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
    return checkedJson(literalToJson(ast, variables ?? {}));
  }
}

/** Refused here, before the ValidationPipe copies the value (see json-details.ts). */
function checkedJson(value: unknown): unknown {
  const problem = jsonInputProblem(value);
  if (problem) throw badInput(problem);
  return value;
}

/** A JSON literal written in the query; `depth` (lists and objects around it) is refused past MAX_JSON_DEPTH before it recurses further. */
function literalToJson(ast: ValueNode, variables: Record<string, unknown>, depth = 0): unknown {
  if ((ast.kind === Kind.LIST || ast.kind === Kind.OBJECT) && depth >= MAX_JSON_DEPTH) throw badInput(`JSON is nested more than ${MAX_JSON_DEPTH} levels deep`);
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literalToJson(v, variables, depth + 1));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value, variables, depth + 1)]));
    case Kind.VARIABLE:
      return variables[ast.name.value];
    default:
      throw badInput(`JSON cannot represent a ${ast.kind} literal`);
  }
}
