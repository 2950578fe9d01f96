import { existsSync, readFileSync } from 'node:fs';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Checkpoint, openSignedNote, parseVerifierKey, VerifierKey } from '../ledger/checkpoint-note.js';
import { verifyConsistency } from '../ledger/merkle-verify.js';
import { cosignersOf, parseWitnessKey, WitnessKey } from '../witnesses/cosignature.js';
import { ExportVerifier } from './export-verifier.js';
import { feedLinesInParallel, WORKERS_FROM_ENTRIES } from './parallel-export.js';
import {
  entriesChecked,
  entriesProblem,
  exportHttpProblem,
  isVerifyState,
  previousCheckpointProblem,
  progressLine,
  rate,
  witnessesProblem,
  type VerifyState,
} from './verify-checks.js';

/**
 * `npm run verify -- …`: checks a ledger export against a signed checkpoint with no trust in the
 * service (LEDGER-SPEC §5.5), and, with --state, that the ledger only grew since the last run.
 * Exit codes: 0 everything holds, 1 a check failed (or the service or a file could not be read),
 * 2 usage error.
 */
export const USAGE = [
  'usage: suyuan-verify --url <base URL> --key <verifier key> [--api-key <key>] [--state <file>]',
  '       suyuan-verify --file <export.jsonl> --checkpoint <signed note file> --key <verifier key> [--state <file>]',
  '  (in the repository, after npm run build: npm run verify -- <the same options>)',
  '  --key takes the verifier key text (<name>+<key id>+<base64 key>) or a file holding it;',
  '  --api-key (or env SUYUAN_API_KEY) is a regulator or admin API key, needed to read the export.',
  '  --witness <witness verifier key or file> (repeatable) trusts a C2SP witness; --witnesses-needed N (default: all given)',
  '  is how many of them must have cosigned the checkpoint.',
  '  --workers N: worker threads checking entries (default: one a CPU; 0 checks in this thread only).',
  '  --progress: a progress line on stderr (entries checked, rate, ETA), which is shown anyway when stderr is a terminal.',
].join('\n');

export interface VerifyOptions {
  /** Defaults to process.env; SUYUAN_API_KEY is read from it. */
  env?: Record<string, string | undefined>;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Where progress lines go; defaults to process.stderr. */
  progress?: { write(text: string): unknown; isTTY?: boolean };
}

class UsageError extends Error {}
/** A check that failed: reported, exit 1. */
class CheckFailed extends Error {}

const MARK_OK = '✓';
const MARK_FAIL = '✗';

/** One run: where it reads from, how it fetches, and how it reports each check (a failed one ends the run with CheckFailed). */
interface Run {
  args: VerifyArgs;
  fetch: typeof fetch;
  progress: { write(text: string): unknown; isTTY?: boolean };
  out: (line: string) => void;
  ok: (text: string) => void;
  fail: (text: string) => never;
}

export async function runVerify(args: string[], out: (line: string) => void, options: VerifyOptions = {}): Promise<number> {
  const parsed = parseOrExplain(args, options.env ?? process.env, out);
  if ('exitCode' in parsed) return parsed.exitCode;
  const run: Run = {
    args: parsed,
    fetch: options.fetch ?? fetch,
    progress: options.progress ?? process.stderr,
    out,
    ok: (text) => out(`${MARK_OK} ${text}`),
    fail: (text) => {
      out(`${MARK_FAIL} ${text}`);
      throw new CheckFailed(text);
    },
  };
  try {
    await verifyLedger(run);
    out('OK: every check holds');
    return 0;
  } catch (err) {
    if (!(err instanceof CheckFailed)) throw err;
    out(`FAILED: ${err.message}`);
    return 1;
  }
}

