import { describe, expect, it } from '@jest/globals';
import { startBanner, startRecord } from './start-banner.js';

const config = {
  env: 'development' as const,
  publicBaseUrl: 'http://localhost:3000',
  dataDir: './data',
  migrateOnStart: true,
  adminApiKey: 'sy_admin_k',
  ledgerOrigin: 'localhost/ledger',
  graphqlIntrospection: true,
};
const demo = {
  organizations: [{ name: '海河乳业', kind: 'PRODUCER' as const, apiKey: 'sy_k1' }],
  batches: [{ product: '生牛乳', lotCode: 'L1', traceCode: 'TC1', id: 'b1' }],
  facilities: [{ name: '牧场', id: 'f1' }],
};

describe('the start banner', () => {
  it('names the database, the migrations applied, the admin key and the demo’s keys, batches and facilities', () => {
    expect(startBanner(config, { embedded: true, migrationsApplied: ['A1', 'B2'], demo }).split('\n')).toEqual([
      '',
      'Suyuan (溯源) is running — development mode',
      '  GraphQL:     http://localhost:3000/graphql   (open it in a browser for GraphiQL, served offline)',
      '  Database:    embedded PostgreSQL, data in ./data/postgres (migrations applied: A1, B2)',
      '  Admin key:   sy_admin_k   (send as  Authorization: Bearer <key>)',
      '  Ledger:      origin localhost/ledger',
      '  Demo seeded:',
      '    PRODUCER  海河乳业  key sy_k1',
      '    batch 生牛乳 lot L1  id b1  trace code TC1  page http://localhost:3000/q/TC1',
      '    facility 牧场  id f1',
      '  Stop with Ctrl-C.',
      '',
    ]);
  });

  it('says when migrations are the owner’s, and leaves the demo out when none was seeded', () => {
    const banner = startBanner({ ...config, migrateOnStart: false }, { embedded: false, migrationsApplied: [], demo: undefined });
    expect(banner).toContain("  Database:    DATABASE_URL (up to date; migrations are the owner's: MIGRATE_ON_START=false)\n");
    expect(banner).not.toContain('Demo seeded');
  });

  it('does not send people to an IDE that is off', () => {
    const banner = startBanner({ ...config, env: 'production', graphqlIntrospection: false }, { embedded: false, migrationsApplied: [], demo: undefined });
    expect(banner).toContain('  GraphQL:     http://localhost:3000/graphql   (GraphiQL and introspection off: GRAPHQL_INTROSPECTION=true turns them on)\n');
  });

  it('says how many replicas reads may go to, never their URLs', () => {
    const replicated = { ...config, databaseReplicaUrls: ['postgres://reader:secret@r1/suyuan'] };
    const banner = startBanner(replicated, { embedded: false, migrationsApplied: [], demo: undefined });
    expect(banner).toContain('  Database:    DATABASE_URL; reads from 1 replica(s) in DATABASE_REPLICA_URLS\n');
    expect(banner).not.toContain('secret');
    expect(startRecord(replicated, { embedded: false, migrationsApplied: [], demo: undefined }).readReplicas).toBe(1);
  });

  it('logs the start as one record without any key', () => {
    const record = startRecord(config, { embedded: false, migrationsApplied: ['A1'], demo });
    expect(record).toEqual({
      mode: 'development',
      url: 'http://localhost:3000',
      database: 'DATABASE_URL',
      readReplicas: 0,
      migrationsApplied: ['A1'],
      ledgerOrigin: 'localhost/ledger',
      demoSeeded: true,
    });
    expect(JSON.stringify(record)).not.toContain('sy_');
  });
});
