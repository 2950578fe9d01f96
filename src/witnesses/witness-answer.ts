import { parseTlogSize, TLOG_SIZE_CONTENT_TYPE } from './add-checkpoint.js';
import { checkCosignatureLine, WitnessKey } from './cosignature.js';

/** Largest answer read from a witness: a few cosignature lines are about 150 bytes each. */
export const MAX_WITNESS_ANSWER_BYTES = 4096;

export interface WitnessResponse {
  status: number;
  contentType: string;
  body: string;
}

export type WitnessAnswer = { kind: 'cosigned'; line: string; timestamp: number } | { kind: 'conflict'; knownSize: number };

/**
 * What a witness's answer to add-checkpoint means for the checkpoint whose body was sent: its
 * cosignature line (verified against `key`), or the size it knows (409). Throws naming the problem
 * for anything else (an error status, a malformed or oversized answer, a cosignature that does not
 * verify), so that nothing of such an answer is kept.
 */
export function readWitnessAnswer(response: WitnessResponse, checkpointBody: string, key: WitnessKey): WitnessAnswer {
  const { status, contentType, body } = response;
  if (Buffer.byteLength(body, 'utf8') > MAX_WITNESS_ANSWER_BYTES) throw new Error(`the answer is over ${MAX_WITNESS_ANSWER_BYTES} bytes`);
  if (status === 409) {
    if (!contentType.toLowerCase().startsWith(TLOG_SIZE_CONTENT_TYPE)) throw new Error(`409 without a ${TLOG_SIZE_CONTENT_TYPE} size: ${printable(body)}`);
    return { kind: 'conflict', knownSize: parseTlogSize(body) };
  }
  if (status !== 200) throw new Error(`HTTP ${status}${body ? `: ${printable(body)}` : ''}`);
  if (!body.endsWith('\n') || body.includes('\r')) throw new Error('malformed cosignature: the answer is not newline-terminated signature lines');
  let found: { line: string; timestamp: number } | null = null;
  for (const line of body.slice(0, -1).split('\n')) {
    const checked = checkCosignatureLine(line, checkpointBody, key);
    if (checked !== 'other' && !found) found = { line: `${line}\n`, timestamp: checked.timestamp };
  }
  if (!found) throw new Error(`no cosignature by ${key.name}+${key.keyId.toString('hex')} in the answer`);
  return { kind: 'cosigned', ...found };
}

/** At most 200 characters of a witness's text, control characters shown as '?', for a log line. */
function printable(text: string): string {
  return [...text.slice(0, 200)].map((c) => (c < ' ' || c === '\u007f' ? '?' : c)).join('');
}
