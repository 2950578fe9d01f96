import type { Checkpoint } from '../ledger/checkpoint-note.js';
import type { ExportVerification } from './export-verifier.js';

/**
 * The verify command's judgements, each a sentence for the user (or null where the check holds).
 * Pure: the command reads the files and the service and prints.
 */

/** What --state keeps between runs: the last checkpoint that verified. */
export interface VerifyState {
  origin: string;
  treeSize: number;
  /** hex */
  rootHash: string;
  signedNote: string;
}

export function isVerifyState(state: Partial<VerifyState> | null | undefined): state is VerifyState {
  return (
    typeof state?.origin === 'string' &&
    Number.isSafeInteger(state.treeSize) &&
    (state.treeSize as number) >= 0 &&
    typeof state.rootHash === 'string' &&
    /^[0-9a-f]{64}$/.test(state.rootHash)
  );
}

/** Why this checkpoint cannot follow the one kept from the last run: another log, a shrunk ledger, or a rewritten one of the same size. */
export function previousCheckpointProblem(previous: VerifyState, checkpoint: Checkpoint, stateFile: string): string | null {
  const size = checkpoint.treeSize;
  if (previous.origin !== checkpoint.origin) {
    return `previous checkpoint: origin ${JSON.stringify(previous.origin)} in ${stateFile} is not this log's ${JSON.stringify(checkpoint.origin)}`;
  }
  if (size < previous.treeSize) return `previous checkpoint: the ledger shrank (from ${previous.treeSize} to ${size} entries)`;
  if (size === previous.treeSize && !checkpoint.rootHash.equals(Buffer.from(previous.rootHash, 'hex'))) {
    return `previous checkpoint: same size ${size} but a different root (the history was rewritten)`;
  }
  return null;
}

/** The service refused the export: its status, a hint when an API key is what is missing, and the start of its answer. */
export function exportHttpProblem(status: number, statusText: string, body: string): string {
  const detail = body.slice(0, 200);
  const hint = status === 401 || status === 403 ? ' (a regulator or admin API key is needed: --api-key or SUYUAN_API_KEY)' : '';
  return `export: HTTP ${status} ${statusText}${hint}${detail ? `: ${detail}` : ''}`;
}

export function entriesProblem(result: ExportVerification): string | null {
  const f = result.failure;
  return f ? `entries: first failure at seq ${f.seq} (line ${f.line}): ${f.reason}` : null;
}

/** What every entry passed, with what could not be checked: erased payloads, and entries beyond the checkpoint. */
export function entriesChecked(result: ExportVerification, size: number): string {
  const erased = result.erasedPayloads > 0 ? `; ${result.erasedPayloads} erased payloads (envelope checked, payload gone)` : '';
  const beyond =
    result.checkedEntries > size ? `; ${result.checkedEntries - size} entries beyond the checkpoint were checked too (the checkpoint does not cover them)` : '';
  return `entries 1–${result.checkedEntries}: seq gapless, payload hashes, entry hashes, prevHash and batchPrevHash links${erased}${beyond}`;
}

/** Too few of the trusted witnesses cosigned the checkpoint: how many did, of how many needed, and why a line claiming one did not count. */
export function witnessesProblem(cosigned: string[], needed: number, invalid: string[]): string | null {
  if (cosigned.length >= needed) return null;
  const which = cosigned.length ? ` (${cosigned.join(', ')})` : '';
  const bad = invalid.length ? `; refused: ${invalid.join('; ')}` : '';
  return `witnesses: ${cosigned.length} of the ${needed} needed cosigned this checkpoint${which}${bad}`;
}

export function rate(count: number, seconds: number): string {
  return seconds > 0 ? Math.round(count / seconds).toLocaleString('en-US') : '–';
}

/** The progress line: entries checked of the total, the rate so far, and the time left at that rate. */
export function progressLine(checked: number, total: number, seconds: number): string {
  const perSecond = seconds > 0 ? checked / seconds : 0;
  const of = total > 0 ? ` of ${total.toLocaleString('en-US')} (${Math.floor((100 * Math.min(checked, total)) / total)}%)` : '';
  const left = total > checked && perSecond > 0 ? `, ETA ${duration((total - checked) / perSecond)}` : '';
  return `checked ${checked.toLocaleString('en-US')}${of} entries, ${rate(checked, seconds)} entries/s${left}`;
}

function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
