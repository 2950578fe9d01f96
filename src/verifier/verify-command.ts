import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Checkpoint, openSignedNote, parseVerifierKey, VerifierKey } from '../ledger/checkpoint-note.js';
import { verifyConsistency } from '../ledger/merkle-verify.js';
import { ExportVerification, ExportVerifier } from './export-verifier.js';

/**
 * `npm run verify -- …`: checks a ledger export against a signed checkpoint with no trust in the
 * service (LEDGER-SPEC §5.5), and, with --state, that the ledger only grew since the last run.
 * Exit codes: 0 everything holds, 1 a check failed (or the service or a file could not be read),
 * 2 usage error.
 */
export const USAGE = [
  'usage: npm run verify -- --url <base URL> --key <verifier key> [--api-key <key>] [--state <file>]',
  '       npm run verify -- --file <export.jsonl> --checkpoint <signed note file> --key <verifier key> [--state <file>]',
  '  --key takes the verifier key text (<name>+<key id>+<base64 key>) or a file holding it;',
  '  --api-key (or env SUYUAN_API_KEY) is a regulator or admin API key, needed to read the export.',
].join('\n');

/** What --state keeps between runs: the last checkpoint that verified. */
export interface VerifyState {
  origin: string;
  treeSize: number;
  /** hex */
  rootHash: string;
  signedNote: string;
}

export interface VerifyOptions {
  /** Defaults to process.env; SUYUAN_API_KEY is read from it. */
  env?: Record<string, string | undefined>;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

class UsageError extends Error {}
/** A check that failed: reported, exit 1. */
class CheckFailed extends Error {}

const MARK_OK = '✓';
const MARK_FAIL = '✗';

export async function runVerify(args: string[], out: (line: string) => void, options: VerifyOptions = {}): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseCommandLine(args, options.env ?? process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    out(`error: ${err.message}`);
    out(USAGE);
    return 2;
  }
  if (parsed.help) {
    out(USAGE);
    return 0;
  }
  const doFetch = options.fetch ?? fetch;
  const ok = (text: string) => out(`${MARK_OK} ${text}`);
  const fail = (text: string): never => {
    out(`${MARK_FAIL} ${text}`);
    throw new CheckFailed(text);
  };

  try {
    // 1. The checkpoint, opened with the key.
    const source = parsed.mode === 'url' ? `${parsed.base}/ledger/checkpoint` : parsed.checkpointFile;
    let note: string;
    try {
      note = parsed.mode === 'url' ? await httpText(doFetch, `${parsed.base}/ledger/checkpoint`) : await readFile(parsed.checkpointFile, 'utf8');
    } catch (err) {
      return fail(`checkpoint: cannot read ${source}: ${(err as Error).message}`);
    }
    let checkpoint: Checkpoint;
    try {
      checkpoint = openSignedNote(note, parsed.key);
    } catch (err) {
      return fail(`checkpoint signature: ${(err as Error).message}`);
    }
    const size = checkpoint.treeSize;
    out(`Checkpoint ${checkpoint.origin}  size ${size}  root ${checkpoint.rootHash.toString('hex')}`);
    ok(`checkpoint signature by ${parsed.key.name}+${parsed.key.keyId.toString('hex')}`);

    // 2. The checkpoint seen before, if any.
    const previous = parsed.stateFile ? await readState(parsed.stateFile, fail) : null;
    if (parsed.stateFile && !previous) out(`  (no state file yet at ${parsed.stateFile}: this checkpoint will be the first one kept)`);
    if (previous) {
      if (previous.origin !== checkpoint.origin) {
        fail(`previous checkpoint: origin ${JSON.stringify(previous.origin)} in ${parsed.stateFile} is not this log's ${JSON.stringify(checkpoint.origin)}`);
      }
      if (size < previous.treeSize) fail(`previous checkpoint: the ledger shrank (from ${previous.treeSize} to ${size} entries)`);
      if (size === previous.treeSize && !checkpoint.rootHash.equals(Buffer.from(previous.rootHash, 'hex'))) {
        fail(`previous checkpoint: same size ${size} but a different root (the history was rewritten)`);
      }
    }

    // 3. Every entry, and the Merkle roots at the checkpoint sizes.
    const verifier = new ExportVerifier({ rootsAt: previous ? [size, previous.treeSize] : [size] });
    const started = process.hrtime.bigint();
    try {
      if (parsed.mode === 'url') {
        if (size > 0) {
          const headers: Record<string, string> = { accept: 'application/x-ndjson' };
          if (parsed.apiKey) headers.authorization = `Bearer ${parsed.apiKey}`;
          const res = await doFetch(`${parsed.base}/ledger/export?fromSeq=1&toSeq=${size}`, { headers });
          if (!res.ok || !res.body) {
            const detail = (await res.text().catch(() => '')).slice(0, 200);
            const hint = res.status === 401 || res.status === 403 ? ' (a regulator or admin API key is needed: --api-key or SUYUAN_API_KEY)' : '';
            fail(`export: HTTP ${res.status} ${res.statusText}${hint}${detail ? `: ${detail}` : ''}`);
          }
          await feedLines(res.body as unknown as AsyncIterable<Uint8Array>, verifier);
        }
      } else {
        await feedLines(createReadStream(parsed.exportFile, { highWaterMark: 1 << 20 }), verifier);
      }
    } catch (err) {
      if (err instanceof CheckFailed) throw err;
      fail(`export: reading it failed after ${verifier.size} entries: ${(err as Error).message}`);
    }
    const result = verifier.finish(size);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    out(`  ${result.checkedEntries} entries checked in ${seconds.toFixed(2)} s (${rate(result.checkedEntries, seconds)} entries/s)`);
    reportEntries(result, size, ok, fail);

    const root = result.roots.get(size)!;
    if (!root.equals(checkpoint.rootHash)) {
      fail(`Merkle root of entries 1–${size} is ${root.toString('hex')}, the checkpoint's is ${checkpoint.rootHash.toString('hex')}`);
    }
    ok(`Merkle root of entries 1–${size} equals the checkpoint root`);

    // 4. The earlier checkpoint is a prefix of this one.
    if (previous) {
      const oldRoot = Buffer.from(previous.rootHash, 'hex');
      const exportRoot = result.roots.get(previous.treeSize)!;
      if (!exportRoot.equals(oldRoot)) {
        fail(
          `previous checkpoint (size ${previous.treeSize}): the export's root at that size differs from the root seen before: history before it was rewritten`,
        );
      }
      ok(`previous checkpoint (size ${previous.treeSize}): same origin, the ledger did not shrink, its root matches the export's (history unchanged)`);
      if (parsed.mode === 'url' && previous.treeSize > 0 && previous.treeSize < size) {
        let proof: Buffer[];
        try {
          proof = await consistencyProof(doFetch, parsed.base, previous.treeSize, size);
        } catch (err) {
          return fail(`consistency proof ${previous.treeSize} → ${size}: ${(err as Error).message}`);
        }
        if (!verifyConsistency(previous.treeSize, size, proof, oldRoot, checkpoint.rootHash)) {
          fail(`consistency proof ${previous.treeSize} → ${size} from the service does not verify`);
        }
        ok(`consistency proof ${previous.treeSize} → ${size} verifies`);
      }
    }

    // 5. Keep this checkpoint for next time.
    if (parsed.stateFile) {
      const state: VerifyState = { origin: checkpoint.origin, treeSize: size, rootHash: checkpoint.rootHash.toString('hex'), signedNote: note };
      try {
        await writeStateAtomically(parsed.stateFile, state);
      } catch (err) {
        return fail(`state: cannot write ${parsed.stateFile}: ${(err as Error).message}`);
      }
      out(`  state saved to ${parsed.stateFile} (size ${size})`);
    }
    out('OK: every check holds');
    return 0;
  } catch (err) {
    if (!(err instanceof CheckFailed)) throw err;
    out(`FAILED: ${err.message}`);
    return 1;
  }
}

