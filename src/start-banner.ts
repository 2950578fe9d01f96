import type { AppConfig } from './config/config.js';
import type { DemoSummary } from './demo/seed-demo.js';

/** What the start found and did, for the banner or the start record. */
export interface StartFacts {
  embedded: boolean;
  migrationsApplied: string[];
  demo: DemoSummary | undefined;
  /** The workers of `npm run start:cluster`; absent for one process. */
  workers?: number;
}

type StartConfig = Pick<AppConfig, 'env' | 'publicBaseUrl' | 'dataDir' | 'migrateOnStart' | 'adminApiKey' | 'ledgerOrigin' | 'graphqlIntrospection'> &
  Partial<Pick<AppConfig, 'databaseReplicaUrls'>>;

/** One line for log collectors (LOG_FORMAT=json), and never a key: the admin key may be the production one. */
export function startRecord(config: StartConfig, facts: StartFacts): Record<string, unknown> {
  return {
    mode: config.env,
    url: config.publicBaseUrl,
    database: facts.embedded ? 'embedded' : 'DATABASE_URL',
    readReplicas: config.databaseReplicaUrls?.length ?? 0,
    migrationsApplied: facts.migrationsApplied,
    ledgerOrigin: config.ledgerOrigin,
    demoSeeded: facts.demo !== undefined,
    ...(facts.workers ? { workers: facts.workers } : {}),
  };
}

/** What a person starting the service needs: where it runs, the admin key, and the demo's keys and ids. */
export function startBanner(config: StartConfig, facts: StartFacts): string {
  const base = config.publicBaseUrl;
  const lines = [
    '',
    `Suyuan (溯源) is running — ${config.env} mode`,
    `  GraphQL:     ${base}/graphql   ${graphqlNote(config)}`,
    `  Database:    ${databaseLine(config, facts)}`,
    `  Admin key:   ${config.adminApiKey}   (send as  Authorization: Bearer <key>)`,
    `  Ledger:      origin ${config.ledgerOrigin}`,
  ];
  if (facts.workers) lines.push(`  Workers:     ${facts.workers} processes on the one port (rate limits and caps shared through the primary)`);
  const demo = facts.demo;
  if (demo) {
    lines.push('  Demo seeded:');
    for (const o of demo.organizations) lines.push(`    ${o.kind.padEnd(9)} ${o.name}  key ${o.apiKey}`);
    for (const b of demo.batches) lines.push(`    batch ${b.product} lot ${b.lotCode}  id ${b.id}  trace code ${b.traceCode}  page ${base}/q/${b.traceCode}`);
    for (const f of demo.facilities) lines.push(`    facility ${f.name}  id ${f.id}`);
  }
  lines.push('  Stop with Ctrl-C.', '');
  return lines.join('\n');
}

/** The IDE is the service's own (no internet needed), and only where introspection is on. */
function graphqlNote(config: StartConfig): string {
  if (config.graphqlIntrospection) return '(open it in a browser for GraphiQL, served offline)';
  return '(GraphiQL and introspection off: GRAPHQL_INTROSPECTION=true turns them on)';
}

function databaseLine(config: StartConfig, facts: StartFacts): string {
  const where = facts.embedded ? `embedded PostgreSQL, data in ${config.dataDir}/postgres` : 'DATABASE_URL';
  const applied = facts.migrationsApplied.length ? ` (migrations applied: ${facts.migrationsApplied.join(', ')})` : '';
  const owner = config.migrateOnStart ? '' : " (up to date; migrations are the owner's: MIGRATE_ON_START=false)";
  const replicas = config.databaseReplicaUrls?.length ? `; reads from ${config.databaseReplicaUrls.length} replica(s) in DATABASE_REPLICA_URLS` : '';
  return `${where}${applied}${owner}${replicas}`;
}
