/**
 * The load generator of `npm run bench:service`, forked as a process of its own so that autocannon never
 * shares the service's (or the orchestrating script's) event loop. It takes one LoadSpec over IPC, runs
 * autocannon, and answers with a LoadResult. Request bodies are made per request where a fixed body would
 * not do (every event a new one).
 */
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventPayload, pick } from './bench-support.js';

export type BodyRecipe =
  | { kind: 'none' }
  | { kind: 'fixed'; body: string }
  /** STORING events on the caller's own batches at its own facility: custody rules pass, quantities never run out. */
  | { kind: 'storingEvents'; batchIds: string[]; facilityId: string; perCall: number }
  /** One GraphQL query per request with its `code` variable taken from `codes` in turn. */
  | { kind: 'codesInTurn'; query: string; codes: string[] };

export interface LoadSpec {
  base: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body: BodyRecipe;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  /** Answers that were 200 and, for GraphQL, carried no errors. */
  ok: number;
  failed: number;
  firstFailure?: string;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Runs one load in a forked process and waits for its figures. */
export function loadFromSecondProcess(spec: LoadSpec): Promise<LoadResult> {
  const child = fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (result) => resolve(result as LoadResult));
    child.once('exit', (code) => reject(new Error(`the load process exited with ${code} before answering`)));
    child.send(spec);
  });
}

function bodyMaker(recipe: BodyRecipe): (() => string) | undefined {
  switch (recipe.kind) {
    case 'none':
      return undefined;
    case 'fixed':
      return () => recipe.body;
    case 'codesInTurn': {
      let next = 0;
      return () => JSON.stringify({ query: recipe.query, variables: { code: recipe.codes[next++ % recipe.codes.length] } });
    }
    case 'storingEvents': {
      const event = () => ({
        batchId: pick(recipe.batchIds),
        bizStep: 'STORING',
        eventTime: new Date().toISOString(),
        facilityId: recipe.facilityId,
        details: eventPayload().details,
      });
      return recipe.perCall === 1
        ? () => JSON.stringify({ query: 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }', variables: { input: event() } })
        : () =>
            JSON.stringify({
              query: 'mutation($input: [RecordEventInput!]!) { recordEvents(input: $input) { seq } }',
              variables: { input: Array.from({ length: recipe.perCall }, event) },
            });
    }
  }
}

async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const makeBody = bodyMaker(spec.body);
  const isGraphql = spec.path === '/graphql';
  let failed = 0;
  let firstFailure: string | undefined;
  const result = await autocannon({
    url: spec.base,
    connections: spec.connections,
    duration: spec.seconds,
    requests: [
      {
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
        ...(makeBody ? { setupRequest: (req: autocannon.Request) => ({ ...req, body: makeBody() }) } : {}),
        // A GraphQL error comes back as 200 with "errors": counted as a failure, not as throughput.
        onResponse: (status: number, body: string) => {
          if (status !== 200 || (isGraphql && body.includes('"errors":'))) {
            failed++;
            firstFailure ??= `${status}: ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  const answered = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  const ok = answered - failed;
  const transportErrors = result.errors + result.timeouts;
  if (transportErrors > 0) firstFailure ??= `${result.errors} connection errors, ${result.timeouts} timeouts`;
  return { ok, failed: failed + transportErrors, firstFailure, perSecond: ok / result.duration, p50: result.latency.p50, p99: result.latency.p99 };
}

if (process.argv.includes('--worker')) {
  process.once('message', (spec) => {
    runLoad(spec as LoadSpec).then(
      (result) => process.send!(result, () => process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
