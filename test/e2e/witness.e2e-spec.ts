import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseSigningKey, verifierKey } from '../../src/ledger/signing-key.js';
import { runVerify } from '../../src/verifier/verify-command.js';
import { formatAddCheckpoint, parseAddCheckpoint } from '../../src/witnesses/add-checkpoint.js';
import { cosignatureLine, cosignersOf, parseWitnessKey, rawPublicKey, splitNote, witnessVerifierKey } from '../../src/witnesses/cosignature.js';
import { WitnessesService } from '../../src/witnesses/witnesses.service.js';
import { createOrg, producerWithBatch } from '../support/builders.js';
import { LEDGER_SIZE, RECORD_EVENT } from '../support/documents.js';
import { exited, freePort } from '../support/service-process.js';
import { createTestApp, gqlOk, TEST_SIGNING_SEED, listenOnLoopback } from '../support/test-app.js';
import { testLog } from '../support/witness-log.js';
import { startWitness, type WitnessProcess } from '../support/witness-process.js';
import { createTestDatabase } from '../test-database.js';

const ORIGIN = 'suyuan.test/ledger';
const LOG_KEY = verifierKey(ORIGIN, parseSigningKey(TEST_SIGNING_SEED).publicKeyRaw);

/** A witness that answers add-checkpoint badly, in one of the ways a broken or hostile one might. */
type Misbehaviour = 'malformed' | 'oversized' | 'forged' | 'hanging';

