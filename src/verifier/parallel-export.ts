import { Worker } from 'node:worker_threads';
import { ChunkOutcome, ExportVerifier } from './export-verifier.js';

/**
 * The export checked by worker threads, a chunk of lines each, with the same verdict as pushing
 * every line into one ExportVerifier: each worker checks its chunk against the links the chunk's
 * lines state; the verifier of the whole export adopts a chunk only when those links are the hashes
 * it recomputed before it, and otherwise pushes the chunk's lines itself (which names a failure
 * exactly as a run without workers does). The Merkle tree stays here: a leaf hash an entry.
 */

/**
 * Bytes a chunk: about 10,000 entries of a service export. The reading thread cuts the stream at the
 * last line end within this many bytes and never looks at the lines in between, so that it stays off
 * the cores the workers need (cutting line by line cost it 6 µs an entry, measured).
 */
export const CHUNK_BYTES = 8 << 20;

/** Below this many entries (about a chunk) one thread checks the export sooner than starting workers would. */
export const WORKERS_FROM_ENTRIES = 10_000;

/**
 * A chunk's outcome as a worker sends it: the batch links as one JSON text rather than two arrays
 * of strings. Ten thousand batches a chunk made 40,000 strings that lived in the reading thread's
 * queue until their chunk's turn, and collecting them took that thread two seconds a million
 * entries (measured); one text lives there instead and is read only when the chunk is adopted.
 */
export type SentOutcome = Omit<ChunkOutcome, 'assumedHeads' | 'heads'> & { links: string };

function toSent({ assumedHeads, heads, ...rest }: ChunkOutcome): SentOutcome {
  return { ...rest, links: JSON.stringify([assumedHeads, heads]) };
}

function fromSent({ links, ...rest }: SentOutcome): ChunkOutcome {
  const [assumedHeads, heads] = JSON.parse(links) as [ChunkOutcome['assumedHeads'], ChunkOutcome['heads']];
  return { ...rest, assumedHeads, heads };
}

export interface ChunkJob {
  /** Whole lines (the last may lack its "\n"). */
  bytes: Uint8Array;
}

/**
 * A worker's task: every line of the chunk through a chunk-mode verifier. Pure. The chunk starts at
 * the seq its first entry states (the reading thread never reads it): a wrong one only means the
 * chunk is not adopted and is checked again in order, which names the problem. Line numbers in a
 * worker's failures are never shown for the same reason, so the chunk counts its lines from 1.
 */
export function verifyChunk(job: ChunkJob): SentOutcome {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  const lines = countLines(bytes);
  const verifier = new ExportVerifier({ chunk: { fromSeq: firstStatedSeq(bytes), fromLine: 1, maxEntries: lines } });
  pushLines(bytes, verifier);
  return toSent(verifier.outcome(lines));
}

/** Lines in complete lines whose last may lack its "\n". */
function countLines(bytes: Buffer): number {
  let lines = 0;
  let start = 0;
  let nl: number;
  while ((nl = bytes.indexOf(10, start)) >= 0) {
    lines++;
    start = nl + 1;
  }
  return start < bytes.length ? lines + 1 : lines;
}

/** The seq the first non-blank line states, or 0 when it states none a chunk could start from. */
function firstStatedSeq(bytes: Buffer): number {
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    const to = end > start && bytes[end - 1] === 13 ? end - 1 : end;
    if (to > start) {
      try {
        const seq = (JSON.parse(bytes.toString('utf8', start, to)) as { seq?: unknown } | null)?.seq;
        return Number.isSafeInteger(seq) && (seq as number) > 0 ? (seq as number) : 0;
      } catch {
        return 0;
      }
    }
    start = end + 1;
  }
  return 0;
}

/** Pushes each line of complete lines (the last may lack its "\n") until the verifier fails. */
function pushLines(bytes: Buffer, verifier: ExportVerifier): void {
  let start = 0;
  let nl: number;
  while ((nl = bytes.indexOf(10, start)) >= 0) {
    if (!verifier.pushBytes(bytes, start, nl)) return;
    start = nl + 1;
  }
  if (start < bytes.length) verifier.pushBytes(bytes, start, bytes.length);
}

/** A chunk's outcome and its bytes, back from a worker. */
interface ChunkResult {
  outcome: SentOutcome;
  bytes: Uint8Array;
}

