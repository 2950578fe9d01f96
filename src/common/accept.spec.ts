import { describe, expect, it } from '@jest/globals';
import { acceptsMediaType } from './accept.js';

describe('Accept', () => {
  const json = (accept: string | undefined) => acceptsMediaType(accept, 'application/json');

  it('accepts JSON with no header, a wildcard, application/* or JSON itself', () => {
    for (const accept of [undefined, '', '*/*', 'application/*', 'application/json', 'text/html, application/json;q=0.5', 'APPLICATION/JSON; charset=utf-8'])
      expect([accept, json(accept)]).toEqual([accept, true]);
  });

  it('refuses JSON when every range excludes it, or the most specific one gives it q=0', () => {
    for (const accept of ['text/html', 'application/xml', 'text/*', 'application/json;q=0', 'application/json;q=0, */*', 'application/*;q=0, text/html'])
      expect([accept, json(accept)]).toEqual([accept, false]);
    // A wildcard does not outweigh a more specific refusal, and a specific acceptance outweighs a refused wildcard.
    expect(json('*/*;q=0, application/json')).toBe(true);
  });

  it('takes a header it cannot read as accepting anything, rather than refusing the request', () => {
    expect(json('garbage')).toBe(true);
    expect(json('application/json;q=abc')).toBe(true);
  });
});
