import { createPrivateKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { VerifierKey } from '../ledger/checkpoint-note.js';
import { decideAddCheckpoint, MAX_ADD_CHECKPOINT_BYTES, TLOG_SIZE_CONTENT_TYPE, WitnessedCheckpoint } from './add-checkpoint.js';
import { cosignatureLine, rawPublicKey, witnessVerifierKey } from './cosignature.js';

/**
 * The witness behind `npm run witness`: one log, one Ed25519 key, one state file. It serves
 * POST /add-checkpoint (C2SP tlog-witness) and cosigns a checkpoint only once it has written it to
 * the state file, one request at a time, so two requests can never both extend the same state.
 */
export interface WitnessOptions {
  name: string;
  logKey: VerifierKey;
  keyFile: string;
  stateFile: string;
  /** Seconds since the epoch; a test may fix it. */
  now?: () => number;
}

export interface WitnessState extends WitnessedCheckpoint {
  origin: string;
  /** The log's signed note that was cosigned, kept as evidence. */
  note: string;
}

/** The key in `file`, made (PKCS#8 PEM, readable by the owner only) when the file does not exist. */
export async function loadOrCreateWitnessKey(file: string): Promise<{ privateKey: KeyObject; created: boolean }> {
  if (existsSync(file)) {
    const privateKey = createPrivateKey({ key: readFileSync(file, 'utf8'), format: 'pem' });
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} holds a ${privateKey.asymmetricKeyType} key, expected Ed25519`);
    return { privateKey, created: false };
  }
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // 'wx': never overwrite a key another process made meanwhile.
  await writeFile(file, pem, { mode: 0o600, flag: 'wx', flush: true });
  return { privateKey: createPrivateKey({ key: pem, format: 'pem' }), created: true };
}

export function readWitnessState(file: string, origin: string): WitnessState | null {
  if (!existsSync(file)) return null;
  const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<WitnessState>;
  if (typeof state.origin !== 'string' || !Number.isSafeInteger(state.treeSize) || typeof state.rootHash !== 'string' || typeof state.note !== 'string') {
    throw new Error(`${file} is not a witness state (origin, treeSize, rootHash, note)`);
  }
  if (state.origin !== origin) throw new Error(`${file} is the state of ${state.origin}, not of ${origin}`);
  return state as WitnessState;
}

export class Witness {
  readonly verifierKey: string;
  private state: WitnessState | null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: WitnessOptions,
    private readonly privateKey: KeyObject,
  ) {
    this.verifierKey = witnessVerifierKey(options.name, rawPublicKey(privateKey));
    this.state = readWitnessState(options.stateFile, options.logKey.name);
  }

  get cosignedSize(): number | null {
    return this.state?.treeSize ?? null;
  }

  /** One request at a time: the check against the state and its update are one step. */
  addCheckpoint(body: string): Promise<{ status: number; contentType: string; body: string }> {
    const answer = this.queue.then(() => this.decideAndRecord(body));
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  private async decideAndRecord(body: string): Promise<{ status: number; contentType: string; body: string }> {
    const verdict = decideAddCheckpoint(body, this.options.logKey, this.state);
    if (verdict.status === 409) return { status: 409, contentType: TLOG_SIZE_CONTENT_TYPE, body: `${verdict.knownSize}\n` };
    if (verdict.status !== 200) return { status: verdict.status, contentType: 'text/plain; charset=utf-8', body: `${verdict.reason}\n` };
    const { checkpoint } = verdict;
    const next: WitnessState = {
      origin: checkpoint.origin,
      treeSize: checkpoint.treeSize,
      rootHash: checkpoint.rootHash.toString('base64'),
      note: body.slice(body.indexOf('\n\n') + 2),
    };
    await writeAtomically(this.options.stateFile, `${JSON.stringify(next, null, 2)}\n`);
    this.state = next;
    const now = this.options.now ?? (() => Math.floor(Date.now() / 1000));
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: cosignatureLine(checkpoint.body, this.options.name, this.privateKey, now()) };
  }

  /** POST /add-checkpoint; anything else 404, a body over the limit 413. */
  listen(port: number, host = '127.0.0.1'): Promise<Server> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.url !== '/add-checkpoint') return send(404, 'text/plain; charset=utf-8', 'not found: this witness serves POST /add-checkpoint\n');
    if (req.method !== 'POST') return send(405, 'text/plain; charset=utf-8', 'add-checkpoint takes POST\n');
    const body = await readBody(req, MAX_ADD_CHECKPOINT_BYTES);
    if (body === null) {
      send(413, 'text/plain; charset=utf-8', `request too large: over ${MAX_ADD_CHECKPOINT_BYTES} bytes\n`);
      req.destroy();
      return;
    }
    try {
      const answer = await this.addCheckpoint(body);
      send(answer.status, answer.contentType, answer.body);
    } catch (err) {
      send(500, 'text/plain; charset=utf-8', `the witness could not record the checkpoint: ${(err as Error).message}\n`);
    }
  }
}

/** The body as UTF-8 text, or null once it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, text, { encoding: 'utf8', flush: true });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
