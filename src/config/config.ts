import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { LedgerSigningKey, parseSigningKey } from '../ledger/signing-key.js';
import { parseWitnessKey, WitnessKey } from '../witnesses/cosignature.js';

/** Everything the service reads from the environment, validated once at start. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** null: run the embedded PostgreSQL under dataDir. */
  databaseUrl: string | null;
  databasePoolSize: number;
  /** Streaming replicas that scans, pages, proofs, traces, lists and exports read from (src/database/read-routing.ts); none: every read goes to the primary. */
  databaseReplicaUrls: readonly string[];
  /** A replica further behind the primary than this is skipped (its reads go elsewhere). */
  replicaMaxLagMs: number;
  /** false: the service runs as a role that may not migrate, and refuses to start on a database that is behind. */
  migrateOnStart: boolean;
  publicBaseUrl: string;
  ledgerOrigin: string;
  ledgerSigningKey: LedgerSigningKey;
  /** Keys units' check-code hashes and seals their codes until downloaded (src/units/check-codes.ts). */
  unitSecret: Buffer;
  adminApiKey: string;
  /** The admin key being rotated out: accepted too until the operator removes it, so clients can switch without downtime. */
  adminApiKeyPrevious: string | null;
  dataDir: string;
  embeddedPostgresPort: number;
  seedDemo: boolean;
  /** Most entries the writer appends in one transaction; a busier queue waits for the next group. */
  ledgerMaxGroupSize: number;
  /** How often the service looks for new entries to sign a checkpoint for. */
  checkpointIntervalMs: number;
  /** C2SP tlog-witnesses each new checkpoint is sent to, with the key their cosignatures must verify against. */
  witnesses: readonly ConfiguredWitness[];
  /** How long one witness has to answer; a slow or absent one delays only its own cosignature. */
  witnessTimeoutMs: number;
  /** Cosignatures of those witnesses a phone must find on the checkpoint (the policy the page checks and a label pins); 0: no policy. */
  witnessCosignaturesNeeded: number;
  /** How often the service audits its projection tables against the ledger (src/audit); 0 turns the periodic audit off. */
  projectionAuditIntervalMs: number;
  /** Public holidays (YYYY-MM-DD) that recall deadlines do not count as working days. */
  recallHolidays: ReadonlySet<string>;
  /** Most rows (events, readings, certificates, about 320 bytes each) the scan and page caches hold each; 0 turns them off. */
  scanCacheRows: number;
  /** Most batches one trace walks before it stops with an error asking for a smaller depth. */
  traceNodeLimit: number;
  /** Most a transformation's weighed outputs may weigh, as a multiple of its weighed inputs (src/transformations/mass-balance.ts). */
  maxTransformationYield: number;
  /** Log lines as JSON objects (for log collectors) or as text (for a developer's terminal). */
  logFormat: 'json' | 'pretty';
  /** Requests per minute per organization key (bursts up to that many); 0 turns the limit off. */
  rateLimitPerKey: number;
  /** Requests per minute per client address without a key (the public page, scan); 0 turns it off. */
  rateLimitPublic: number;
  /** Behind a reverse proxy: take the client address from the last X-Forwarded-For entry. */
  trustProxy: boolean;
  /** Introspection and the GraphiQL page: on in development and test, off in production unless set. */
  graphqlIntrospection: boolean;
  /** Hosts a webhook may name although they are internal (local tests: `localhost`); none by default. */
  webhookAllowedHosts: ReadonlySet<string>;
  /** Webhooks over plain http (local tests); https only by default. */
  webhookAllowHttp: boolean;
  /** Time a client has to send a request's headers, and its whole request (headers and body): a slow sender is answered 408 and cut off. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number;
  /** A connection on which nothing moves (no byte either way) for this long is closed; 0 turns it off. */
  socketIdleTimeoutMs: number;
  /** Open connections one address may hold; past it a new one is refused; 0 turns the cap off. */
  maxConnectionsPerAddress: number;
  /** Largest request body without a valid API key (a key's requests may send MAX_REQUEST_BODY). */
  anonymousBodyLimitBytes: number;
  /** The IANA time zone the XLSX exports write their date cells in (a spreadsheet cell has no zone of its own). */
  exportTimeZone: string;
  /** Worker processes `npm run start:cluster` runs (CLUSTER_WORKERS, else WEB_CONCURRENCY, else one per core). */
  clusterWorkers: number;
  /**
   * Whether this process runs the periodic work (checkpoint signing, the witnesses' feeds, the projection
   * audit): one process of a cluster does, the others only serve (src/cluster). Webhook delivery is not
   * in it: every process claims deliveries, each one leased to one process.
   */
  backgroundWork: boolean;
}

