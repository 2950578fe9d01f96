/** Nest's logger levels; `log` is written as "info", the name log tools expect. */
export type LogLevel = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

export interface LogRecord {
  time: string;
  level: string;
  msg: string;
  context?: string;
  requestId?: string;
  stack?: string;
  [field: string]: unknown;
}

const STACK = /\n[ \t]+at .+:\d+:\d+/;

/**
 * One record from a call in Nest's logger conventions: `(message, ...params)` where a trailing
 * string is the context, plain objects are fields to log (`logger.log('request', { status })`), and
 * for errors a string before the context is the stack (`logger.error(message, stack)`).
 */
export function toLogRecord(level: LogLevel, message: unknown, params: readonly unknown[], time: Date, requestId?: string): LogRecord {
  const rest = [...params];
  let context: string | undefined;
  const last = rest.at(-1);
  if (typeof last === 'string' && !STACK.test(last)) context = rest.pop() as string;

  let msg: string;
  let stack: string | undefined;
  const fields: Record<string, unknown> = {};
  if (message instanceof Error) {
    msg = message.message;
    stack = message.stack;
  } else if (isPlainObject(message)) {
    const { msg: inner, message: text, ...others } = message;
    msg = String(inner ?? text ?? '');
    Object.assign(fields, others);
  } else {
    msg = String(message);
  }
  for (const param of rest) {
    if (param === undefined) continue;
    if (isPlainObject(param)) Object.assign(fields, param);
    else if (typeof param === 'string' && (STACK.test(param) || level === 'error' || level === 'fatal')) stack = param;
    else msg += ` ${String(param)}`;
  }
  // The time, level and message are the line's own: fields cannot replace them.
  const { time: _t, level: _l, msg: _m, ...safeFields } = fields;
  return {
    time: time.toISOString(),
    level: level === 'log' ? 'info' : level,
    msg,
    ...(context ? { context } : {}),
    ...(requestId ? { requestId } : {}),
    ...safeFields,
    ...(stack ? { stack } : {}),
  };
}

/** One JSON object on one line, whatever the fields hold (a value JSON cannot carry is written as text). */
export function formatJson(record: LogRecord): string {
  const { time, level, msg, context, requestId, stack } = record;
  return toJson(record) ?? toJson({ time, level, msg, context, requestId, stack, unloggableFields: true })!;
}

/** For a developer's terminal: `time LEVEL [context] message key=value…`, the stack below. */
export function formatPretty(record: LogRecord): string {
  const { time, level, msg, context, stack, ...fields } = record;
  const pairs = Object.entries(fields).map(([key, value]) => `${key}=${typeof value === 'string' ? value : (toJson(value) ?? '?')}`);
  const head = [time, level.toUpperCase().padEnd(5), context ? `[${context}]` : '', msg, ...pairs].filter((part) => part !== '').join(' ');
  return stack ? `${head}\n${stack}` : head;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** undefined for what JSON cannot hold (a cycle). */
function toJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, jsonSafe);
  } catch {
    return undefined;
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
