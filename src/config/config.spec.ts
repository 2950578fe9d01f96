import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

const seed = Buffer.alloc(32, 7).toString('base64');
const complete = { LEDGER_SIGNING_KEY: seed, ADMIN_API_KEY: 'a'.repeat(32) };

describe('loadConfig', () => {
  it('fills defaults for a development start', () => {
    const config = loadConfig(complete);
    expect(config).toMatchObject({ env: 'development', port: 3000, databaseUrl: null, publicBaseUrl: 'http://localhost:3000', seedDemo: true });
    expect(config.maxTransformationYield).toBe(1);
    expect(loadConfig({ ...complete, MAX_TRANSFORMATION_YIELD: '2.5' }).maxTransformationYield).toBe(2.5);
    expect(config.ledgerSigningKey.publicKeyRaw).toHaveLength(32);
  });

  it('uses generated secrets only outside production', () => {
    const generated = () => ({ adminApiKey: 'g'.repeat(30), ledgerSigningKey: seed });
    expect(loadConfig({}, generated).adminApiKey).toBe('g'.repeat(30));
    expect(() => loadConfig({ NODE_ENV: 'production', LEDGER_ORIGIN: 'x.org/l', ADMIN_API_KEY: 'a'.repeat(30) }, generated)).toThrow(
      'LEDGER_SIGNING_KEY is missing: expected an Ed25519 PKCS#8 PEM key or a base64 32-byte seed (required in production)',
    );
  });

  it.each([
    [{ PORT: '70000' }, 'PORT is invalid ("70000"): expected an integer from 1 to 65535'],
    [{ PORT: 'abc' }, 'PORT is invalid ("abc"): expected an integer from 1 to 65535'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL is invalid (protocol mysql:): expected a postgres:// URL'],
    [{ PUBLIC_BASE_URL: 'not a url' }, 'PUBLIC_BASE_URL is invalid (not a URL): expected an http(s):// URL'],
    [{ LEDGER_SIGNING_KEY: 'c2hvcnQ=' }, 'LEDGER_SIGNING_KEY is invalid (expected an Ed25519 PKCS#8 PEM key or a base64 32-byte seed)'],
    [{ ADMIN_API_KEY: 'short' }, 'ADMIN_API_KEY is invalid (5 characters): expected a secret of at least 24 characters without spaces'],
    [{ LEDGER_ORIGIN: 'has space' }, 'LEDGER_ORIGIN is invalid ("has space")'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV is invalid ("staging"): expected one of development, production, test'],
    [{ SEED_DEMO: 'yes' }, 'SEED_DEMO is invalid ("yes"): expected true or false'],
    [{ MAX_TRANSFORMATION_YIELD: '0' }, 'MAX_TRANSFORMATION_YIELD is invalid ("0"): expected a number from 0.01 to 1000'],
    [{ MAX_TRANSFORMATION_YIELD: '1e21' }, 'MAX_TRANSFORMATION_YIELD is invalid ("1e21"): expected a number from 0.01 to 1000'],
  ])('stops on %j with one line naming it', (env, message) => {
    expect(() => loadConfig({ ...complete, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...complete, ...env })).toThrow(message);
  });

  it('logs JSON lines except in a development start, unless LOG_FORMAT says otherwise', () => {
    expect(loadConfig(complete).logFormat).toBe('pretty');
    expect(loadConfig({ ...complete, NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ ...complete, LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ ...complete, LOG_FORMAT: 'text' })).toThrow('LOG_FORMAT is invalid ("text"): expected one of json, pretty');
  });

  it('requires an origin in production', () => {
    expect(() => loadConfig({ ...complete, NODE_ENV: 'production' })).toThrow('LEDGER_ORIGIN is missing');
  });
});
