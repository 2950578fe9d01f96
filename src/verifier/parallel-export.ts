import { Worker } from 'node:worker_threads';
import { ChunkOutcome, ExportVerifier } from './export-verifier.js';

/**
 * The export checked by worker threads, a chunk of lines each, with the same verdict as pushing
 * every line into one ExportVerifier: each worker checks its chunk against the links the chunk's
 * lines state; the verifier of the whole export adopts a chunk only when those links are the hashes
 * it recomputed before it, and otherwise pushes the chunk's lines itself (which names a failure
 * exactly as a run without workers does). The Merkle tree stays here: a leaf hash an entry.
 */
export const CHUNK_ENTRIES = 16_384;

export interface ChunkJob {
  bytes: Uint8Array;
  fromSeq: number;
  fromLine: number;
  lines: number;
}

/** A worker's task: every line of the chunk through a chunk-mode verifier. Pure. */
export function verifyChunk(job: ChunkJob): ChunkOutcome {
  const verifier = new ExportVerifier({ chunk: { fromSeq: job.fromSeq, fromLine: job.fromLine, maxEntries: job.lines } });
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  let lines = 0;
  pushLines(bytes, verifier, () => lines++);
  return verifier.outcome(lines);
}

/** Pushes each line of complete lines (the last may lack its "\n") until the verifier fails. */
function pushLines(bytes: Buffer, verifier: ExportVerifier, counted: () => void = () => undefined): void {
  let start = 0;
  let nl: number;
  while ((nl = bytes.indexOf(10, start)) >= 0) {
    counted();
    if (!verifier.pushBytes(bytes, start, nl)) return;
    start = nl + 1;
  }
  if (start < bytes.length) {
    counted();
    verifier.pushBytes(bytes, start, bytes.length);
  }
}

interface Pending {
  job: ChunkJob;
  result: Promise<{ outcome: ChunkOutcome; bytes: Uint8Array }>;
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

  run(job: ChunkJob): Promise<{ outcome: ChunkOutcome; bytes: Uint8Array }> {
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
  /** Entries a chunk (CHUNK_ENTRIES unless given: tests use small chunks). */
  chunkEntries?: number;
  /** Runs a chunk instead of the worker threads (tests: verifyChunk in this thread). */
  runChunk?: (job: ChunkJob) => Promise<{ outcome: ChunkOutcome; bytes: Uint8Array }>;
  /** Called with the entries checked so far, after each chunk. */
  onProgress?: (checked: number) => void;
}

/** Feeds the stream's lines to the verifier through the workers, until it ends or the verifier fails. */
export async function feedLinesInParallel(chunks: AsyncIterable<Uint8Array>, verifier: ExportVerifier, options: ParallelOptions): Promise<void> {
  const pool = options.runChunk ? null : new WorkerPool(options.workerScript, options.workers);
  const runChunk = options.runChunk ?? ((job: ChunkJob) => pool!.run(job));
  const chunkEntries = options.chunkEntries ?? CHUNK_ENTRIES;
  const inFlight: Pending[] = [];
  let parts: Buffer[] = [];
  let partsLines = 0;
  let partsEntries = 0;
  let nextSeq = verifier.nextSeq;
  let nextLine = 1;

  /** The oldest chunk's outcome into the verifier; false once the export failed. */
  const settleOldest = async (): Promise<boolean> => {
    const { result } = inFlight.shift()!;
    const { outcome, bytes } = await result;
    if (!verifier.adopt(outcome)) {
      pushLines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), verifier);
    }
    options.onProgress?.(verifier.size);
    return verifier.failure === null;
  };
  const dispatch = async (): Promise<boolean> => {
    if (partsLines === 0) return true;
    const total = parts.reduce((n, p) => n + p.length, 0);
    // Its own ArrayBuffer (never Node's shared pool), so it can be moved to the worker and back.
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    const job: ChunkJob = { bytes, fromSeq: nextSeq, fromLine: nextLine, lines: partsLines };
    const result = runChunk(job);
    result.catch(() => undefined); // awaited in order later; a failure after an early stop must not go unhandled
    inFlight.push({ job, result });
    nextSeq += partsEntries;
    nextLine += partsLines;
    parts = [];
    partsLines = 0;
    partsEntries = 0;
    while (inFlight.length >= Math.max(1, options.workers) * 3) if (!(await settleOldest())) return false;
    return true;
  };

  try {
    let partial: Buffer | null = null;
    for await (const chunk of chunks) {
      const fresh = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const bytes: Buffer = partial ? Buffer.concat([partial, fresh]) : fresh;
      let segment = 0;
      let start = 0;
      let nl: number;
      while ((nl = bytes.indexOf(10, start)) >= 0) {
        partsLines++;
        if (!isBlank(bytes, start, nl)) partsEntries++;
        start = nl + 1;
        if (partsEntries === chunkEntries) {
          parts.push(bytes.subarray(segment, start));
          segment = start;
          if (!(await dispatch())) return;
        }
      }
      if (start > segment) parts.push(bytes.subarray(segment, start));
      partial = start < bytes.length ? Buffer.from(bytes.subarray(start)) : null;
    }
    if (partial) {
      parts.push(partial);
      partsLines++;
      if (!isBlank(partial, 0, partial.length)) partsEntries++;
    }
    if (!(await dispatch())) return;
    while (inFlight.length > 0) if (!(await settleOldest())) return;
  } finally {
    await pool?.close(); // chunks still out after a failure prove nothing
  }
}

/** A line ExportVerifier skips: empty, or only "\r". */
function isBlank(bytes: Buffer, start: number, end: number): boolean {
  return end === start || (end === start + 1 && bytes[start] === 13);
}
