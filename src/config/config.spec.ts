import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { rawPublicKey, witnessVerifierKey } from '../witnesses/cosignature.js';
import { ConfigError, loadConfig } from './config.js';

const seed = Buffer.alloc(32, 7).toString('base64');
const complete = { LEDGER_SIGNING_KEY: seed, ADMIN_API_KEY: 'a'.repeat(32) };
/** What production needs besides the secrets. */
const productionPlaces = { NODE_ENV: 'production', DATABASE_URL: 'postgres://suyuan@db.example.org/suyuan', PUBLIC_BASE_URL: 'https://trace.example.org' };

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
    expect(() => loadConfig({ ...productionPlaces, LEDGER_ORIGIN: 'x.org/l', ADMIN_API_KEY: 'a'.repeat(30) }, generated)).toThrow(
      'LEDGER_SIGNING_KEY is missing: expected an Ed25519 PKCS#8 PEM key or a base64 32-byte seed (required in production)',
    );
  });

  it.each([
    [{ PORT: '70000' }, 'PORT is invalid ("70000"): expected an integer from 1 to 65535'],
    [{ PORT: 'abc' }, 'PORT is invalid ("abc"): expected an integer from 1 to 65535'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL is invalid (protocol mysql:): expected a postgres:// URL'],
    [{ DATABASE_REPLICA_URLS: 'postgres://r1/s, mysql://secret@r2/s' }, 'DATABASE_REPLICA_URLS is invalid (protocol mysql:): expected postgres:// URLs'],
    [{ DATABASE_REPLICA_URLS: 'postgres://r1/s,,postgres://r2/s' }, 'DATABASE_REPLICA_URLS is invalid (item 2 is empty)'],
    [{ DATABASE_REPLICA_URLS: 'not a url' }, 'DATABASE_REPLICA_URLS is invalid (not a URL)'],
    [{ REPLICA_MAX_LAG_MS: '5' }, 'REPLICA_MAX_LAG_MS is invalid ("5"): expected an integer from 10 to 600000'],
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

  it('reads from no replica unless DATABASE_REPLICA_URLS lists some', () => {
    expect(loadConfig(complete)).toMatchObject({ databaseReplicaUrls: [], replicaMaxLagMs: 2000 });
    const config = loadConfig({ ...complete, DATABASE_REPLICA_URLS: ' postgres://r1:5432/s , postgresql://u:p@r2/s', REPLICA_MAX_LAG_MS: '500' });
    expect(config).toMatchObject({ databaseReplicaUrls: ['postgres://r1:5432/s', 'postgresql://u:p@r2/s'], replicaMaxLagMs: 500 });
  });

  it('runs a cluster worker per core unless CLUSTER_WORKERS, or else WEB_CONCURRENCY, says how many', () => {
    expect(loadConfig(complete).clusterWorkers).toBe(availableParallelism());
    expect(loadConfig({ ...complete, WEB_CONCURRENCY: '3' }).clusterWorkers).toBe(3);
    expect(loadConfig({ ...complete, WEB_CONCURRENCY: '3', CLUSTER_WORKERS: '5' }).clusterWorkers).toBe(5);
    expect(() => loadConfig({ ...complete, CLUSTER_WORKERS: '0' })).toThrow('CLUSTER_WORKERS is invalid ("0"): expected an integer from 1 to 64');
    expect(loadConfig(complete).backgroundWork).toBe(true);
    expect(loadConfig({ ...complete, BACKGROUND_WORK: 'false' }).backgroundWork).toBe(false);
  });

  it('writes XLSX dates in China time unless EXPORT_TIME_ZONE names another zone', () => {
    expect(loadConfig(complete).exportTimeZone).toBe('Asia/Shanghai');
    expect(loadConfig({ ...complete, EXPORT_TIME_ZONE: 'America/Los_Angeles' }).exportTimeZone).toBe('America/Los_Angeles');
    expect(() => loadConfig({ ...complete, EXPORT_TIME_ZONE: 'Mars/Olympus' })).toThrow(
      'EXPORT_TIME_ZONE is invalid ("Mars/Olympus"): expected an IANA time zone such as Asia/Shanghai or UTC',
    );
  });

  it('logs JSON lines except in a development start, unless LOG_FORMAT says otherwise', () => {
    expect(loadConfig(complete).logFormat).toBe('pretty');
    expect(loadConfig({ ...complete, NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ ...complete, LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ ...complete, LOG_FORMAT: 'text' })).toThrow('LOG_FORMAT is invalid ("text"): expected one of json, pretty');
  });

  it('allows webhooks to internal hosts and over http only when told', () => {
    expect(loadConfig(complete)).toMatchObject({ webhookAllowHttp: false, webhookAllowedHosts: new Set() });
    const local = loadConfig({ ...complete, WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: 'LocalHost., [::1] ,127.0.0.1' });
    expect(local).toMatchObject({ webhookAllowHttp: true, webhookAllowedHosts: new Set(['localhost', '::1', '127.0.0.1']) });
    expect(() => loadConfig({ ...complete, WEBHOOK_ALLOWED_HOSTS: 'http://x' })).toThrow('WEBHOOK_ALLOWED_HOSTS is invalid ("http://x")');
  });

  it('takes witnesses as URL and witness key pairs, refusing a log key, a bad URL or a witness twice', () => {
    const w1 = witnessVerifierKey('witness.example/w1', rawPublicKey(generateKeyPairSync('ed25519').privateKey));
    const w2 = witnessVerifierKey('witness.example/w2', rawPublicKey(generateKeyPairSync('ed25519').privateKey));
    expect(loadConfig(complete).witnesses).toEqual([]);
    const config = loadConfig({ ...complete, WITNESS_URLS: ` http://127.0.0.1:7001/ ${w1}, https://w2.example/witness ${w2}` });
    expect(config.witnesses.map((w) => [w.url, w.key.name])).toEqual([
      ['http://127.0.0.1:7001', 'witness.example/w1'],
      ['https://w2.example/witness', 'witness.example/w2'],
    ]);
    expect(config.witnessTimeoutMs).toBe(5000);
    expect(config.witnessCosignaturesNeeded).toBe(0);
    expect(loadConfig({ ...complete, WITNESS_URLS: `http://a ${w1}, http://b ${w2}`, WITNESS_COSIGNATURES_NEEDED: '2' }).witnessCosignaturesNeeded).toBe(2);
    expect(() => loadConfig({ ...complete, WITNESS_URLS: `http://a ${w1}`, WITNESS_COSIGNATURES_NEEDED: '2' })).toThrow(
      'WITNESS_COSIGNATURES_NEEDED is invalid',
    );
    expect(() => loadConfig({ ...complete, WITNESS_COSIGNATURES_NEEDED: '1' })).toThrow('an integer from 0 to 0');
    expect(() => loadConfig({ ...complete, WITNESS_URLS: `http://a ${w1}, http://b ${w1}` })).toThrow('is listed twice');
    expect(() => loadConfig({ ...complete, WITNESS_URLS: `ftp://a ${w1}` })).toThrow('WITNESS_URLS is invalid (item 1: protocol ftp:)');
    expect(() => loadConfig({ ...complete, WITNESS_URLS: 'http://a' })).toThrow('item 1 is not a URL and a key');
    const logKey = 'suyuan.localhost/ledger+00000000+AQ' + 'A'.repeat(42) + '=';
    expect(() => loadConfig({ ...complete, WITNESS_URLS: `http://a ${logKey}` })).toThrow(ConfigError);
  });

  it('requires an origin in production', () => {
    expect(() => loadConfig({ ...complete, ...productionPlaces })).toThrow('LEDGER_ORIGIN is missing');
  });

  it('refuses a production start without a database or a public address, naming every one missing in one line', () => {
    const production = { ...complete, ...productionPlaces, LEDGER_ORIGIN: 'trace.example.org/ledger' };
    expect(loadConfig(production)).toMatchObject({ env: 'production', databaseUrl: productionPlaces.DATABASE_URL, publicBaseUrl: 'https://trace.example.org' });
    const without =
      (...names: string[]) =>
      () =>
        loadConfig(Object.fromEntries(Object.entries(production).filter(([name]) => !names.includes(name))));
    expect(without('DATABASE_URL')).toThrow(ConfigError);
    expect(without('DATABASE_URL')).toThrow('DATABASE_URL is missing: expected a postgres:// URL (required in production)');
    expect(without('PUBLIC_BASE_URL')).toThrow('PUBLIC_BASE_URL is missing: expected the https:// URL consumers reach (required in production)');
    expect(without('DATABASE_URL', 'PUBLIC_BASE_URL')).toThrow(
      'DATABASE_URL and PUBLIC_BASE_URL are missing: expected a postgres:// URL and the https:// URL consumers reach (required in production)',
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'DATABASE_URL, PUBLIC_BASE_URL, LEDGER_ORIGIN, LEDGER_SIGNING_KEY and ADMIN_API_KEY are missing: expected a postgres:// URL, ' +
        'the https:// URL consumers reach, a checkpoint origin such as ledger.example.org/tianjin, ' +
        'an Ed25519 PKCS#8 PEM key or a base64 32-byte seed and a secret of at least 24 characters (required in production)',
    );
    // Empty counts as missing, as everywhere else.
    expect(() => loadConfig({ ...production, DATABASE_URL: '' })).toThrow('DATABASE_URL is missing');
  });

  it('takes a plain http:// public address in production only when ALLOW_HTTP_PUBLIC_BASE_URL says so', () => {
    const production = { ...complete, ...productionPlaces, LEDGER_ORIGIN: 'trace.example.org/ledger', PUBLIC_BASE_URL: 'http://trace.example.org' };
    expect(() => loadConfig(production)).toThrow(
      'PUBLIC_BASE_URL is invalid (protocol http:): expected an https:// URL in production (labels printed with it cannot be changed; ALLOW_HTTP_PUBLIC_BASE_URL=true allows http://)',
    );
    expect(() => loadConfig({ ...production, ALLOW_HTTP_PUBLIC_BASE_URL: 'false' })).toThrow('expected an https:// URL in production');
    expect(loadConfig({ ...production, ALLOW_HTTP_PUBLIC_BASE_URL: 'true' }).publicBaseUrl).toBe('http://trace.example.org');
    expect(() => loadConfig({ ...production, ALLOW_HTTP_PUBLIC_BASE_URL: 'yes' })).toThrow(
      'ALLOW_HTTP_PUBLIC_BASE_URL is invalid ("yes"): expected true or false',
    );
    // Outside production the development default stays plain http on localhost.
    expect(loadConfig({ ...complete, PUBLIC_BASE_URL: 'http://192.168.1.20:3000' }).publicBaseUrl).toBe('http://192.168.1.20:3000');
  });

  it('bounds the HTTP server: headers within the request time, no connection cap behind a proxy unless set', () => {
    expect(loadConfig(complete)).toMatchObject({
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 10_000,
      maxConnectionsPerAddress: 64,
      anonymousBodyLimitBytes: 65_536,
    });
    expect(loadConfig({ ...complete, REQUEST_TIMEOUT_MS: '2000' }).headersTimeoutMs).toBe(2000);
    expect(() => loadConfig({ ...complete, REQUEST_TIMEOUT_MS: '2000', HEADERS_TIMEOUT_MS: '5000' })).toThrow(
      'HEADERS_TIMEOUT_MS is invalid ("5000"): expected an integer from 100 to 2000',
    );
    expect(loadConfig({ ...complete, TRUST_PROXY: 'true' }).maxConnectionsPerAddress).toBe(0);
    expect(loadConfig({ ...complete, TRUST_PROXY: 'true', MAX_CONNECTIONS_PER_ADDRESS: '500' }).maxConnectionsPerAddress).toBe(500);
  });
});
