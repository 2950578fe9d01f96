import { describe, expect, it } from '@jest/globals';
import { formatJson, formatPretty, toLogRecord } from './log-record.js';

const at = new Date('2026-11-28T08:00:00.000Z');

describe('toLogRecord', () => {
  it('reads a Nest Logger call: message, fields, context; "log" is written as info', () => {
    expect(toLogRecord('log', 'request', [{ status: 200, path: '/graphql' }, 'Http'], at, 'req-1')).toEqual({
      time: '2026-11-28T08:00:00.000Z',
      level: 'info',
      msg: 'request',
      context: 'Http',
      requestId: 'req-1',
      status: 200,
      path: '/graphql',
    });
  });

  it("takes an error's stack apart from its message, from an Error or from logger.error(message, stack)", () => {
    const err = new Error('connection lost');
    expect(toLogRecord('error', err, ['Errors'], at)).toMatchObject({ msg: 'connection lost', context: 'Errors', stack: err.stack });
    expect(toLogRecord('error', 'connection lost', [err.stack, 'Errors'], at)).toMatchObject({ msg: 'connection lost', context: 'Errors', stack: err.stack });
    // Nest's Logger passes undefined where no stack was given.
    expect(toLogRecord('error', 'boom', [undefined, 'Errors'], at)).toEqual({ time: at.toISOString(), level: 'error', msg: 'boom', context: 'Errors' });
  });

  it('never lets fields replace the time, level or message', () => {
    const record = toLogRecord('warn', 'real', [{ time: 'x', level: 'debug', msg: 'fake', ok: true }], at);
    expect(record).toEqual({ time: at.toISOString(), level: 'warn', msg: 'real', ok: true });
  });

  it('keeps a request id given as a field over the one of the surrounding request', () => {
    expect(toLogRecord('log', 'request', [{ requestId: 'own' }], at, 'surrounding').requestId).toBe('own');
  });
});

describe('formatJson', () => {
  it('writes one object on one line, multi-line stacks included', () => {
    const line = formatJson(toLogRecord('error', new Error('a\nb'), [], at));
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({ level: 'error', msg: 'a\nb' });
  });

  it('still writes a line when a field cannot be serialised', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const line = formatJson(toLogRecord('log', 'hello', [{ cyclic, big: 1n }, 'Ctx'], at, 'r'));
    expect(JSON.parse(line)).toEqual({ time: at.toISOString(), level: 'info', msg: 'hello', context: 'Ctx', requestId: 'r', unloggableFields: true });
    expect(JSON.parse(formatJson(toLogRecord('log', 'n', [{ big: 1n }], at))).big).toBe('1');
  });
});

describe('formatPretty', () => {
  it('puts time, level, context and message first, then the fields, the stack below', () => {
    const text = formatPretty(toLogRecord('error', 'failed', [{ status: 500, operationName: 'Q' }, 'stack line\n    at f (x.js:1:2)', 'Errors'], at, 'req-9'));
    expect(text).toBe('2026-11-28T08:00:00.000Z ERROR [Errors] failed requestId=req-9 status=500 operationName=Q\nstack line\n    at f (x.js:1:2)');
  });
});