export interface ConfiguredWitness {
  /** The submission prefix: add-checkpoint is POSTed to `${url}/add-checkpoint`. */
  url: string;
  key: WitnessKey;
}

/** The configuration once the database is known (configured, or the embedded one started). */
export type RunningConfig = AppConfig & { databaseUrl: string };

/** A bad or missing setting: the message is the one line printed before the start stops. */
export class ConfigError extends Error {
  readonly variable: string;

  /** `variable` may be several missing settings, named together. */
  constructor(variable: string | readonly string[], expected: string, got?: string) {
    const names = typeof variable === 'string' ? [variable] : variable;
    const problem = got !== undefined ? `is invalid (${got})` : names.length > 1 ? 'are missing' : 'is missing';
    super(`${listed(names)} ${problem}: expected ${expected}`);
    this.name = 'ConfigError';
    this.variable = listed(names);
  }
}

/** "A", "A and B", "A, B and C". */
function listed(items: readonly string[]): string {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * What production cannot start without, and why: with no DATABASE_URL the start would run the
 * embedded PostgreSQL of a developer's machine; with no PUBLIC_BASE_URL labels would be printed
 * pointing at http://localhost, which cannot be fixed once they are on packages; the rest are secrets
 * and names a development start makes up.
 */
const REQUIRED_IN_PRODUCTION: Record<string, string> = {
  DATABASE_URL: 'a postgres:// URL',
  PUBLIC_BASE_URL: 'the https:// URL consumers reach',
  LEDGER_ORIGIN: 'a checkpoint origin such as ledger.example.org/tianjin',
  LEDGER_SIGNING_KEY: 'an Ed25519 PKCS#8 PEM key or a base64 32-byte seed',
  ADMIN_API_KEY: 'a secret of at least 24 characters',
};

/** The production settings that are not set, named together in one line so one attempt shows everything to set. */
function requireProductionSettings(env: Env): void {
  const missing = Object.keys(REQUIRED_IN_PRODUCTION).filter((name) => !env[name]);
  if (missing.length === 0) return;
  throw new ConfigError(missing, `${listed(missing.map((name) => REQUIRED_IN_PRODUCTION[name]))} (required in production)`);
}

type Env = Record<string, string | undefined>;

/** Settings a development start may generate and keep in its data folder when they are not configured. */
export interface GeneratedSecrets {
  adminApiKey: string;
  ledgerSigningKey: string;
}

export function loadConfig(env: Env, generated?: () => GeneratedSecrets): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  if (nodeEnv === 'production') requireProductionSettings(env);
  const port = integer(env, 'PORT', 3000, 1, 65535);
  const host = text(env, 'HOST', '127.0.0.1', /^[\w.:-]+$/, 'a host name or IP address to listen on');
  const databaseUrl = optionalUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], 'a postgres:// URL');
  const publicBaseUrl = (publicBaseUrlOf(env, nodeEnv) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const ledgerOrigin = text(
    env,
    'LEDGER_ORIGIN',
    nodeEnv === 'production' ? undefined : 'suyuan.localhost/ledger',
    /^[^\s+\u2014]{1,200}$/,
    'a checkpoint origin such as ledger.example.org/tianjin (no spaces, no "+")',
  );

  const { adminApiKey, adminApiKeyPrevious, ledgerSigningKey } = loadSecrets(env, nodeEnv, generated);
  const witnesses = witnessList(env, 'WITNESS_URLS');

  return {
    env: nodeEnv,
    host,
    port,
    databaseUrl,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 2, 200),
    databaseReplicaUrls: urlList(env, 'DATABASE_REPLICA_URLS', ['postgres:', 'postgresql:'], 'postgres:// URLs separated by commas'),
    replicaMaxLagMs: integer(env, 'REPLICA_MAX_LAG_MS', 2000, 10, 600_000),
    migrateOnStart: boolean(env, 'MIGRATE_ON_START', true),
    publicBaseUrl,
    ledgerOrigin,
    ledgerSigningKey,
    unitSecret: unitSecretOf(env, ledgerSigningKey),
    adminApiKey,
    adminApiKeyPrevious,
    dataDir: text(env, 'DATA_DIR', './data', /^.+$/, 'a folder path'),
    embeddedPostgresPort: integer(env, 'EMBEDDED_POSTGRES_PORT', 54329, 1024, 65535),
    seedDemo: boolean(env, 'SEED_DEMO', databaseUrl === null),
    ledgerMaxGroupSize: integer(env, 'LEDGER_MAX_GROUP_SIZE', 1000, 1, 10000),
    checkpointIntervalMs: integer(env, 'CHECKPOINT_INTERVAL_MS', 1000, 100, 5000),
    witnesses,
    witnessCosignaturesNeeded: integer(env, 'WITNESS_COSIGNATURES_NEEDED', 0, 0, witnesses.length),
    witnessTimeoutMs: integer(env, 'WITNESS_TIMEOUT_MS', 5000, 100, 60_000),
    projectionAuditIntervalMs: integer(env, 'PROJECTION_AUDIT_INTERVAL_MS', 3_600_000, 0, 7 * 24 * 3_600_000),
    recallHolidays: dates(env, 'RECALL_HOLIDAYS'),
    scanCacheRows: integer(env, 'SCAN_CACHE_ROWS', 30_000, 0, 100_000_000),
    traceNodeLimit: integer(env, 'TRACE_NODE_LIMIT', 10_000, 10, 1_000_000),
    maxTransformationYield: decimal(env, 'MAX_TRANSFORMATION_YIELD', 1, 0.01, 1000),
    logFormat: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, nodeEnv === 'development' ? 'pretty' : 'json'),
    rateLimitPerKey: integer(env, 'RATE_LIMIT_PER_KEY', 6000, 0, 1_000_000),
    rateLimitPublic: integer(env, 'RATE_LIMIT_PUBLIC', 300, 0, 1_000_000),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    graphqlIntrospection: boolean(env, 'GRAPHQL_INTROSPECTION', nodeEnv !== 'production'),
    webhookAllowedHosts: hosts(env, 'WEBHOOK_ALLOWED_HOSTS'),
    webhookAllowHttp: boolean(env, 'WEBHOOK_ALLOW_HTTP', false),
    exportTimeZone: timeZone(env, 'EXPORT_TIME_ZONE', 'Asia/Shanghai'),
    clusterWorkers: integer(env, 'CLUSTER_WORKERS', integer(env, 'WEB_CONCURRENCY', availableParallelism(), 1, 64), 1, 64),
    backgroundWork: boolean(env, 'BACKGROUND_WORK', true),
    ...connectionLimits(env),
  };
}

