/** A worker that ran this long before it died counts as a fresh start, not one more crash in a loop. */
export const STABLE_AFTER_MS = 60_000;
const FIRST_DELAY_MS = 250;
const LONGEST_DELAY_MS = 30_000;

/**
 * How long the primary waits before starting a dead worker's replacement: at once-ish after a worker
 * that had run a while, then doubling with each death of that slot in a row (each having run less
 * than STABLE_AFTER_MS), up to 30 s, so a worker that cannot start does not spin the machine.
 */
export function restartDelayMs(quickDeathsInARow: number): number {
  return Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, quickDeathsInARow - 1));
}

/** A slot's count of quick deaths in a row, after one more death of a worker that ran `ranMs`. */
export function quickDeathsAfter(previous: number, ranMs: number): number {
  return ranMs >= STABLE_AFTER_MS ? 1 : previous + 1;
}