/** The command line, or the exit code once usage (asked for, or after a usage error) is printed. */
function parseOrExplain(args: string[], env: Record<string, string | undefined>, out: (line: string) => void): VerifyArgs | { exitCode: number } {
  let parsed: ParsedArgs;
  try {
    parsed = parseCommandLine(args, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    out(`error: ${err.message}`);
    out(USAGE);
    return { exitCode: 2 };
  }
  if (parsed.help) {
    out(USAGE);
    return { exitCode: 0 };
  }
  return parsed;
}

async function verifyLedger(run: Run): Promise<void> {
  const { note, checkpoint } = await openCheckpoint(run);
  checkWitnesses(run, note);
  const previous = await previousCheckpoint(run, checkpoint);
  const roots = await verifyEntries(run, checkpoint.treeSize, previous);
  checkRoot(run, checkpoint, roots);
  if (previous) await checkPrefix(run, previous, checkpoint, roots);
  if (run.args.stateFile) await keepCheckpoint(run, run.args.stateFile, checkpoint, note);
}

/** 1. The checkpoint, opened with the key. */
async function openCheckpoint({ args, fetch: doFetch, out, ok, fail }: Run): Promise<{ note: string; checkpoint: Checkpoint }> {
  const source = args.mode === 'url' ? `${args.base}/ledger/checkpoint` : args.checkpointFile;
  let note: string;
  try {
    note = args.mode === 'url' ? await httpText(doFetch, `${args.base}/ledger/checkpoint`) : await readFile(args.checkpointFile, 'utf8');
  } catch (err) {
    return fail(`checkpoint: cannot read ${source}: ${(err as Error).message}`);
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = openSignedNote(note, args.key);
  } catch (err) {
    return fail(`checkpoint signature: ${(err as Error).message}`);
  }
  out(`Checkpoint ${checkpoint.origin}  size ${checkpoint.treeSize}  root ${checkpoint.rootHash.toString('hex')}`);
  ok(`checkpoint signature by ${args.key.name}+${args.key.keyId.toString('hex')}`);
  return { note, checkpoint };
}

/** 1b. Enough of the trusted witnesses cosigned it (C2SP tlog-cosignature): the same history was shown to them. */
function checkWitnesses({ args, ok, fail }: Run, note: string): void {
  if (args.witnesses.length === 0) return;
  let result: { cosigned: string[]; invalid: string[] };
  try {
    result = cosignersOf(note, args.witnesses);
  } catch (err) {
    return fail(`witnesses: ${(err as Error).message}`);
  }
  const problem = witnessesProblem(result.cosigned, args.witnessesNeeded, result.invalid);
  if (problem) fail(problem);
  ok(`cosigned by ${result.cosigned.length} of ${args.witnesses.length} trusted witnesses (${args.witnessesNeeded} needed): ${result.cosigned.join(', ')}`);
}

/** 2. The checkpoint seen before, if any: this one must extend it. */
async function previousCheckpoint({ args, out, fail }: Run, checkpoint: Checkpoint): Promise<VerifyState | null> {
  if (!args.stateFile) return null;
  const previous = await readState(args.stateFile, fail);
  if (!previous) {
    out(`  (no state file yet at ${args.stateFile}: this checkpoint will be the first one kept)`);
    return null;
  }
  const problem = previousCheckpointProblem(previous, checkpoint, args.stateFile);
  if (problem) fail(problem);
  return previous;
}

/** 3. Every entry, and the Merkle roots at the checkpoint sizes. */
async function verifyEntries(run: Run, size: number, previous: VerifyState | null): Promise<Map<number, Buffer>> {
  const verifier = new ExportVerifier({ rootsAt: previous ? [size, previous.treeSize] : [size] });
  const started = process.hrtime.bigint();
  const progress = progressReporter(run, size, started);
  try {
    await feedExport(run, size, verifier, progress.update);
  } catch (err) {
    if (err instanceof CheckFailed) throw err;
    run.fail(`export: reading it failed after ${verifier.size} entries: ${(err as Error).message}`);
  }
  progress.end(verifier.size);
  const result = verifier.finish(size);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  run.out(`  ${result.checkedEntries} entries checked in ${seconds.toFixed(2)} s (${rate(result.checkedEntries, seconds)} entries/s)`);
  const problem = entriesProblem(result);
  if (problem) run.fail(problem);
  run.ok(entriesChecked(result, size));
  return result.roots;
}

/** The export's lines, from the service (entries 1 to the checkpoint's size) or the file, into the verifier. */
async function feedExport({ args, fetch: doFetch, fail }: Run, size: number, verifier: ExportVerifier, onProgress: (checked: number) => void): Promise<void> {
  let body: AsyncIterable<Uint8Array>;
  if (args.mode === 'file') body = fileChunks(args.exportFile);
  else {
    if (size === 0) return;
    const headers: Record<string, string> = { accept: 'application/x-ndjson' };
    if (args.apiKey) headers.authorization = `Bearer ${args.apiKey}`;
    const res = await doFetch(`${args.base}/ledger/export?fromSeq=1&toSeq=${size}`, { headers });
    if (!res.ok || !res.body) return fail(exportHttpProblem(res.status, res.statusText, await res.text().catch(() => '')));
    body = res.body as unknown as AsyncIterable<Uint8Array>;
  }
  const workers = args.workers ?? Math.min(availableParallelism(), 8);
  if (workers > 0 && size >= WORKERS_FROM_ENTRIES && existsSync(fileURLToPath(WORKER_SCRIPT))) {
    return feedLinesInParallel(body, verifier, { workerScript: WORKER_SCRIPT, workers, onProgress });
  }
  return feedLines(body, verifier, onProgress);
}

/** The compiled worker; absent when this module runs from TypeScript sources (tests), which then check in one thread. */
const WORKER_SCRIPT = new URL('./verify-worker.js', import.meta.url);

/**
 * The progress line on long checks: rewritten in place on a terminal, a line every few seconds
 * when asked for with --progress on anything else; never on stdout, which holds the report.
 */
function progressReporter({ args, progress }: Run, total: number, started: bigint): { update: (checked: number) => void; end: (checked: number) => void } {
  const tty = progress.isTTY === true;
  if (!tty && !args.progress) return { update: () => undefined, end: () => undefined };
  const everyMs = tty ? 250 : 5000;
  let last = 0;
  let shown = false;
  const update = (checked: number): void => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (ms - last < everyMs) return;
    last = ms;
    shown = true;
    const text = progressLine(checked, total, ms / 1000);
    progress.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
  };
  // The terminal's line is cleared for the report; asked for elsewhere, the last line says where it ended.
  const end = (checked: number): void => {
    if (tty) {
      if (shown) progress.write('\r\x1b[K');
    } else progress.write(`${progressLine(checked, total, Number(process.hrtime.bigint() - started) / 1e9)}\n`);
  };
  return { update, end };
}

