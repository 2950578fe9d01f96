import { expect } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { gqlOk, TEST_ADMIN_KEY } from './test-app.js';
import { LEDGER_SIZE, VERIFY_LEDGER } from './documents.js';

/**
 * Hostile input, shared by the hostile-input suite and the fuzzer: the values sent, and what every
 * answer to them must look like.
 */

/** A hostile value; `plausible` ones (an SQL string as a product name…) may be accepted, and must then be stored exactly. */
export interface HostileValue {
  label: string;
  value: unknown;
  plausible?: boolean;
}

const string = (label: string, value: string, plausible = false): HostileValue => ({ label, value, plausible });

export const HOSTILE_STRINGS: HostileValue[] = [
  string('SQL injection', "'; DROP TABLE ledger_entry; --", true),
  string('HTML injection', '<script>alert(1)</script>', true),
  string('100k characters', 'x'.repeat(100_000)),
  string('NUL byte', 'a\u0000b'),
  string('lone surrogate', 'a\ud800b'),
  string('RTL override', 'abc\u202edef'),
  string('empty', ''),
  string('white space only', ' \t '),
];

export const HOSTILE_IDS: HostileValue[] = [
  string('malformed UUID', 'not-a-uuid'),
  string('UUID with a non-hex digit', '0000000g-0000-4000-8000-000000000000'),
  string('SQL injection', "' OR '1'='1"),
  string('NUL byte', '00000000-0000-4000-8000-00000000000\u0000'),
  string('empty', ''),
  string('unknown UUID', '6f1d2c3b-4a59-4e68-9b7a-8c9d0e1f2a3b'),
];

const NUMBERS_EVERYWHERE: HostileValue[] = [
  { label: 'NaN as a string', value: 'NaN' },
  { label: 'Infinity as a string', value: 'Infinity' },
  { label: 'number as a string', value: '12' },
  { label: '1e308', value: 1e308, plausible: true },
  { label: 'negative', value: -1, plausible: true },
  { label: '2^53 + 1', value: 2 ** 53 + 1 },
  { label: 'boolean', value: true },
];

/** Ints (and SafeInts) add a fraction; Floats accept one, so it is plausible there. */
export const HOSTILE_INTS: HostileValue[] = [...NUMBERS_EVERYWHERE, { label: 'fraction', value: 0.5 }];
export const HOSTILE_FLOATS: HostileValue[] = [...NUMBERS_EVERYWHERE, { label: 'fraction', value: 0.5, plausible: true }];

export const HOSTILE_DATE_TIMES: HostileValue[] = [
  string('month 13, day 45', '2026-13-45T00:00:00Z'),
  string('not a date', 'not a date'),
  string('year 99999', '+099999-01-01T00:00:00Z'),
  string('five-digit year', '99999-01-01T00:00:00Z'),
  string('year 0', '0000-01-01T00:00:00Z'),
  string('February 30th', '2026-02-30T00:00:00Z'),
  string('no offset', '2026-10-06T09:00:00'),
  string('date only', '2026-10-06'),
  string('far future', '9999-12-31T23:59:59Z', true),
  { label: 'a number', value: 1234 },
  string('empty', ''),
];

/** 1,000 levels of nesting, built without recursion so the test itself does not overflow. */
export function nestedJson(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) value = { level: value };
  return value;
}

export const HOSTILE_JSON: HostileValue[] = [
  { label: 'nested 1,000 deep', value: nestedJson(1000) },
  { label: '10 MB', value: { note: 'x'.repeat(10 * 1024 * 1024) } },
  { label: 'an array where an object is expected', value: [{ note: 'a' }] },
  { label: 'a string', value: 'details' },
  { label: 'a number', value: 42 },
  { label: 'a lone surrogate inside', value: { note: 'a\ud800' } },
  { label: 'NUL and RTL override inside', value: { 'key\u0000': 'a\u0000b\u202e' }, plausible: true },
  { label: '__proto__ key', value: JSON.parse('{"__proto__": {"polluted": true}}'), plausible: true },
];

export const HOSTILE_BOOLEANS: HostileValue[] = [
  { label: 'boolean as a string', value: 'true' },
  { label: 'number', value: 1 },
];

export function hostileEnumValues(example: string | undefined): HostileValue[] {
  return [
    string('unknown value', 'NOT_A_VALUE'),
    ...(example ? [string('lower case', example.toLowerCase())] : []),
    string('SQL injection', "'; DROP TABLE ledger_entry; --"),
    string('empty', ''),
  ];
}

/** What an error may carry as `extensions.code`: the service's categories and Apollo's own refusals of malformed requests. */
export const CLEAR_ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_ACCEPTABLE',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
];

/**
 * Internals an answer must never show: stack frames, source or module paths, SQL, driver errors.
 * The client's own value is cut out first, so an SQL string it sent and the message echoes is no leak.
 */