function reportEntries(result: ExportVerification, size: number, ok: (t: string) => void, fail: (t: string) => never): void {
  if (result.failure) {
    const f = result.failure;
    fail(`entries: first failure at seq ${f.seq} (line ${f.line}): ${f.reason}`);
  }
  const erased = result.erasedPayloads > 0 ? `; ${result.erasedPayloads} erased payloads (envelope checked, payload gone)` : '';
  const beyond =
    result.checkedEntries > size ? `; ${result.checkedEntries - size} entries beyond the checkpoint were checked too (the checkpoint does not cover them)` : '';
  ok(`entries 1–${result.checkedEntries}: seq gapless, payload hashes, entry hashes, prevHash and batchPrevHash links${erased}${beyond}`);
}

/**
 * Feeds the stream's lines to the verifier until it ends or the verifier fails. Splits on the
 * "\n" byte (never part of a multi-byte UTF-8 sequence) and decodes each line on its own, holding
 * at most one partial line between chunks.
 */
async function feedLines(chunks: AsyncIterable<Uint8Array>, verifier: ExportVerifier): Promise<void> {
  let pending: Buffer | null = null;
  for await (const chunk of chunks) {
    const fresh = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const bytes: Buffer = pending ? Buffer.concat([pending, fresh]) : fresh;
    let start = 0;
    let nl: number;
    while ((nl = bytes.indexOf(10, start)) >= 0) {
      if (!verifier.push(bytes.toString('utf8', start, nl))) return; // leaving the loop cancels the stream
      start = nl + 1;
    }
    pending = start < bytes.length ? Buffer.from(bytes.subarray(start)) : null;
  }
  if (pending) verifier.push(pending.toString('utf8'));
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
  if (
    typeof state?.origin !== 'string' ||
    !Number.isSafeInteger(state.treeSize) ||
    (state.treeSize as number) < 0 ||
    typeof state.rootHash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(state.rootHash)
  ) {
    return fail(`state: ${file} does not hold origin, treeSize and a hex rootHash`);
  }
  return state as VerifyState;
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

function rate(count: number, seconds: number): string {
  return seconds > 0 ? Math.round(count / seconds).toLocaleString('en-US') : '–';
}

type ParsedArgs =
  | { help: true }
  | ({ help: false; key: VerifierKey; stateFile: string | null } & (
      { mode: 'url'; base: string; apiKey: string | null } | { mode: 'file'; exportFile: string; checkpointFile: string }
    ));

function parseCommandLine(args: string[], env: Record<string, string | undefined>): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
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
    return { help: false, mode: 'url', base: url.replace(/\/+$/, ''), apiKey, key, stateFile };
  }
  if (checkpointFile === undefined) throw new UsageError('--file needs --checkpoint <signed note file>');
  if (values['api-key'] !== undefined) throw new UsageError('--api-key goes with --url');
  return { help: false, mode: 'file', exportFile: file!, checkpointFile, key, stateFile };
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