function checkRoot({ ok, fail }: Run, checkpoint: Checkpoint, roots: Map<number, Buffer>): void {
  const size = checkpoint.treeSize;
  const root = roots.get(size)!;
  if (!root.equals(checkpoint.rootHash)) {
    fail(`Merkle root of entries 1–${size} is ${root.toString('hex')}, the checkpoint's is ${checkpoint.rootHash.toString('hex')}`);
  }
  ok(`Merkle root of entries 1–${size} equals the checkpoint root`);
}

/** 4. The earlier checkpoint is a prefix of this one: by the export's root at its size, and (from a service) by a consistency proof. */
async function checkPrefix(run: Run, previous: VerifyState, checkpoint: Checkpoint, roots: Map<number, Buffer>): Promise<void> {
  const { args, ok, fail } = run;
  const size = checkpoint.treeSize;
  const oldRoot = Buffer.from(previous.rootHash, 'hex');
  if (!roots.get(previous.treeSize)!.equals(oldRoot)) {
    fail(`previous checkpoint (size ${previous.treeSize}): the export's root at that size differs from the root seen before: history before it was rewritten`);
  }
  ok(`previous checkpoint (size ${previous.treeSize}): same origin, the ledger did not shrink, its root matches the export's (history unchanged)`);
  if (args.mode !== 'url' || previous.treeSize <= 0 || previous.treeSize >= size) return;
  let proof: Buffer[];
  try {
    proof = await consistencyProof(run.fetch, args.base, previous.treeSize, size);
  } catch (err) {
    return fail(`consistency proof ${previous.treeSize} → ${size}: ${(err as Error).message}`);
  }
  if (!verifyConsistency(previous.treeSize, size, proof, oldRoot, checkpoint.rootHash)) {
    fail(`consistency proof ${previous.treeSize} → ${size} from the service does not verify`);
  }
  ok(`consistency proof ${previous.treeSize} → ${size} verifies`);
}

