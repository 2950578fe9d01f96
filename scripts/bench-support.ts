/** What the benchmark scripts share: timed concurrent loops and realistic payloads. */

export interface RunResult {
  count: number;
  errors: number;
  firstError?: unknown;
  elapsedMs: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** `callers` loops share one budget of `maxCount` operations and one deadline; each call is timed. */
export async function run(callers: number, maxCount: number, maxMs: number, op: () => Promise<void>): Promise<RunResult> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: unknown;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(Math.min(maxMs, 1e9) * 1e6));
  const caller = async () => {
    while (issued < maxCount && process.hrtime.bigint() < deadline) {
      issued++;
      const t0 = process.hrtime.bigint();
      try {
        await op();
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (err) {
        errors++;
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (errors > 0) console.error(`  ${errors} of ${issued} calls failed; first: ${(firstError as Error)?.message ?? String(firstError)}`);
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    errors,
    firstError,
    elapsedMs,
    perSecond: latencies.length / (elapsedMs / 1000),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** A small EPCIS-like event, as the events API would record it. */
export function eventPayload(): Record<string, unknown> {
  return {
    bizStep: pick(['receiving', 'shipping', 'storing', 'inspecting']),
    eventTime: new Date().toISOString(),
    quantity: Math.round(Math.random() * 100_000) / 100,
    details: { temperatureC: Math.round((Math.random() * 8 - 2) * 10) / 10, operator: `op-${Math.floor(Math.random() * 50)}` },
  };
}

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