/** Timeouts and caps of the HTTP server (src/http.ts). */
function connectionLimits(
  env: Env,
): Pick<
  AppConfig,
  'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'socketIdleTimeoutMs' | 'maxConnectionsPerAddress' | 'anonymousBodyLimitBytes'
> {
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', 60_000, 100, 3_600_000);
  // Node refuses headers that may take longer than the whole request.
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', Math.min(10_000, requestTimeoutMs), 100, requestTimeoutMs);
  // Behind a proxy every connection comes from the proxy's address: the cap is the proxy's to keep there.
  const proxied = boolean(env, 'TRUST_PROXY', false);
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    socketIdleTimeoutMs: integer(env, 'SOCKET_IDLE_TIMEOUT_MS', 120_000, 0, 3_600_000),
    maxConnectionsPerAddress: integer(env, 'MAX_CONNECTIONS_PER_ADDRESS', proxied ? 0 : 64, 0, 1_000_000),
    anonymousBodyLimitBytes: integer(env, 'ANONYMOUS_BODY_LIMIT_BYTES', 64 * 1024, 1024, 20 * 1024 * 1024),
  };
}

/** The admin keys and the ledger's signing key: configured, or generated for a development start. */
function loadSecrets(
  env: Env,
  nodeEnv: AppConfig['env'],
  generated: (() => GeneratedSecrets) | undefined,
): Pick<AppConfig, 'adminApiKey' | 'adminApiKeyPrevious' | 'ledgerSigningKey'> {
  const configuredAdminKey = env.ADMIN_API_KEY;
  const configuredSigningKey = env.LEDGER_SIGNING_KEY;
  const needsGenerated = !configuredAdminKey || !configuredSigningKey;
  if (needsGenerated && (nodeEnv === 'production' || !generated)) {
    if (!configuredSigningKey) throw new ConfigError('LEDGER_SIGNING_KEY', 'an Ed25519 PKCS#8 PEM key or a base64 32-byte seed (required in production)');
    throw new ConfigError('ADMIN_API_KEY', 'a secret of at least 24 characters (required in production)');
  }
  const secrets = needsGenerated ? generated!() : undefined;

  const adminApiKey = configuredAdminKey ?? secrets!.adminApiKey;
  if (adminApiKey.length < 24 || /\s/.test(adminApiKey)) {
    throw new ConfigError('ADMIN_API_KEY', 'a secret of at least 24 characters without spaces', `${adminApiKey.length} characters`);
  }
  const adminApiKeyPrevious = env.ADMIN_API_KEY_PREVIOUS || null;
  if (adminApiKeyPrevious !== null && (adminApiKeyPrevious.length < 24 || /\s/.test(adminApiKeyPrevious))) {
    throw new ConfigError(
      'ADMIN_API_KEY_PREVIOUS',
      'a secret of at least 24 characters without spaces (the admin key being rotated out)',
      `${adminApiKeyPrevious.length} characters`,
    );
  }
  let ledgerSigningKey: LedgerSigningKey;
  try {
    ledgerSigningKey = parseSigningKey(configuredSigningKey ?? secrets!.ledgerSigningKey);
  } catch (err) {
    throw new ConfigError('LEDGER_SIGNING_KEY', 'an Ed25519 PKCS#8 PEM key or a base64 32-byte seed', (err as Error).message);
  }
  return { adminApiKey, adminApiKeyPrevious, ledgerSigningKey };
}