/** 5. Keep this checkpoint for next time. */
async function keepCheckpoint({ out, fail }: Run, stateFile: string, checkpoint: Checkpoint, note: string): Promise<void> {
  const size = checkpoint.treeSize;
  const state: VerifyState = { origin: checkpoint.origin, treeSize: size, rootHash: checkpoint.rootHash.toString('hex'), signedNote: note };
  try {
    await writeStateAtomically(stateFile, state);
  } catch (err) {
    return fail(`state: cannot write ${stateFile}: ${(err as Error).message}`);
  }
  out(`  state saved to ${stateFile} (size ${size})`);
}

/**
 * The file's bytes, a megabyte at a time, read into one buffer that each chunk reuses: a chunk is
 * valid until the next is asked for (both readers copy what they keep). A new buffer a read, as a
 * read stream makes, cost the checking thread more time in the garbage collector than in reading.
 */
async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = new Uint8Array(1 << 20);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

/**
 * Feeds the stream's lines to the verifier until it ends or the verifier fails. Splits on the
 * "\n" byte (never part of a multi-byte UTF-8 sequence) and hands each line over as bytes, holding
 * at most one partial line between chunks.
 */
async function feedLines(chunks: AsyncIterable<Uint8Array>, verifier: ExportVerifier, onProgress: (checked: number) => void): Promise<void> {
  let pending: Buffer | null = null;
  for await (const chunk of chunks) {
    const fresh = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const bytes: Buffer = pending ? Buffer.concat([pending, fresh]) : fresh;
    let start = 0;
    let nl: number;
    while ((nl = bytes.indexOf(10, start)) >= 0) {
      if (!verifier.pushBytes(bytes, start, nl)) return; // leaving the loop cancels the stream
      start = nl + 1;
    }
    pending = start < bytes.length ? Buffer.from(bytes.subarray(start)) : null;
    onProgress(verifier.size);
  }
  if (pending) verifier.pushBytes(pending, 0, pending.length);
}

async function httpText(doFetch: typeof fetch, url: string): Promise<string> {
  const res = await doFetch(url, { headers: { accept: 'text/plain' } });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`);
  return text;
}

async function consistencyProof(doFetch: typeof fetch, base: string, fromSize: number, toSize: number): Promise<Buffer[]> {
  const res = await doFetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      query: 'query($a: SafeInt!, $b: SafeInt!) { consistencyProof(fromSize: $a, toSize: $b) { hashes } }',
      variables: { a: fromSize, b: toSize },
    }),
  });
  const text = await res.text();
  let body: { data?: { consistencyProof?: { hashes?: unknown } } | null; errors?: { message: string }[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status}: not a GraphQL response: ${text.slice(0, 200)}`);
  }
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  const hashes = body.data?.consistencyProof?.hashes;
  if (!Array.isArray(hashes) || !hashes.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))) {
    throw new Error('the response has no list of 64-digit hex hashes');
  }
  return hashes.map((h: string) => Buffer.from(h, 'hex'));
}

async function readState(file: string, fail: (t: string) => never): Promise<VerifyState | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return fail(`state: cannot read ${file}: ${(err as Error).message}`);
  }
  let state: Partial<VerifyState>;
  try {
    state = JSON.parse(text);
  } catch {
    return fail(`state: ${file} is not JSON`);
  }
  if (!isVerifyState(state)) return fail(`state: ${file} does not hold origin, treeSize and a hex rootHash`);
  return state;
}

