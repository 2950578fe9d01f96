import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReplicationPair } from '../src/database/replication-pair.js';

/**
 * `npm run cluster:local`: a PostgreSQL primary and a streaming replica (src/database/replication-pair.ts),
 * and the service against both (DATABASE_URL the primary, DATABASE_REPLICA_URLS the replica). The
 * service's own start migrates the primary and seeds the demo. Ctrl-C stops everything.
 *
 * PORT (default 3000) is where the service listens.
 */
const log = (line: string) => console.log(`[cluster] ${line}`);
const port = process.env.PORT || '3000';
const pair = await startReplicationPair({ log });
const database = await pair.createDatabase('suyuan');
const dataDir = mkdtempSync(join(tmpdir(), 'suyuan-cluster-data-'));

// The clustered service, one worker per core, from the build `npm run cluster:local` has just made.
const how = 'node dist/src/cluster-main.js, one worker per core';
const service = spawn(process.execPath, ['dist/src/cluster-main.js'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PORT: port,
    DATABASE_URL: database.primaryUrl,
    DATABASE_REPLICA_URLS: database.replicaUrl,
    SEED_DEMO: 'true',
    DATA_DIR: dataDir,
  },
});

console.log(
  [
    '',
    'Suyuan local cluster',
    `  primary PostgreSQL   127.0.0.1:${pair.primaryPort}   (writes, migrations, LISTEN/NOTIFY)`,
    `  replica PostgreSQL   127.0.0.1:${pair.replicaPort}   (streaming from the primary; reads)`,
    `  service              http://127.0.0.1:${port}   (${how})`,
    `  psql: psql ${database.primaryUrl}   /   psql ${database.replicaUrl}`,
    '  Ctrl-C stops the service and both servers and removes their data.',
    '',
  ].join('\n'),
);

let stopping = false;
async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping');
  if (service.exitCode === null) {
    const exited = new Promise((resolve) => service.once('exit', resolve));
    service.kill('SIGINT');
    await exited;
  }
  await pair.stop();
  rmSync(dataDir, { recursive: true, force: true });
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
service.once('exit', (code) => void stopAll(code ?? 1));