/**
 * UNIT_SECRET (at least 32 characters); unset, a secret derived from the ledger signing key, so a start
 * needs no new setting. Set it before commissioning units in production: rotating the signing key then
 * leaves the check codes already printed valid.
 */
function unitSecretOf(env: Env, signingKey: LedgerSigningKey): Buffer {
  const configured = env.UNIT_SECRET;
  if (configured !== undefined && configured !== '') {
    if (configured.length < 32 || /\s/.test(configured))
      throw new ConfigError('UNIT_SECRET', 'a secret of at least 32 characters without spaces', `${configured.length} characters`);
    return Buffer.from(configured, 'utf8');
  }
  const pkcs8 = signingKey.privateKey.export({ format: 'der', type: 'pkcs8' });
  return createHash('sha256').update('suyuan unit secret from the signing key\u0000').update(pkcs8).digest();
}

/** PUBLIC_BASE_URL: in production https, since labels printed with it last; plain http only where ALLOW_HTTP_PUBLIC_BASE_URL says so (a local trial). */
function publicBaseUrlOf(env: Env, nodeEnv: AppConfig['env']): string | null {
  const allowHttp = boolean(env, 'ALLOW_HTTP_PUBLIC_BASE_URL', false) || nodeEnv !== 'production';
  if (allowHttp) return optionalUrl(env, 'PUBLIC_BASE_URL', ['http:', 'https:'], 'an http(s):// URL');
  return optionalUrl(
    env,
    'PUBLIC_BASE_URL',
    ['https:'],
    'an https:// URL in production (labels printed with it cannot be changed; ALLOW_HTTP_PUBLIC_BASE_URL=true allows http://)',
  );
}