async function writeStateAtomically(file: string, state: VerifyState): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`, { encoding: 'utf8', flush: true });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

type VerifyArgs = {
  help: false;
  key: VerifierKey;
  stateFile: string | null;
  witnesses: WitnessKey[];
  witnessesNeeded: number;
  /** null: one a CPU. */
  workers: number | null;
  progress: boolean;
} & ({ mode: 'url'; base: string; apiKey: string | null } | { mode: 'file'; exportFile: string; checkpointFile: string });
type ParsedArgs = { help: true } | VerifyArgs;

function parseCommandLine(args: string[], env: Record<string, string | undefined>): ParsedArgs {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        file: { type: 'string' },
        checkpoint: { type: 'string' },
        key: { type: 'string' },
        state: { type: 'string' },
        'api-key': { type: 'string' },
        witness: { type: 'string', multiple: true },
        'witnesses-needed': { type: 'string' },
        workers: { type: 'string' },
        progress: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return { help: true };
  const str = (name: string): string | undefined => {
    const v = values[name];
    if (v === '') throw new UsageError(`--${name} is empty`);
    return v as string | undefined;
  };
  const url = str('url');
  const file = str('file');
  const checkpointFile = str('checkpoint');
  const keyText = str('key');
  const stateFile = str('state') ?? null;
  if ((url === undefined) === (file === undefined)) throw new UsageError('give either --url or --file');
  if (keyText === undefined) throw new UsageError('--key is required');
  const key = readKey(keyText);
  const { witnesses, witnessesNeeded } = witnessPolicy((values.witness as string[] | undefined) ?? [], str('witnesses-needed'));
  const workersText = str('workers');
  if (workersText !== undefined && !/^(0|[1-9][0-9]?)$/.test(workersText))
    throw new UsageError(`--workers must be a whole number from 0 to 99, got ${JSON.stringify(workersText)}`);
  const common = {
    key,
    stateFile,
    witnesses,
    witnessesNeeded,
    workers: workersText === undefined ? null : Number(workersText),
    progress: values.progress === true,
  };
  if (url !== undefined) {
    if (checkpointFile !== undefined) throw new UsageError('--checkpoint goes with --file; with --url the checkpoint is fetched');
    let base: URL;
    try {
      base = new URL(url);
    } catch {
      throw new UsageError(`--url ${JSON.stringify(url)} is not a URL`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError('--url must be http or https');
    const apiKey = str('api-key') ?? (env.SUYUAN_API_KEY || null);
    return { help: false, mode: 'url', base: url.replace(/\/+$/, ''), apiKey, ...common };
  }
  if (checkpointFile === undefined) throw new UsageError('--file needs --checkpoint <signed note file>');
  if (values['api-key'] !== undefined) throw new UsageError('--api-key goes with --url');
  return { help: false, mode: 'file', exportFile: file!, checkpointFile, ...common };
}

/** The trusted witnesses' keys (each the text or a file holding it) and how many must cosign. */
function witnessPolicy(texts: string[], neededText: string | undefined): { witnesses: WitnessKey[]; witnessesNeeded: number } {
  const witnesses = texts.map((text) => {
    try {
      return parseWitnessKey(existsSync(text) ? readFileSync(text, 'utf8') : text);
    } catch (err) {
      throw new UsageError(`--witness ${text.slice(0, 80)}: ${(err as Error).message}`);
    }
  });
  if (neededText === undefined) return { witnesses, witnessesNeeded: witnesses.length };
  if (!/^(0|[1-9][0-9]{0,3})$/.test(neededText)) throw new UsageError(`--witnesses-needed must be a whole number, got ${JSON.stringify(neededText)}`);
  const witnessesNeeded = Number(neededText);
  if (witnessesNeeded > witnesses.length) {
    throw new UsageError(`--witnesses-needed ${witnessesNeeded} is more than the ${witnesses.length} witnesses given with --witness`);
  }
  return { witnesses, witnessesNeeded };
}

/** The key text itself, or a file holding it. */
function readKey(text: string): VerifierKey {
  try {
    return parseVerifierKey(text);
  } catch (err) {
    if (existsSync(text)) {
      try {
        return parseVerifierKey(readFileSync(text, 'utf8'));
      } catch (fileErr) {
        throw new UsageError(`--key file ${text}: ${(fileErr as Error).message}`);
      }
    }
    throw new UsageError(`--key: ${(err as Error).message}`);
  }
}