export function expectNoInternals(text: string, sent?: unknown): void {
  // Case-insensitively: a service may echo a value it normalised (an upper-cased uscc).
  let cleaned = text.toLowerCase();
  for (const echoed of echoesOf(sent)) cleaned = cleaned.split(echoed.toLowerCase()).join('');
  expect(cleaned).not.toMatch(/\n\s+at |\bat [\w$.<>]+ \(|\/work\/|node_modules|\.[jt]s:\d+|stacktrace/);
  expect(cleaned).not.toMatch(/QueryFailedError|duplicate key value|violates .* constraint|invalid input syntax|invalid byte sequence/i);
  expect(cleaned).not.toMatch(/\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\b .*\b(FROM|VALUES|SET|WHERE)\b|ledger_entry|pg_|relation "/i);
}

/** The forms the strings sent (a value, or every key and string of a request) can take inside a JSON answer: as they are, and JSON-escaped. */
function echoesOf(sent: unknown): string[] {
  const texts = [...jsonLeavesAndNodes(sent)].flatMap((node) =>
    typeof node === 'string' ? [node] : node !== null && typeof node === 'object' && !Array.isArray(node) ? Object.keys(node) : [],
  );
  // Longest first, so a string is cut before a shorter one inside it; too short to matter are kept.
  return texts
    .filter((t) => t.length >= 3)
    .flatMap((t) => [t, JSON.stringify(t).slice(1, -1)])
    .sort((a, b) => b.length - a.length);
}

export interface GraphqlAnswer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/**
 * A refusal a client can act on: a 4xx (or Apollo's 200 with errors), an error with a code from
 * CLEAR_ERROR_CODES and a message that says something, no data (a nullable field answers null), and nothing internal.
 */
export function expectClearError(answer: GraphqlAnswer, sent?: unknown): { code: string; message: string } {
  expect(answer.status).toBeLessThan(500);
  expect(answer.body.errors?.length).toBeGreaterThan(0);
  const [error] = answer.body.errors!;
  expect(CLEAR_ERROR_CODES).toContain(error.extensions?.code);
  expect(error.message).toMatch(/\w{3}/);
  expect(error.message).not.toBe('Internal server error');
  expect(Object.values(answer.body.data ?? {}).filter((v) => v !== null)).toEqual([]);
  expectNoInternals(JSON.stringify(answer.body), sent);
  return { code: error.extensions!.code as string, message: error.message };
}

/** POSTs a body exactly as given (a string or raw bytes), for what JSON.stringify would never produce. */
export async function postRaw(
  app: INestApplication<App>,
  path: string,
  body: string | Buffer,
  key?: string,
  contentType = 'application/json',
): Promise<GraphqlAnswer & { text: string }> {
  const req = request(app.getHttpServer()).post(path).set('content-type', contentType);
  if (key) req.set('authorization', `Bearer ${key}`);
  // superagent would serialise a Buffer as JSON ({"type":"Buffer",…}): send the bytes as they are.
  const res = await req.serialize((bytes: unknown) => bytes as string).send(body);
  return { status: res.status, body: res.body, text: res.text };
}

export function postRawGraphql(app: INestApplication<App>, body: string | Buffer, key?: string): Promise<GraphqlAnswer> {
  return postRaw(app, '/graphql', body, key);
}

/** The same bytes with `marker` (an ASCII string in them) replaced by bytes that are not UTF-8. */
export function withInvalidUtf8(text: string, marker: string): Buffer {
  const [before, after] = text.split(marker);
  return Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(after)]);
}

export async function ledgerSize(app: INestApplication<App>): Promise<number> {
  return (await gqlOk(app, LEDGER_SIZE)).ledgerInfo.size as number;
}

/** The payloads of the entries after `afterSeq`, as the admin reads them. */
export async function payloadsAfter(app: INestApplication<App>, afterSeq: number, count: number): Promise<unknown[]> {
  if (count <= 0) return [];
  const entries = (
    await gqlOk(
      app,
      'query($after: SafeInt, $first: Int) { ledgerEntries(afterSeq: $after, first: $first) { payload } }',
      { after: afterSeq, first: Math.min(count, 1000) },
      TEST_ADMIN_KEY,
    )
  ).ledgerEntries;
  return entries.map((e: { payload: unknown }) => e.payload);
}

/** The whole ledger, recomputed from the stored columns (the service's verifier, as a regulator would run it). */
export async function verifyWholeLedger(app: INestApplication<App>): Promise<{ valid: boolean; checkedEntries: number; reason: string | null }> {
  return (await gqlOk(app, VERIFY_LEDGER, undefined, TEST_ADMIN_KEY)).verifyLedger;
}

/** Every string, number and object anywhere in a JSON value, for round-trip checks. */
export function* jsonLeavesAndNodes(value: unknown): Generator<unknown> {
  yield value;
  if (value !== null && typeof value === 'object') for (const child of Object.values(value)) yield* jsonLeavesAndNodes(child);
}
