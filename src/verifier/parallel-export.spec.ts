import { describe, expect, it } from '@jest/globals';
import { entryHash, LedgerEnvelope } from '../ledger/ledger-hash.js';
import { ExportVerification, ExportVerifier } from './export-verifier.js';
import { ChunkJob, feedLinesInParallel, verifyChunk } from './parallel-export.js';
import { syntheticExportLines } from './synthetic-export.js';

/**
 * The export checked in chunks (as the worker threads do, here in this thread) must give exactly the
 * verdict of one ExportVerifier fed every line: the same entries, roots and counts, and the same
 * first failure with the same reason, including failures that only show across a chunk boundary.
 */
// About 64 entries a chunk, so that chunks cut the export at many places.
const CHUNK_BYTES = 50_000;
const ENTRIES = 1000;
const clean = [...syntheticExportLines(ENTRIES, 7)];

function sequential(lines: string[], rootsAt: number[]): ExportVerification {
  const verifier = new ExportVerifier({ rootsAt });
  for (const line of lines) if (!verifier.push(line)) break;
  return verifier.finish(ENTRIES);
}

/** The verdict of the export checked in chunks, and the first line of each chunk. */
async function chunked(lines: string[], rootsAt: number[], chunkBytes: number): Promise<{ verdict: ExportVerification; chunkFirstLines: string[] }> {
  const bytes = Buffer.from(lines.join('\n'));
  // Pieces that cut lines anywhere, as a network stream does.
  const pieces = async function* () {
    for (let at = 0; at < bytes.length; at += 997) yield bytes.subarray(at, at + 997);
  };
  const verifier = new ExportVerifier({ rootsAt });
  const chunkFirstLines: string[] = [];
  await feedLinesInParallel(pieces(), verifier, {
    workers: 2,
    workerScript: new URL('file:///not-used'),
    chunkBytes,
    runChunk: async (job: ChunkJob) => {
      chunkFirstLines.push(Buffer.from(job.bytes).toString('utf8').split('\n')[0]);
      return { outcome: verifyChunk(job), bytes: job.bytes };
    },
  });
  return { verdict: verifier.finish(ENTRIES), chunkFirstLines };
}

/**
 * The same verdict in chunks as in one verifier. With `chunkStartsAt`, the chunk size is the bytes
 * before that line, so that a chunk starts exactly there (which is checked).
 */
async function expectSameVerdict(
  lines: string[],
  { chunkStartsAt, chunkBytes: size }: { chunkStartsAt?: number; chunkBytes?: number } = {},
): Promise<ExportVerification> {
  const rootsAt = [0, 1, 63, 64, 65, 500, ENTRIES];
  const one = sequential(lines, rootsAt);
  const chunkBytes = chunkStartsAt === undefined ? (size ?? CHUNK_BYTES) : Buffer.byteLength(lines.slice(0, chunkStartsAt).join('\n')) + 1;
  const inChunks = await chunked(lines, rootsAt, chunkBytes);
  if (chunkStartsAt !== undefined) expect(inChunks.chunkFirstLines).toContain(lines[chunkStartsAt]);
  expect(inChunks.chunkFirstLines.length).toBeGreaterThan(1);
  expect(inChunks.verdict).toEqual(one);
  return one;
}

type Entry = LedgerEnvelope & { hash: string; salt: string | null; payload: unknown };

/**
 * The export with `change` made to entry `index` and every hash and link from there on recomputed:
 * a rewritten history whose one flaw is the changed link, so a chunk that starts there (or whose
 * batch does) checks out on its own and only the links into it can give it away.
 */
function rewrittenFrom(index: number, change: (e: Entry) => void): string[] {
  const entries = clean.map((l) => JSON.parse(l) as Entry);
  const heads = new Map<string, string>();
  let previous = '';
  entries.forEach((e, i) => {
    if (i >= index) {
      e.prevHash = previous;
      e.batchPrevHash = heads.get(e.batchId!) ?? null;
      if (i === index) change(e);
      const { hash: _stored, salt: _salt, payload: _payload, ...envelope } = e;
      e.hash = entryHash(envelope);
    }
    previous = e.hash;
    heads.set(e.batchId!, e.hash);
  });
  return entries.map(({ payload, ...rest }) => `${JSON.stringify(rest).slice(0, -1)},"payload":${JSON.stringify(payload)}}`);
}

