import { MAX_WITNESS_ANSWER_BYTES, WitnessResponse } from './witness-answer.js';

/**
 * POSTs an add-checkpoint body to a witness and reads at most one byte more than an answer may
 * hold (so an oversized one is recognised and refused without reading it all), within `timeoutMs`
 * for the whole exchange.
 */
export async function postToWitness(url: string, body: string, timeoutMs: number, doFetch: typeof fetch = fetch): Promise<WitnessResponse> {
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await doFetch(url, { method: 'POST', body, headers: { 'content-type': 'text/plain; charset=utf-8' }, signal, redirect: 'error' });
  } catch (err) {
    throw new Error(signal.aborted ? `no answer within ${timeoutMs} ms` : `cannot reach it: ${causeOf(err)}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = res.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size > MAX_WITNESS_ANSWER_BYTES) {
        await reader.cancel();
        break;
      }
    }
  } catch (err) {
    throw new Error(signal.aborted ? `no whole answer within ${timeoutMs} ms` : `reading the answer failed: ${causeOf(err)}`);
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: Buffer.concat(chunks).toString('utf8') };
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
