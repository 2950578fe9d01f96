import { describe, expect, it } from '@jest/globals';
import { checkWebhookUrl, isAllowedHost, MAX_WEBHOOK_URL_LENGTH, type WebhookDestinationPolicy } from './webhook-url.js';

const strict: WebhookDestinationPolicy = { allowHttp: false, allowedHosts: new Set() };
const localTests: WebhookDestinationPolicy = { allowHttp: true, allowedHosts: new Set(['localhost', '::1']) };

function problem(raw: string, policy = strict): string {
  const checked = checkWebhookUrl(raw, policy);
  if (!('problem' in checked)) throw new Error(`${raw} was accepted`);
  return checked.problem;
}

describe('checkWebhookUrl', () => {
  it('accepts a public https URL and gives its normalised form', () => {
    const checked = checkWebhookUrl('HTTPS://Hooks.Example.ORG:8443/suyuan?x=1', strict);
    expect('url' in checked && checked.url.href).toBe('https://hooks.example.org:8443/suyuan?x=1');
  });

  it.each([
    ['https://169.254.169.254/latest/meta-data', 'link-local'],
    ['https://127.0.0.1:5432/', 'loopback'],
    ['https://[::1]:6379/', 'loopback'],
    ['https://2130706433/', 'loopback'],
    ['https://127.1/', 'loopback'],
    ['https://0x7f.1/', 'loopback'],
    ['https://0177.0.0.1/', 'loopback'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://0/', 'unspecified'],
    ['https://metadata.google.internal/computeMetadata/v1/', '.internal'],
    ['https://[::ffff:127.0.0.1]/', 'IPv4-mapped form of a loopback'],
    ['https://[::ffff:a9fe:a9fe]/', 'IPv4-mapped form of a link-local'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'NAT64'],
    ['https://[fd00::1]/', 'unique-local'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://10.0.0.1/', 'private'],
    ['https://100.64.0.1/', 'carrier-grade NAT'],
    ['https://localhost/', 'loopback name'],
    ['https://localhost./', 'loopback name'],
    ['https://redis:6379/', 'single-label'],
  ])('refuses %s (%s)', (url, reason) => {
    expect(problem(url)).toContain(reason);
  });

  it('refuses plain http unless allowed', () => {
    expect(problem('http://hooks.example.org/')).toBe('url must use https (got http)');
    expect(checkWebhookUrl('http://hooks.example.org/', localTests)).toHaveProperty('url');
    expect(problem('ftp://hooks.example.org/', localTests)).toBe('url must use https (got ftp)');
  });

  it('refuses credentials in the URL', () => {
    expect(problem('https://user:secret@hooks.example.org/')).toBe('url must not carry a user name or password');
    expect(problem('https://user@hooks.example.org/')).toBe('url must not carry a user name or password');
  });

  it('bounds the length, before and after encoding', () => {
    const atLimit = `https://hooks.example.org/${'a'.repeat(MAX_WEBHOOK_URL_LENGTH - 26)}`;
    expect(atLimit).toHaveLength(MAX_WEBHOOK_URL_LENGTH);
    expect(checkWebhookUrl(atLimit, strict)).toHaveProperty('url');
    expect(problem(`${atLimit}b`)).toBe('url is 2001 characters long; at most 2000 are accepted');
    expect(problem(`https://hooks.example.org/${'é'.repeat(400)}`)).toContain('once encoded');
  });

  it('refuses what is not an absolute URL', () => {
    for (const raw of ['', 'hooks.example.org/x', '/relative', 'https://', 'https://[::1']) expect(problem(raw)).toBe('url is not a valid absolute URL');
  });

  it('lets the operator allow named hosts (and only those) for local tests', () => {
    expect(checkWebhookUrl('http://localhost:4000/hook', localTests)).toHaveProperty('url');
    expect(checkWebhookUrl('http://[::1]:4000/hook', localTests)).toHaveProperty('url');
    expect(problem('http://127.0.0.1:4000/hook', localTests)).toContain('loopback');
    expect(isAllowedHost('localhost.', localTests)).toBe(true);
  });
});