/** Worker threads running verify-worker.js, each answering its jobs in order. */
class WorkerPool {
  private readonly workers: { worker: Worker; waiting: { resolve: (v: never) => void; reject: (e: Error) => void }[] }[];
  private next = 0;

  constructor(script: URL, count: number) {
    this.workers = Array.from({ length: count }, () => {
      const entry = { worker: new Worker(script), waiting: [] as { resolve: (v: never) => void; reject: (e: Error) => void }[] };
      entry.worker.on('message', (message: unknown) => entry.waiting.shift()?.resolve(message as never));
      entry.worker.on('error', (err) => {
        for (const w of entry.waiting.splice(0)) w.reject(err);
      });
      return entry;
    });
  }

  run(job: ChunkJob): Promise<ChunkResult> {
    const entry = this.workers[this.next++ % this.workers.length];
    return new Promise((resolve, reject) => {
      entry.waiting.push({ resolve: resolve as (v: never) => void, reject });
      entry.worker.postMessage(job, [job.bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

export interface ParallelOptions {
  workerScript: URL;
  workers: number;
  /** Bytes a chunk (CHUNK_BYTES unless given: tests use small chunks). */
  chunkBytes?: number;
  /** Runs a chunk instead of the worker threads (tests: verifyChunk in this thread). */
  runChunk?: (job: ChunkJob) => Promise<ChunkResult>;
  /** Called with the entries checked so far, after each chunk. */
  onProgress?: (checked: number) => void;
}

/** Feeds the stream's lines to the verifier through the workers, until it ends or the verifier fails. */
export async function feedLinesInParallel(chunks: AsyncIterable<Uint8Array>, verifier: ExportVerifier, options: ParallelOptions): Promise<void> {
  const pool = options.runChunk ? null : new WorkerPool(options.workerScript, options.workers);
  const runChunk = options.runChunk ?? ((job: ChunkJob) => pool!.run(job));
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const inFlight: Promise<ChunkResult>[] = [];
  // Buffers come back from the workers and are filled again.
  const spare: ArrayBuffer[] = [];
  const freshBuffer = (size: number): Uint8Array => {
    const kept = spare.pop();
    return kept && kept.byteLength >= size ? new Uint8Array(kept) : new Uint8Array(size);
  };
  let buffer = freshBuffer(chunkBytes);
  let used = 0;

  /** The oldest chunk's outcome into the verifier; false once the export failed. */
  const settleOldest = async (): Promise<boolean> => {
    const { outcome, bytes } = await inFlight.shift()!;
    if (!verifier.adopt(fromSent(outcome))) pushLines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), verifier);
    spare.push(bytes.buffer as ArrayBuffer);
    options.onProgress?.(verifier.size);
    return verifier.failure === null;
  };
  /** Sends the buffer's first `length` bytes (whole lines) to a worker; the rest starts the next buffer. */
  const dispatch = async (length: number): Promise<boolean> => {
    const next = freshBuffer(Math.max(chunkBytes, 2 * (used - length)));
    next.set(buffer.subarray(length, used));
    const result = runChunk({ bytes: buffer.subarray(0, length) });
    result.catch(() => undefined); // awaited in order later; a failure after an early stop must not go unhandled
    inFlight.push(result);
    used -= length;
    buffer = next;
    while (inFlight.length >= Math.max(1, options.workers) * 3) if (!(await settleOldest())) return false;
    return true;
  };

  try {
    for await (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(buffer.length - used, chunk.length - offset);
        buffer.set(chunk.subarray(offset, offset + n), used);
        used += n;
        offset += n;
        if (used < buffer.length) continue;
        const lastLineEnd = buffer.lastIndexOf(10, used - 1);
        if (lastLineEnd >= 0) {
          if (!(await dispatch(lastLineEnd + 1))) return;
        } else {
          // One line longer than a chunk: a larger buffer for it.
          const larger = new Uint8Array(2 * buffer.length);
          larger.set(buffer);
          buffer = larger;
        }
      }
    }
    if (used > 0 && !(await dispatch(used))) return;
    while (inFlight.length > 0) if (!(await settleOldest())) return;
  } finally {
    await pool?.close(); // chunks still out after a failure prove nothing
  }
}
