import { Checkpoint, openSignedNote, VerifierKey } from '../ledger/checkpoint-note.js';
import { verifyConsistency } from '../ledger/merkle-verify.js';
import { decodeBase64Strict, splitNote } from './cosignature.js';

/**
 * C2SP tlog-witness add-checkpoint, both sides, as pure functions:
 *
 *   old <size>\n
 *   <consistency proof hash, base64>\n   (0 to 63 of them)
 *   \n
 *   <the signed checkpoint note>
 *
 * The witness answers 200 with cosignature lines, 409 (text/x.tlog.size: the size it knows) when
 * the old size is not the one it last cosigned or the same size has another root, 404 for another
 * log's origin, 403 when the log's signature does not verify, 422 when the proof does not, 400 for
 * anything malformed.
 */

/** Most proof lines the protocol allows (a proof between trees below 2^63 leaves). */
export const MAX_PROOF_LINES = 63;
/** Largest request a witness reads: 63 proof lines and a checkpoint with a few signatures fit well under it. */
export const MAX_ADD_CHECKPOINT_BYTES = 16 * 1024;
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Buffer[];
  note: string;
}

/** What a witness remembers of the log: the latest checkpoint it cosigned. */
export interface WitnessedCheckpoint {
  treeSize: number;
  /** Standard base64, as in the checkpoint body. */
  rootHash: string;
}

export type AddCheckpointVerdict =
  { status: 200; checkpoint: Checkpoint } | { status: 409; knownSize: number; reason: string } | { status: 400 | 403 | 404 | 422; reason: string };

export function formatAddCheckpoint(oldSize: number, proof: Buffer[], note: string): string {
  return `old ${oldSize}\n${proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${note}`;
}

/** Parses a request body; throws naming what is malformed. */
export function parseAddCheckpoint(text: string): AddCheckpointRequest {
  if (typeof text !== 'string') throw new Error('malformed request: not text');
  if (Buffer.byteLength(text, 'utf8') > MAX_ADD_CHECKPOINT_BYTES) throw new Error(`request too large: over ${MAX_ADD_CHECKPOINT_BYTES} bytes`);
  const firstNewline = text.indexOf('\n');
  const oldLine = firstNewline < 0 ? text : text.slice(0, firstNewline);
  const old = /^old (0|[1-9][0-9]{0,15})$/.exec(oldLine);
  if (!old) throw new Error(`malformed request: the first line must be "old <size>", got ${JSON.stringify(oldLine.slice(0, 40))}`);
  const oldSize = Number(old[1]);
  if (!Number.isSafeInteger(oldSize)) throw new Error('malformed request: old size is too large');
  const proof: Buffer[] = [];
  let at = firstNewline + 1;
  for (;;) {
    const end = text.indexOf('\n', at);
    if (end < 0) throw new Error('malformed request: no empty line before the checkpoint');
    const line = text.slice(at, end);
    at = end + 1;
    if (line === '') break;
    if (proof.length === MAX_PROOF_LINES) throw new Error(`malformed request: more than ${MAX_PROOF_LINES} consistency proof lines`);
    const hash = decodeBase64Strict(line);
    if (!hash || hash.length !== 32) throw new Error(`malformed request: proof line ${proof.length + 1} is not a 32-byte hash in base64`);
    proof.push(hash);
  }
  if (oldSize === 0 && proof.length > 0) throw new Error('malformed request: the proof must be empty when the old size is 0');
  return { oldSize, proof, note: text.slice(at) };
}

/**
 * The witness's decision on a request for the log `logKey`, given what it last cosigned (null:
 * nothing yet). It changes nothing itself: on 200 the caller records `checkpoint` and cosigns it.
 */
export function decideAddCheckpoint(body: string, logKey: VerifierKey, last: WitnessedCheckpoint | null): AddCheckpointVerdict {
  let request: AddCheckpointRequest;
  try {
    request = parseAddCheckpoint(body);
    splitNote(request.note);
  } catch (err) {
    return { status: 400, reason: (err as Error).message };
  }
  const origin = request.note.slice(0, request.note.indexOf('\n'));
  if (origin !== logKey.name) return { status: 404, reason: `unknown log ${JSON.stringify(origin.slice(0, 200))}: this witness follows ${logKey.name}` };
  let checkpoint: Checkpoint;
  try {
    checkpoint = openSignedNote(request.note, logKey);
  } catch (err) {
    return { status: 403, reason: `the checkpoint is not signed by the log's key: ${(err as Error).message}` };
  }
  const { oldSize, proof } = request;
  if (oldSize > checkpoint.treeSize) return { status: 400, reason: `old size ${oldSize} is larger than the checkpoint's size ${checkpoint.treeSize}` };
  const knownSize = last?.treeSize ?? 0;
  if (oldSize !== knownSize) return { status: 409, knownSize, reason: `old size ${oldSize} is not the size last cosigned, ${knownSize}` };
  if (last === null || oldSize === 0) return { status: 200, checkpoint };
  const knownRoot = Buffer.from(last.rootHash, 'base64');
  if (oldSize === checkpoint.treeSize) {
    if (proof.length > 0) return { status: 422, reason: 'the consistency proof must be empty between checkpoints of the same size' };
    if (!knownRoot.equals(checkpoint.rootHash)) {
      return { status: 409, knownSize, reason: `a different root for size ${knownSize} was cosigned: the log has forked` };
    }
    return { status: 200, checkpoint };
  }
  if (!verifyConsistency(oldSize, checkpoint.treeSize, proof, knownRoot, checkpoint.rootHash)) {
    return { status: 422, reason: `the consistency proof from size ${oldSize} to ${checkpoint.treeSize} does not verify` };
  }
  return { status: 200, checkpoint };
}

/** The body of a 409 answer's text/x.tlog.size: the size, a newline. Throws when it is not that. */
export function parseTlogSize(text: string): number {
  const match = /^(0|[1-9][0-9]{0,15})\n$/.exec(text);
  const size = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(size)) throw new Error(`malformed size answer ${JSON.stringify(text.slice(0, 40))}: expected a decimal size and a newline`);
  return size;
}
