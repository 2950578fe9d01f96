import { LoggerService } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { formatJson, formatPretty, LogLevel, toLogRecord } from './log-record.js';
import { currentRequestContext } from './request-context.js';

export type LogSink = (line: string, stream: 'stdout' | 'stderr') => void;

const standardStreams: LogSink = (line, stream) => void process[stream].write(`${line}\n`);

/**
 * The service's logger: one line per call, a JSON object (`json`) or text for a terminal
 * (`pretty`), carrying the id of the request it was written for when there is one.
 * Warnings and errors go to stderr, the rest to stdout.
 */
export class StructuredLogger implements LoggerService {
  private levels: ReadonlySet<LogLevel>;
  private readonly sink: LogSink;

  constructor(
    private readonly format: AppConfig['logFormat'],
    options: { levels?: readonly LogLevel[]; sink?: LogSink } = {},
  ) {
    this.levels = new Set(options.levels ?? ['log', 'error', 'warn', 'fatal']);
    this.sink = options.sink ?? standardStreams;
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.levels = new Set(levels);
  }

  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.levels.has(level)) return;
    const record = toLogRecord(level, message, params, new Date(), currentRequestContext()?.requestId);
    const line = this.format === 'json' ? formatJson(record) : formatPretty(record);
    this.sink(line, level === 'log' || level === 'debug' || level === 'verbose' ? 'stdout' : 'stderr');
  }
}

/**
 * Resolves once what was written to stdout and stderr so far has left the process (or after
 * `timeoutMs`, should nobody read them): on POSIX they are asynchronous when they are pipes, as
 * under Docker or systemd, and process.exit() drops whatever is still queued.
 */
export function flushStandardStreams(timeoutMs = 5000): Promise<void> {
  const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
  return Promise.race([Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => undefined), timeout]);
}
