import { CustomScalar, Scalar } from '@nestjs/graphql';
import { GraphQLError, Kind, ValueNode } from 'graphql';
import { DATE_TIME_FORMAT, parseDateTime } from '../common/date-time.js';

/**
 * DateTime, strictly: @nestjs/graphql's own scalar passes any value to `new Date`, so a number, a
 * date without an offset or February 30th became some other instant than the client wrote, and a
 * year like +099999 reached the ledger, where the pages that read it back could not cast it.
 * Mapped to `Date`, so every `@Field() x: Date` uses it; the schema text is unchanged.
 */
@Scalar('DateTime', () => Date)
export class DateTimeScalar implements CustomScalar<string | null, Date> {
  description = 'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.';

  parseValue(value: unknown): Date {
    return toDate(value);
  }

  serialize(value: unknown): string | null {
    return value instanceof Date ? value.toISOString() : null;
  }

  parseLiteral(ast: ValueNode): Date {
    if (ast.kind !== Kind.STRING)
      throw new GraphQLError(`DateTime must be ${DATE_TIME_FORMAT}, got a ${ast.kind} literal`, { extensions: { code: 'BAD_USER_INPUT' } });
    return toDate(ast.value);
  }
}

function toDate(value: unknown): Date {
  const date = parseDateTime(value);
  if (!date)
    throw new GraphQLError(`DateTime must be ${DATE_TIME_FORMAT}, got ${JSON.stringify(value)?.slice(0, 40)}`, { extensions: { code: 'BAD_USER_INPUT' } });
  return date;
}
