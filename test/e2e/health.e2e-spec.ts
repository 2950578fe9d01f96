import { beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { connect, createServer, Server, Socket } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { MIGRATIONS } from '../../src/database/data-source-options.js';
import { HealthService } from '../../src/health/health.service.js';
import { LedgerWriter } from '../../src/ledger/ledger-writer.js';
import { draftEntry, LedgerEntry } from '../../src/ledger/ledger-entry.js';
import { runInRequestContext } from '../../src/logging/request-context.js';
import { StructuredLogger } from '../../src/logging/structured-logger.js';
import { createOrg, producerWithBatch } from '../support/builders.js';
import { exited, freePort, startService } from '../support/service-process.js';
import { createTestApp, gql, TEST_ADMIN_KEY, TEST_SIGNING_SEED, useTestApp } from '../support/test-app.js';
import { createTestDatabase } from '../test-database.js';
import { LEDGER_SIZE } from '../support/documents.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Installs a JSON logger whose lines the test reads. */
function captureLogs(app: INestApplication): string[] {
  const lines: string[] = [];
  app.useLogger(new StructuredLogger('json', { sink: (line) => lines.push(line) }));
  return lines;
}

/** The parsed line matching `where`, once written (the request line is written when the response closes). */
async function logLine(lines: string[], where: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find(where);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no such log line among:\n${lines.join('\n')}`);
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('health, request ids and request log lines', () => {
  const ctx = useTestApp();
  let lines: string[];
  beforeAll(() => {
    lines = captureLogs(ctx.app);
  });

  it('live: 200 with no key and nothing cached', async () => {
    const res = await request(ctx.app.getHttpServer()).get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('ready: each check ok and the ledger size', async () => {
    const res = await request(ctx.app.getHttpServer()).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const size = (await gql(ctx.app, LEDGER_SIZE)).data!.ledgerInfo.size;
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', ledger: 'ok' }, ledgerSize: size });
  });

  it('ready: 503 naming a migration the database has no record of', async () => {
    const name = new (MIGRATIONS.at(-1)!)().name!;
    const removed = await withClient(ctx.db.url, (c) => c.query('DELETE FROM migrations WHERE name = $1 RETURNING id, timestamp, name', [name]));
    expect(removed.rowCount).toBe(1);
    try {
      const res = await request(ctx.app.getHttpServer()).get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', checks: { database: 'ok', migrations: `missing ${name}`, ledger: 'ok' } });
    } finally {
      const { id, timestamp } = removed.rows[0];
      await withClient(ctx.db.url, (c) => c.query('INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)', [id, timestamp, name]));
    }
    expect((await request(ctx.app.getHttpServer()).get('/health/ready')).status).toBe(200);
  });

  it("echoes a caller's sane x-request-id, and gives others a new one", async () => {
    const server = ctx.app.getHttpServer();
    expect((await request(server).get('/health/live').set('x-request-id', 'lb-7f3a.01_x')).headers['x-request-id']).toBe('lb-7f3a.01_x');
    const graphql = await request(server).post('/graphql').set('content-type', 'application/json').set('x-request-id', 'gql-1').send({ query: LEDGER_SIZE });
    expect(graphql.headers['x-request-id']).toBe('gql-1');

    const generated = (await request(server).get('/health/live')).headers['x-request-id'];
    expect(generated).toMatch(UUID);
    for (const bad of ['has spaces', 'a'.repeat(65), '<script>', 'x;y']) {
      const id = (await request(server).get('/health/live').set('x-request-id', bad)).headers['x-request-id'];
      expect(id).toMatch(UUID);
    }
  });

  it('logs one JSON line per request: who, what, how it ended, and no key, query string or body', async () => {
    const org = await createOrg(ctx.app);
    const res = await request(ctx.app.getHttpServer())
      .post('/graphql?trace=abc')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${org.key}`)
      .set('x-request-id', 'log-line-1')
      .send({ query: 'query LedgerSize { ledgerInfo { size } }' });
    expect(res.status).toBe(200);

    const line = await logLine(lines, (l) => l.requestId === 'log-line-1' && l.msg === 'request');
    expect(line).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'info',
      msg: 'request',
      context: 'Http',
      requestId: 'log-line-1',
      method: 'POST',
      path: '/graphql',
      status: 200,
      durationMs: expect.any(Number),
      operationName: 'LedgerSize',
      caller: 'organization',
      organizationId: org.id,
    });

    await request(ctx.app.getHttpServer()).get('/health/ready?probe=1').set('x-request-id', 'log-line-2');
    expect(await logLine(lines, (l) => l.requestId === 'log-line-2')).toMatchObject({ method: 'GET', path: '/health/ready', status: 200 });

    const everything = lines.join('\n');
    expect(everything).not.toContain(org.key);
    expect(everything).not.toContain(TEST_ADMIN_KEY);
    expect(everything).not.toContain('trace=abc');
    expect(everything).not.toContain('ledgerInfo');
  });
  it("names the request whose command failed in the ledger writer's line, not the one that woke the writer, and writes the rest of its group", async () => {
    const writer = ctx.app.get(LedgerWriter);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ask = (requestId: string, run: () => Promise<unknown>) =>
      runInRequestContext({ requestId }, () => writer.execute({ actor: 'test', run }).catch((err: Error) => err));
    const waking = ask('wakes-the-writer', () => gate);
    // These two queue behind it and go as one group; the unexpected error fails only its own command.
    const failing = ask('group-a', async () => {
      throw new Error('connection lost');
    });
    const other = ask('group-b', async () => 'fine');
    release();
    const answers = await Promise.all([waking, failing, other]);
    expect(answers[1]).toEqual(new Error('connection lost'));
    expect(answers[2]).toBe('fine');

    const line = await logLine(lines, (l) => l.context === 'LedgerWriter');
    expect(line).toMatchObject({ level: 'error', msg: 'a command failed unexpectedly: connection lost', requestIds: ['group-a'] });
    expect(line).not.toHaveProperty('requestId');
  });
});