function text(env: Env, name: string, fallback: string | undefined, pattern: RegExp, expected: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    if (fallback === undefined) throw new ConfigError(name, expected);
    return fallback;
  }
  if (!pattern.test(value)) throw new ConfigError(name, expected, JSON.stringify(value));
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new ConfigError(name, `an integer from ${min} to ${max}`, JSON.stringify(value));
  return n;
}

function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < min || n > max) throw new ConfigError(name, `a number from ${min} to ${max}`, JSON.stringify(value));
  return n;
}

/** An IANA time zone name the runtime knows (Asia/Shanghai, UTC, America/Los_Angeles, …). */
function timeZone(env: Env, name: string, fallback: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value.trim() }).resolvedOptions().timeZone;
  } catch {
    throw new ConfigError(name, 'an IANA time zone such as Asia/Shanghai or UTC', JSON.stringify(value));
  }
}

function dates(env: Env, name: string): ReadonlySet<string> {
  const value = env[name];
  if (value === undefined || value.trim() === '') return new Set();
  const days = value.split(',').map((d) => d.trim());
  const bad = days.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d);
  if (bad !== undefined) throw new ConfigError(name, 'dates as YYYY-MM-DD separated by commas', JSON.stringify(bad));
  return new Set(days);
}

function hosts(env: Env, name: string): ReadonlySet<string> {
  const value = env[name];
  if (value === undefined || value.trim() === '') return new Set();
  const names = value.split(',').map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/\.$/, ''),
  );
  const bad = names.find((h) => !/^[\w.:-]+$/.test(h));
  if (bad !== undefined) throw new ConfigError(name, 'host names or IP addresses separated by commas', JSON.stringify(bad));
  return new Set(names);
}

/** `<submission URL> <witness verifier key>` pairs separated by commas. */
function witnessList(env: Env, name: string): ConfiguredWitness[] {
  const value = env[name];
  if (value === undefined || value.trim() === '') return [];
  const expected = '"<http(s) URL> <witness verifier key>" pairs separated by commas';
  const witnesses = value.split(',').map((item, i) => {
    const parts = item.trim().split(/\s+/);
    if (parts.length !== 2) throw new ConfigError(name, expected, `item ${i + 1} is not a URL and a key`);
    let url: URL;
    try {
      url = new URL(parts[0]);
    } catch {
      throw new ConfigError(name, expected, `item ${i + 1}: not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, expected, `item ${i + 1}: protocol ${url.protocol}`);
    let key: WitnessKey;
    try {
      key = parseWitnessKey(parts[1]);
    } catch (err) {
      throw new ConfigError(name, expected, `item ${i + 1}: ${(err as Error).message}`);
    }
    return { url: parts[0].replace(/\/+$/, ''), key };
  });
  const labels = witnesses.map((w) => `${w.key.name}+${w.key.keyId.toString('hex')}`);
  const repeated = labels.find((l, i) => labels.indexOf(l) !== i);
  if (repeated) throw new ConfigError(name, expected, `witness ${repeated} is listed twice`);
  return witnesses;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(name, 'true or false', JSON.stringify(value));
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!allowed.includes(value as T)) throw new ConfigError(name, `one of ${allowed.join(', ')}`, JSON.stringify(value));
  return value as T;
}

/** URLs separated by commas, each checked as optionalUrl checks one (and, like it, never echoed: they may hold passwords). */
function urlList(env: Env, name: string, protocols: string[], expected: string): string[] {
  const value = env[name];
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((item, i) => {
    const url = optionalUrl({ [name]: item.trim() }, name, protocols, expected);
    if (url === null) throw new ConfigError(name, expected, `item ${i + 1} is empty`);
    return url;
  });
}

function optionalUrl(env: Env, name: string, protocols: string[], expected: string): string | null {
  const value = env[name];
  if (value === undefined || value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, expected, 'not a URL');
  }
  // Never echo a database URL back: it may hold a password.
  if (!protocols.includes(url.protocol)) throw new ConfigError(name, expected, `protocol ${url.protocol}`);
  return value;
}