const withLine = (index: number, text: string | null): string[] => clean.flatMap((l, i) => (i !== index ? [l] : text === null ? [] : [text]));
const seqOf = (line: string): number => (JSON.parse(line) as Entry).seq;

describe('the export checked in chunks', () => {
  it('verifies a clean export to the same roots at every size asked for, as one verifier does', async () => {
    const result = await expectSameVerdict(clean);
    expect(result.valid).toBe(true);
    expect(result.checkedEntries).toBe(ENTRIES);
    expect(result.roots.size).toBe(7);
  });

  it('checks lines longer than a chunk (the chunk grows to hold one)', async () => {
    const result = await expectSameVerdict(clean, { chunkBytes: 300 });
    expect(result.valid).toBe(true);
  });

  it('handles blank lines, CRLF line ends and a missing final newline the same way', async () => {
    const lines = clean.map((l, i) => (i % 50 === 0 ? `${l}\r` : l));
    lines.splice(130, 0, '', '\r');
    const result = await expectSameVerdict(lines);
    expect(result.valid).toBe(true);
  });

  it('fails a changed payload inside a chunk at the same entry with the same reason', async () => {
    const tampered = clean[299].replace('cold chain', 'warm chain');
    const result = await expectSameVerdict(withLine(299, tampered));
    expect(result.failure).toMatchObject({ seq: 300, reason: expect.stringContaining('payload does not match') });
  });

  it("fails a chunk's first entry that links to the wrong previous entry (only the boundary check can see it)", async () => {
    const index = 128;
    const lines = rewrittenFrom(index, (e) => {
      e.prevHash = (JSON.parse(clean[index - 2]) as Entry).hash;
    });
    const result = await expectSameVerdict(lines, { chunkStartsAt: index });
    expect(result.failure).toMatchObject({ seq: 129, reason: 'entry 129: prevHash does not match the hash of entry 128' });
  });

  it("fails a batch's first entry in a chunk that claims to be the batch's first ever", async () => {
    const index = 192; // batches take turns, so this batch had entries in the chunk before
    const lines = rewrittenFrom(index, (e) => {
      e.batchPrevHash = null;
    });
    const result = await expectSameVerdict(lines, { chunkStartsAt: index });
    expect(result.failure).toMatchObject({ seq: seqOf(clean[index]), reason: expect.stringContaining('batchPrevHash') });
  });

  it('checks the batch a line names with an escape the same way (its links cannot be read off the line)', async () => {
    const index = 193;
    const batchId = (JSON.parse(clean[index]) as Entry).batchId!;
    const escaped = `${batchId.slice(0, -1)}\\u00${batchId.charCodeAt(batchId.length - 1).toString(16)}`;
    const lines = rewrittenFrom(index, (e) => {
      e.batchPrevHash = null;
    });
    lines[index] = lines[index].replace(`"batchId":"${batchId}"`, `"batchId":"${escaped}"`);
    expect(lines[index]).toContain(escaped);
    // Its batch's first entry in the chunk that starts just before it.
    const result = await expectSameVerdict(lines, { chunkStartsAt: index - 1 });
    expect(result.failure).toMatchObject({ seq: seqOf(clean[index]), reason: expect.stringContaining('batchPrevHash') });
  });

  it('fails a missing entry at a chunk boundary, and an export cut short, as one verifier does', async () => {
    const missing = await expectSameVerdict(withLine(64, null), { chunkStartsAt: 64 });
    expect(missing.failure).toMatchObject({ seq: 65, reason: 'entry 65 is missing (the next line holds entry 66)' });
    const short = await expectSameVerdict(clean.slice(0, 700));
    expect(short.failure).toMatchObject({ seq: 701, reason: expect.stringContaining('the export ends at 700 entries') });
  });

  it('fails a line that is not JSON with the same line number', async () => {
    const lines = withLine(400, '{"v":1,"seq":401,');
    lines.splice(10, 0, '');
    const result = await expectSameVerdict(lines);
    expect(result.failure).toMatchObject({ seq: 401, line: 402, reason: expect.stringContaining('not valid JSON') });
  });
});
