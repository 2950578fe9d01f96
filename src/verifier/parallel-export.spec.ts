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
const CHUNK = 64;
const ENTRIES = 1000;
const clean = [...syntheticExportLines(ENTRIES, 7)];

function sequential(lines: string[], rootsAt: number[]): ExportVerification {
  const verifier = new ExportVerifier({ rootsAt });
  for (const line of lines) if (!verifier.push(line)) break;
  return verifier.finish(ENTRIES);
}

async function chunked(lines: string[], rootsAt: number[]): Promise<ExportVerification> {
  const bytes = Buffer.from(lines.join('\n'));
  // Pieces that cut lines anywhere, as a network stream does.
  const pieces = async function* () {
    for (let at = 0; at < bytes.length; at += 997) yield bytes.subarray(at, at + 997);
  };
  const verifier = new ExportVerifier({ rootsAt });
  await feedLinesInParallel(pieces(), verifier, {
    workers: 2,
    workerScript: new URL('file:///not-used'),
    chunkEntries: CHUNK,
    runChunk: async (job: ChunkJob) => ({ outcome: verifyChunk(job), bytes: job.bytes }),
  });
  return verifier.finish(ENTRIES);
}

async function expectSameVerdict(lines: string[]): Promise<ExportVerification> {
  const rootsAt = [0, 1, 63, 64, 65, 500, ENTRIES];
  const one = sequential(lines, rootsAt);
  const inChunks = await chunked(lines, rootsAt);
  expect(inChunks).toEqual(one);
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
    const index = 2 * CHUNK; // seq 129, the first entry of the third chunk
    const lines = rewrittenFrom(index, (e) => {
      e.prevHash = (JSON.parse(clean[index - 2]) as Entry).hash;
    });
    const result = await expectSameVerdict(lines);
    expect(result.failure).toMatchObject({ seq: 129, reason: 'entry 129: prevHash does not match the hash of entry 128' });
  });

  it("fails a batch's first entry in a chunk that claims to be the batch's first ever", async () => {
    const index = 3 * CHUNK; // batches take turns, so this batch had entries in the chunks before
    const lines = rewrittenFrom(index, (e) => {
      e.batchPrevHash = null;
    });
    const result = await expectSameVerdict(lines);
    expect(result.failure).toMatchObject({ seq: seqOf(clean[index]), reason: expect.stringContaining('batchPrevHash') });
  });

  it('checks the batch a line names with an escape the same way (its links cannot be read off the line)', async () => {
    const index = 3 * CHUNK + 1;
    const batchId = (JSON.parse(clean[index]) as Entry).batchId!;
    const escaped = `${batchId.slice(0, -1)}\\u00${batchId.charCodeAt(batchId.length - 1).toString(16)}`;
    const lines = rewrittenFrom(index, (e) => {
      e.batchPrevHash = null;
    });
    lines[index] = lines[index].replace(`"batchId":"${batchId}"`, `"batchId":"${escaped}"`);
    expect(lines[index]).toContain(escaped);
    const result = await expectSameVerdict(lines);
    expect(result.failure).toMatchObject({ seq: seqOf(clean[index]), reason: expect.stringContaining('batchPrevHash') });
  });

  it('fails a missing entry at a chunk boundary, and an export cut short, as one verifier does', async () => {
    const missing = await expectSameVerdict(withLine(CHUNK, null));
    expect(missing.failure).toMatchObject({ seq: CHUNK + 1, reason: `entry ${CHUNK + 1} is missing (the next line holds entry ${CHUNK + 2})` });
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