/** A TCP relay to PostgreSQL that can be frozen: connections stay open and nothing gets through, as with a hung server. */
class FreezableRelay {
  private frozen = false;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(private readonly target: URL) {
    this.server = createServer((client) => {
      this.track(client);
      if (this.frozen) return;
      const upstream = this.track(connect(Number(target.port || 5432), target.hostname));
      client.pipe(upstream).pipe(client);
    });
  }

  /** The target's URL with this relay in between. */
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const url = new URL(this.target);
    url.hostname = '127.0.0.1';
    url.port = String((this.server.address() as { port: number }).port);
    return url.toString();
  }

  freeze(): void {
    this.frozen = true;
    for (const socket of this.sockets) socket.unpipe().pause();
  }

  /** Cuts the frozen connections (their queries fail) and relays new ones again. */
  thaw(): void {
    this.frozen = false;
    for (const socket of this.sockets) socket.destroy();
  }

  close(): Promise<void> {
    this.thaw();
    return new Promise((r) => this.server.close(() => r()));
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket)).on('error', () => undefined);
    return socket;
  }
}

describe('readiness without a database', () => {
  it('a database that stops answering: 503 within the 2 s deadline, while live stays 200', async () => {
    const db = await createTestDatabase();
    const relay = new FreezableRelay(new URL(db.url));
    const app = await createTestApp(await relay.listen());
    try {
      expect((await request(app.getHttpServer()).get('/health/ready')).status).toBe(200);
      relay.freeze();
      const started = Date.now();
      const res = await request(app.getHttpServer()).get('/health/ready');
      const took = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', checks: { database: 'unreachable', migrations: 'unknown', ledger: 'unknown' } });
      // The deadline answered: not the pool's 10 s connect timeout, nor the 30 s statement timeout.
      expect(took).toBeGreaterThanOrEqual(1900);
      expect(took).toBeLessThan(5000);
      expect((await request(app.getHttpServer()).get('/health/live')).status).toBe(200);
    } finally {
      relay.thaw();
      await app.close();
      await relay.close();
      await db.drop();
    }
  }, 30_000);

  it('a dropped database: 503 at once, and the internal error of a query is logged with its request id', async () => {
    const db = await createTestDatabase();
    const app = await createTestApp(db.url);
    const lines = captureLogs(app);
    try {
      await db.drop();
      const started = Date.now();
      const ready = await request(app.getHttpServer()).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(ready.body.checks.database).toBe('unreachable');
      expect(JSON.stringify(ready.body)).not.toMatch(/select|does not exist|suyuan_test/i);

      const res = await request(app.getHttpServer())
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('x-request-id', 'dropped-1')
        .send({ query: LEDGER_SIZE });
      expect(res.body.errors[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      const logged = await logLine(lines, (l) => l.requestId === 'dropped-1' && l.context === 'Errors');
      expect(logged).toMatchObject({
        context: 'Errors',
        msg: expect.stringMatching(/database .* does not exist|terminat/),
        stack: expect.stringContaining('\n    at '),
      });
    } finally {
      await app.close();
    }
  }, 30_000);
});

describe('shutdown', () => {
  it('readiness turns 503 once shutdown begins, and close waits for the append group in flight', async () => {
    const db = await createTestDatabase();
    const app = await createTestApp(db.url);
    const health = app.get(HealthService);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inFlight: Promise<LedgerEntry[]> = app.get(LedgerWriter).execute({
      actor: 'test',
      run: async (context) => {
        await gate;
        return context.append([draftEntry('SHUTDOWN_TEST_NOTE', null, { note: 'written while the service was stopping' })]);
      },
    });
    expect((await health.readiness()).ready).toBe(true);
    const closing = app.close();
    // Apollo stops accepting connections as soon as close() begins, so the answer is read from the service itself.
    await new Promise((r) => setTimeout(r, 50));
    expect(await health.readiness()).toEqual({ ready: false, body: { status: 'shutting down' } });
    let closed = false;
    void closing.then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false); // still waiting for the writer

    release();
    await closing;
    const [entry] = await inFlight;
    const stored = await withClient(db.url, (c) => c.query('SELECT hash FROM ledger_entry WHERE seq = $1', [entry.seq]));
    expect(stored.rows).toEqual([{ hash: entry.hash }]);
    await db.drop();
  });

  it('writes every log line before it exits, even to a reader that falls behind', async () => {
    // What the service's stop does after closing, in a process of its own (the compiled module: run tsc first).
    const script = `
      import { flushStandardStreams } from './dist/src/logging/structured-logger.js';
      for (let i = 0; i < 2000; i++) process.stdout.write(JSON.stringify({ msg: 'request', line: i, pad: 'x'.repeat(200) }) + '\\n');
      await flushStandardStreams();
      process.exit(0);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    const busyUntil = performance.now() + 500;
    while (performance.now() < busyUntil); // the reader falls behind: the pipe fills and the rest waits in the process
    expect(await exited(child)).toBe(0);
    expect(output.trim().split('\n')).toHaveLength(2000);
  });

  describe('the compiled service, stopped with SIGTERM during a burst of appends', () => {
    it('answers what it took in, every answered append is in the ledger, it exits 0 and logs only JSON lines', async () => {
      const db = await createTestDatabase();
      const setup = await createTestApp(db.url);
      const { org, facilityId, batch } = await producerWithBatch(setup);
      await setup.close();

      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: db.url,
        PUBLIC_BASE_URL: 'https://suyuan.test',
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_API_KEY: TEST_ADMIN_KEY,
        LEDGER_SIGNING_KEY: TEST_SIGNING_SEED,
        LEDGER_ORIGIN: 'suyuan.test/ledger',
      };
      delete env.LOG_FORMAT;
      const service = await startService(env, '"msg":"started"');

      const BURST = 200;
      const SIGTERM_AFTER = 20;
      let answered = 0;
      let sigtermAt = Infinity;
      const stop = () => {
        if (sigtermAt !== Infinity) return;
        sigtermAt = performance.now();
        service.child.kill('SIGTERM');
      };
      const store = async (shelf: number) => {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${org.key}`, 'x-request-id': `store-${shelf}` },
            body: JSON.stringify({
              // Named (the log is searched for operationName Store) and with the hash (compared with the stored entry's).
              query: 'mutation Store($input: RecordEventInput!) { recordEvent(input: $input) { seq hash } }',
              variables: { input: { batchId: batch.id, bizStep: 'STORING', eventTime: new Date().toISOString(), facilityId, details: { shelf } } },
            }),
          });
          const body = (await res.json()) as { data?: { recordEvent: { seq: number; hash: string } } | null; errors?: unknown[] };
          return { shelf, status: res.status, entry: body.data?.recordEvent, errors: body.errors, at: performance.now() };
        } catch {
          return { shelf, status: 0, entry: undefined, errors: undefined, at: performance.now() }; // refused or cut: no answer
        } finally {
          if (++answered === SIGTERM_AFTER) stop();
        }
      };
      const results = await Promise.all(Array.from({ length: BURST }, (_, shelf) => store(shelf)));
      stop();
      expect(await exited(service.child)).toBe(0);

      const ok = results.filter((r) => r.status === 200);
      // Every 200 is an entry (no error the shutdown caused), and some were answered after the signal: they were in flight.
      expect(ok.filter((r) => !r.entry)).toEqual([]);
      expect(ok.filter((r) => r.at > sigtermAt).length).toBeGreaterThan(0);
      expect(results.filter((r) => r.status !== 200 && r.status !== 0)).toEqual([]);

      const seqs = ok.map((r) => r.entry!.seq);
      const stored = await withClient(db.url, (c) =>
        c.query<{ seq: string; hash: string }>('SELECT seq, hash FROM ledger_entry WHERE seq = ANY($1::bigint[])', [seqs]),
      );
      const storedHash = new Map(stored.rows.map((row) => [Number(row.seq), row.hash]));
      for (const r of ok) expect(storedHash.get(r.entry!.seq)).toBe(r.entry!.hash);

      const logLines = service.output().trim().split('\n');
      const parsed = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const logged = new Set(parsed.filter((l) => l.msg === 'request' && l.operationName === 'Store' && l.status === 200).map((l) => l.requestId));
      expect(ok.filter((r) => !logged.has(`store-${r.shelf}`))).toEqual([]);
      expect(parsed.some((l) => l.context === 'Shutdown' && /SIGTERM/.test(String(l.msg)))).toBe(true);
      expect(service.output()).not.toContain(TEST_ADMIN_KEY);
      await db.drop();
    }, 120_000);
  });
});