async function startBadWitness(kind: Misbehaviour): Promise<{ server: Server; url: string; key: string; release: () => void }> {
  const privateKey = generateKeyPairSync('ed25519').privateKey;
  const name = `witness.bad/${kind}`;
  const key = witnessVerifierKey(name, rawPublicKey(privateKey));
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const checkpointBody = splitNote(parseAddCheckpoint(body).note).body;
      if (kind === 'hanging') return void held.push(res);
      if (kind === 'malformed')
        return void res.end(`\u2014 ${name} ${Buffer.concat([parseWitnessKey(key).keyId, Buffer.from('too short')]).toString('base64')}\n`);
      if (kind === 'oversized') return void res.end(cosignatureLine(checkpointBody, name, privateKey, 1).repeat(1000));
      // Signed by another key under this witness's name and key ID.
      const other = cosignatureLine(checkpointBody, name, generateKeyPairSync('ed25519').privateKey, 1).trim().split(' ')[2];
      const bytes = Buffer.from(other, 'base64');
      parseWitnessKey(key).keyId.copy(bytes, 0);
      res.end(`\u2014 ${name} ${bytes.toString('base64')}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const release = () => held.splice(0).forEach((res) => res.writeHead(503).end());
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, key, release };
}

/** One service on its own database, listening, with a regulator and a producer's batch of `events` events. */
async function startLedger(env: Record<string, string>, events: number) {
  const db = await createTestDatabase();
  const app = await createTestApp(db.url, { CHECKPOINT_INTERVAL_MS: '100', ...env });
  const base = await listenOnLoopback(app);
  const regulator = await createOrg(app, 'REGULATOR');
  const producer = await producerWithBatch(app);
  for (let i = 0; i < events; i++) {
    const input = { batchId: producer.batch.id, bizStep: 'STORING', eventTime: '2026-10-07T08:00:00.000Z', facilityId: producer.facilityId, details: { n: i } };
    await gqlOk(app, RECORD_EVENT, { input }, producer.org.key);
  }
  return { db, app, base, regulator, producer };
}
type Ledger = Awaited<ReturnType<typeof startLedger>>;

/** The served note once the service has signed a checkpoint of its whole ledger and `until` holds for it. */
async function servedNote(ledger: Ledger, until: (note: string) => boolean = () => true): Promise<string> {
  const { ledgerInfo } = await gqlOk(ledger.app, LEDGER_SIZE);
  for (let tries = 0; tries < 300; tries++) {
    const note = await (await fetch(`${ledger.base}/ledger/checkpoint`)).text();
    if (Number(note.split('\n')[1]) === ledgerInfo.size && until(note)) return note;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the served checkpoint did not come to cover the whole ledger as expected');
}

/** Each witness's status in the service once `until` holds for it (the witnesses answer on their own time). */
async function witnessStatus(ledger: Ledger, until: (errors: Record<string, string | null>) => boolean): Promise<Record<string, string | null>> {
  for (let tries = 0; tries < 300; tries++) {
    const errors = Object.fromEntries(
      ledger.app
        .get(WitnessesService)
        .status()
        .map((s) => [s.witness.split('+')[0], s.lastError]),
    );
    if (until(errors)) return errors;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the witnesses did not answer as expected');
}

async function verify(ledger: Ledger, ...args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runVerify(['--url', ledger.base, '--key', LOG_KEY, ...args], (l) => lines.push(l), { env: { SUYUAN_API_KEY: ledger.regulator.key } });
  return { code, output: lines.join('\n') };
}

async function cosignatureRows(ledger: Ledger): Promise<{ tree_size: string; witness: string }[]> {
  const client = new pg.Client({ connectionString: ledger.db.url });
  await client.connect();
  try {
    return (await client.query('SELECT tree_size, witness FROM checkpoint_cosignature ORDER BY tree_size, witness')).rows;
  } finally {
    await client.end();
  }
}

/**
 * Witnesses (C2SP tlog-witness): the witness command cosigns a ledger's checkpoints only as a
 * consistent history. Two services on two databases fork at the same size; the witness cosigns the
 * first and refuses the second; the served notes carry the cosignature; `npm run verify` asks for it.
 */
describe('witnesses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'suyuan-witness-'));
  let witness: WitnessProcess;
  const bad: Record<Misbehaviour, Awaited<ReturnType<typeof startBadWitness>>> = {} as never;
  let downUrl: string;
  let a: Ledger;
  let b: Ledger;
  let noteA: string;
  let witnessKey: ReturnType<typeof parseWitnessKey>;

  beforeAll(async () => {
    witness = await startWitness(dir, LOG_KEY, 'witness.test/w1');
    witnessKey = parseWitnessKey(witness.key);
    for (const kind of ['malformed', 'oversized', 'forged', 'hanging'] as const) bad[kind] = await startBadWitness(kind);
    downUrl = `http://127.0.0.1:${await freePort()}`;
    const downKey = witnessVerifierKey('witness.bad/down', rawPublicKey(generateKeyPairSync('ed25519').privateKey));
    const witnessUrls = [`${witness.url} ${witness.key}`, ...Object.values(bad).map((w) => `${w.url} ${w.key}`), `${downUrl} ${downKey}`].join(',');
    // A long timeout: the hanging witness must not hold up the others (it is released at the end).
    a = await startLedger({ WITNESS_URLS: witnessUrls, WITNESS_TIMEOUT_MS: '60000' }, 6);
    noteA = await servedNote(a, (note) => cosignersOf(note, [witnessKey]).cosigned.length === 1);
  });

  afterAll(async () => {
    bad.hanging?.release();
    for (const ledger of [a, b]) {
      await ledger?.app.close();
      await ledger?.db.drop();
    }
    for (const w of Object.values(bad)) await new Promise((r) => w.server.close(r));
    witness?.child.kill('SIGTERM');
    if (witness) await exited(witness.child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes its key when the key file does not exist, prints its C2SP verifier key, and keeps it across restarts', async () => {
    expect(witness.key).toMatch(/^witness\.test\/w1\+[0-9a-f]{8}\+/);
    expect(witness.output()).toContain(`Made a new witness key in ${join(dir, 'witness.key')}`);
    const second = spawn(
      process.execPath,
      [
        'dist/scripts/witness.js',
        '--port',
        '0',
        '--log-key',
        LOG_KEY,
        '--key',
        join(dir, 'witness.key'),
        '--state',
        join(dir, 'state.json'),
        '--name',
        'witness.test/w1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    second.stdout!.on('data', (d) => (output += d));
    await new Promise<void>((resolve) => second.stdout!.on('data', () => output.includes('Listening on') && resolve()));
    second.kill('SIGTERM');
    await exited(second);
    expect(output).toContain(`Witness verifier key: ${witness.key}`);
    expect(output).not.toContain('Made a new witness key');
  });

  it('cosigns the first service\u2019s checkpoint: GET /ledger/checkpoint, latestCheckpoint and the page\u2019s bundle carry the cosignature', async () => {
    const lines = splitNote(noteA).signatureLines;
    expect(lines[0].startsWith(`\u2014 ${ORIGIN} `)).toBe(true);
    expect(lines.filter((l) => l.startsWith('\u2014 witness.test/w1 '))).toHaveLength(1);
    const { latestCheckpoint } = await gqlOk(a.app, '{ latestCheckpoint { treeSize signedNote } }');
    expect(cosignersOf(latestCheckpoint.signedNote, [witnessKey]).cosigned).toHaveLength(1);
    const bundle = (await (await fetch(`${a.base}/q/${a.producer.batch.traceCode}/proof.json`)).json()) as { signedNote: string };
    expect(cosignersOf(bundle.signedNote, [witnessKey]).cosigned).toHaveLength(1);
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    expect(state).toMatchObject({ origin: ORIGIN, treeSize: Number(noteA.split('\n')[1]), rootHash: noteA.split('\n')[2] });
  });

  it('refuses the second service forked at the same size (409), and its note carries no cosignature', async () => {
    b = await startLedger({ WITNESS_URLS: `${witness.url} ${witness.key}` }, 6);
    const noteB = await servedNote(b);
    const size = Number(noteA.split('\n')[1]);
    expect(Number(noteB.split('\n')[1])).toBe(size);
    expect(noteB.split('\n')[2]).not.toBe(noteA.split('\n')[2]);
    const errors = await witnessStatus(b, (e) => e['witness.test/w1']?.includes('different tree') ?? false);
    expect(errors['witness.test/w1']).toContain(`refused (409): it has cosigned a different tree of size ${size}`);
    expect(cosignersOf(await servedNote(b), [witnessKey]).cosigned).toEqual([]);
    expect(await cosignatureRows(b)).toEqual([]);

    const res = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body: formatAddCheckpoint(size, [], noteB) });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(await res.text()).toBe(`${size}\n`);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).rootHash).toBe(noteA.split('\n')[2]);
  });

  it('npm run verify passes with --witness and --witnesses-needed 1 where the witness cosigned, and fails where it did not', async () => {
    const passed = await verify(a, '--witness', witness.key, '--witnesses-needed', '1');
    expect(passed.output).toContain('✓ cosigned by 1 of 1 trusted witnesses (1 needed): witness.test/w1+');
    expect(passed.code).toBe(0);
    const failed = await verify(b, '--witness', witness.key, '--witnesses-needed', '1');
    expect(failed.output).toContain('FAILED: witnesses: 0 of the 1 needed cosigned this checkpoint');
    expect(failed.code).toBe(1);
    const stranger = witnessVerifierKey('witness.example/other', rawPublicKey(generateKeyPairSync('ed25519').privateKey));
    expect((await verify(a, '--witness', witness.key, '--witness', stranger)).code).toBe(1);
    expect((await verify(a, '--witness', witness.key, '--witnesses-needed', '2')).code).toBe(2);
  });

  it('refuses a malformed, oversized or forged cosignature with a clear error, keeping nothing; a hanging or down witness delays only its own', async () => {
    const answered = ['malformed', 'oversized', 'forged', 'down'].map((kind) => `witness.bad/${kind}`);
    const errors = await witnessStatus(a, (e) => answered.every((w) => e[w] !== null));
    expect(errors['witness.test/w1']).toBeNull();
    expect(errors['witness.bad/malformed']).toContain('malformed cosignature');
    expect(errors['witness.bad/oversized']).toContain('over 4096 bytes');
    expect(errors['witness.bad/forged']).toContain('does not verify over this checkpoint');
    expect(errors['witness.bad/down']).toContain('cannot reach it');
    // The hanging witness has not answered yet, and the others' cosignatures were kept meanwhile.
    expect(errors['witness.bad/hanging']).toBeNull();
    const rows = await cosignatureRows(a);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.witness.split('+')[0]))).toEqual(new Set(['witness.test/w1']));
    const badKeys = Object.values(bad).map((w) => parseWitnessKey(w.key));
    expect(cosignersOf(await servedNote(a), badKeys).cosigned).toEqual([]);
  });

  it('the witness refuses bad requests with the status C2SP names and changes nothing', async () => {
    const before = readFileSync(join(dir, 'state.json'), 'utf8');
    const size = Number(noteA.split('\n')[1]);
    const post = (body: string) => fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body });
    const answers = {
      malformed: await post('hello'),
      oversized: await post(`old ${size}\n\n${'x'.repeat(20_000)}`),
      otherLog: await post(formatAddCheckpoint(0, [], testLog('other.example/log', ['x']).note(1))),
      unsigned: await post(formatAddCheckpoint(size, [], testLog(ORIGIN, ['x'], 99).note(1))),
      badProof: await post(formatAddCheckpoint(size, [Buffer.alloc(32)], noteA)),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, r.status]))).toEqual({
      malformed: 400,
      oversized: 413,
      otherLog: 404,
      unsigned: 403,
      badProof: 422,
    });
    expect(await answers.malformed.text()).toContain('"old <size>"');
    expect((await fetch(`${witness.url}/add-checkpoint`)).status).toBe(405);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(before);
  });
});
