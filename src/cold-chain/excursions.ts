/**
 * Cold-chain rules (GB 31605: monitored, recorded, alarmed temperatures), pure. An excursion is a
 * run of readings out of the product's range lasting longer than the tolerance, or a gap in the
 * readings longer than the allowed one (nobody knows what the temperature was).
 */
export interface Reading {
  at: Date;
  celsius: number;
}

export interface TemperatureRange {
  minTempC: number | null;
  maxTempC: number | null;
}

export interface ExcursionRules extends TemperatureRange {
  toleranceMinutes: number;
  maxGapMinutes: number;
}

export interface Excursion {
  kind: 'OUT_OF_RANGE' | 'GAP';
  start: Date;
  end: Date;
  minutes: number;
  minC: number;
  maxC: number;
}

export const DEFAULT_TOLERANCE_MINUTES = 30;
export const DEFAULT_MAX_GAP_MINUTES = 60;

const MINUTE = 60_000;

export function outOfRange(celsius: number, range: TemperatureRange): boolean {
  return (range.minTempC !== null && celsius < range.minTempC) || (range.maxTempC !== null && celsius > range.maxTempC);
}

/** Excursions in readings sorted by time. An out-of-range run lasts until the next reading back in range (or its last reading). */
export function findExcursions(readings: Reading[], rules: ExcursionRules): Excursion[] {
  const excursions: Excursion[] = [];
  let run: Reading[] = [];
  const closeRun = (end: Date) => {
    const minutes = (end.getTime() - run[0].at.getTime()) / MINUTE;
    if (minutes > rules.toleranceMinutes) {
      const temps = run.map((r) => r.celsius);
      excursions.push({ kind: 'OUT_OF_RANGE', start: run[0].at, end, minutes: round(minutes), minC: Math.min(...temps), maxC: Math.max(...temps) });
    }
    run = [];
  };
  for (let i = 0; i < readings.length; i++) {
    const reading = readings[i];
    if (i > 0) {
      const previous = readings[i - 1];
      const gap = (reading.at.getTime() - previous.at.getTime()) / MINUTE;
      if (gap > rules.maxGapMinutes) {
        excursions.push({
          kind: 'GAP',
          start: previous.at,
          end: reading.at,
          minutes: round(gap),
          minC: Math.min(previous.celsius, reading.celsius),
          maxC: Math.max(previous.celsius, reading.celsius),
        });
      }
    }
    if (outOfRange(reading.celsius, rules)) run.push(reading);
    else if (run.length > 0) closeRun(reading.at);
  }
  if (run.length > 0) closeRun(run[run.length - 1].at);
  return excursions.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/**
 * Mean kinetic temperature (USP <1079.2>): the single temperature with the same cumulative thermal
 * effect as the readings, with ΔH/R = 10,000 K (ΔH = 83.144 kJ/mol).
 */
export function meanKineticTemperature(readings: Reading[]): number | null {
  if (readings.length === 0) return null;
  const ratio = 10_000;
  const sum = readings.reduce((acc, r) => acc + Math.exp(-ratio / (r.celsius + 273.15)), 0);
  return round(ratio / -Math.log(sum / readings.length) - 273.15, 2);
}

function round(value: number, places = 1): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}
