import { parentPort } from 'node:worker_threads';
import { ChunkJob, verifyChunk } from './parallel-export.js';

/** A worker thread of the offline verifier: checks the chunks it is sent, in order (see parallel-export.ts). */
parentPort!.on('message', (job: ChunkJob) => {
  const outcome = verifyChunk(job);
  parentPort!.postMessage({ outcome, bytes: job.bytes }, [outcome.leaves.buffer as ArrayBuffer, job.bytes.buffer as ArrayBuffer]);
});
