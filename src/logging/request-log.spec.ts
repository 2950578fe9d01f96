import { describe, expect, it } from '@jest/globals';
import { requestIdFrom, requestLogFields } from './request-log.js';

describe('requestIdFrom', () => {
  it("keeps a caller's sane token", () => {
    expect(requestIdFrom('abc-123_X.y')).toBe('abc-123_X.y');
    expect(requestIdFrom('a'.repeat(64))).toBe('a'.repeat(64));
  });

  it.each([[undefined], [''], ['a'.repeat(65)], ['has space'], ['new\nline'], ['{"json":1}'], [['a', 'b']]])('replaces %j with a new id', (header) => {
    const id = requestIdFrom(header as string | string[] | undefined);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(header as string | undefined)).not.toBe(id);
  });
});

describe('requestLogFields', () => {
  const base = { requestId: 'r1', method: 'GET', url: '/q/BEE47H368BSY', status: 200, completed: true, durationMs: 1.234 };

  it('logs the path without its query string, the duration to a tenth of a millisecond', () => {
    expect(requestLogFields({ ...base, url: '/exports/trace.csv?batchId=x&direction=UPSTREAM' })).toEqual({
      requestId: 'r1',
      method: 'GET',
      path: '/exports/trace.csv',
      status: 200,
      durationMs: 1.2,
    });
  });

  it("adds the GraphQL operation and the caller's organization when there are some", () => {
    expect(
      requestLogFields({ ...base, method: 'POST', url: '/graphql', operationName: 'RecordEvent', caller: { kind: 'organization', organizationId: 'org-1' } }),
    ).toMatchObject({
      path: '/graphql',
      operationName: 'RecordEvent',
      caller: 'organization',
      organizationId: 'org-1',
    });
    expect(requestLogFields({ ...base, caller: { kind: 'admin' } })).not.toHaveProperty('organizationId');
  });

  it('says when the client went away before the answer was complete', () => {
    expect(requestLogFields({ ...base, completed: false })).toMatchObject({ aborted: true });
  });
});
